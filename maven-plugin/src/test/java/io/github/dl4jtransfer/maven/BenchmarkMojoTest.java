package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellKey;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POM configuration → plan translation, and the errors invalid configuration gets (no cell runs here). */
class BenchmarkMojoTest {

    private static final Path FIXTURES = Path.of("..", "dl4j-transfer", "src", "test", "resources", "fixtures", "tiny").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private BenchmarkMojo mojo() throws Exception {
        BenchmarkMojo m = new BenchmarkMojo();
        set(m, "outputDirectory", dir.resolve("out").toFile());
        set(m, "embeddedDirectory", dir.resolve("embedded").toFile());
        set(m, "featureCache", true);
        set(m, "useEmbeddedDefault", true);
        set(m, "backend", "cpu");
        return m;
    }

    private static void set(Object o, String field, Object value) throws Exception {
        Field f = o.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(o, value);
    }

    private static Model model(String name, Path onnx) {
        Model m = new Model();
        m.setName(name);
        m.setOnnx(onnx == null ? null : onnx.toFile());
        return m;
    }

    @Test
    void embeddedDefaultIsEightFamiliesTimesFourTasksTimesFourScenarios() throws Exception {
        BenchmarkPlan plan = mojo().plan();
        assertEquals(8, plan.models().size());
        assertEquals(List.of("aptos2019", "isic2019", "ddsm", "chexpert"), plan.datasets().stream().map(d -> d.name()).toList());
        assertEquals(EmbeddedDefault.SCENARIOS, plan.scenarios());
        assertEquals(List.of(1L), plan.seeds());
        assertEquals(128, plan.cells().size());
        assertNotNull(plan.deitTail());
        assertTrue(Files.isRegularFile(plan.deitTail()));
        plan.models().forEach(m -> assertTrue(Files.isRegularFile(m.onnx()) && Files.isRegularFile(m.onnx().resolveSibling("model.json")), m.toString()));
        assertEquals(EmbeddedDefault.EPOCHS, plan.trainer().epochs());
        assertEquals(0, plan.trainer().warmupEpochs());
        // Frozen-linear cells train on cached features: more epochs and a learning-rate grid cost nothing there.
        assertEquals(EmbeddedDefault.FROZEN_LINEAR_EPOCHS, plan.trainerFor(new CellKey("deit-b16", "ddsm", "frozen-linear", 1)).epochs());
        assertEquals(EmbeddedDefault.EPOCHS, plan.trainerFor(new CellKey("deit-b16", "ddsm", "unfrozen-deit", 1)).epochs());
        assertEquals(EmbeddedDefault.FROZEN_LINEAR_GRID, plan.learningRateGrid());
    }

    @Test
    void explicitModelsKeepTheStudyDefaultsAndOverridesApply() throws Exception {
        BenchmarkMojo m = mojo();
        set(m, "models", List.of(model("deit-b16", FIXTURES.resolve("deit-b16/model.onnx"))));
        set(m, "scenarios", List.of("frozen-linear", "last1-linear"));
        set(m, "epochs", 3);
        TrainingOverrideConfig o = new TrainingOverrideConfig();
        o.setScenario("last1-linear");
        o.setLearningRate(1e-5);
        o.setMicroBatchSize(4);
        set(m, "overrides", List.of(o));
        BenchmarkPlan plan = m.plan();
        assertEquals(4 * 2, plan.cells().size());
        assertEquals(3, plan.trainer().epochs());
        assertEquals(1e-4, plan.trainer().learningRate());
        assertEquals(1e-5, plan.trainerFor(new CellKey("deit-b16", "ddsm", "last1-linear", 1)).learningRate());
        assertEquals(4, plan.trainerFor(new CellKey("deit-b16", "ddsm", "last1-linear", 1)).microBatchSize());
        assertEquals(0, plan.trainerFor(new CellKey("deit-b16", "ddsm", "frozen-linear", 1)).microBatchSize());
        assertEquals(1e-4, plan.trainerFor(new CellKey("deit-b16", "ddsm", "frozen-linear", 1)).learningRate());
    }

    @Test
    void invalidConfigurationNamesTheElementAndTheFix() throws Exception {
        BenchmarkMojo m = mojo();
        set(m, "models", List.of(model("x", dir.resolve("missing/model.onnx"))));
        String e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<models><model><onnx>: ") && e.contains("missing/model.onnx does not exist") && e.contains("tools/export/export.py"), e);

        m = mojo();
        set(m, "models", List.of(model(null, FIXTURES.resolve("deit-b16/model.onnx"))));
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.contains("<models><model> #1: <name> is missing"), e);

        m = mojo();
        set(m, "scenarios", List.of("frozen-lineer"));
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<scenarios><scenario>: unknown scenario 'frozen-lineer'; use frozen-linear"), e);

        m = mojo();
        set(m, "models", List.of(model("deit-b16", FIXTURES.resolve("deit-b16/model.onnx"))));
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<deitTail> is required for the *-deit scenarios"), e);

        m = mojo();
        Dataset d = new Dataset();
        d.setName("aptos");
        d.setFormat("aptos");
        d.setPath(dir.toFile());
        set(m, "datasets", List.of(d));
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<datasets><dataset><format>: 'aptos' is not a known format") && e.contains("aptos2019"), e);

        m = mojo();
        d.setFormat("aptos2019");
        d.setPath(new File(dir.toFile(), "nowhere"));
        set(m, "datasets", List.of(d));
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<datasets><dataset><path>: ") && e.contains("nowhere does not exist"), e);

        m = mojo();
        TrainingOverrideConfig o = new TrainingOverrideConfig();
        o.setModel("deit-b16");
        o.setScenario("frozen-linear");
        set(m, "overrides", List.of(o));
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.contains("<overrides><override> #1: name exactly one of <model>, <dataset> or <scenario>"), e);

        m = mojo();
        set(m, "epochs", 0);
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<epochs>: 0 must be at least 1"), e);

        m = mojo();
        set(m, "microBatchSize", -2);
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<microBatchSize>: -2"), e);

        m = mojo();
        set(m, "useEmbeddedDefault", false);
        e = assertThrows(MojoFailureException.class, m::plan).getMessage();
        assertTrue(e.startsWith("<models> is empty and <useEmbeddedDefault> is false"), e);
    }
}
