package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POM configuration → plan translation, and the errors invalid configuration gets (no cell runs here). */
class BenchmarkMojoTest {

    private static final Path FIXTURES = Path.of("..", "dl4j-transfer", "src", "test", "resources", "fixtures", "tiny").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private BenchmarkMojo mojo() {
        BenchmarkMojo m = new BenchmarkMojo();
        m.setOutputDirectory(dir.resolve("out").toFile());
        m.setEmbeddedDirectory(dir.resolve("embedded").toFile());
        return m;
    }

    private static ModelElement model(String name, Path onnx) {
        return new ModelElement(name, onnx == null ? null : onnx.toFile());
    }

    @Test
    void embeddedDefaultIsADemoOfEightFamiliesFourTasksFiveScenariosTwoSeedsTwoTrainingSetSizes() throws Exception {
        BenchmarkPlan plan = mojo().plan();
        assertEquals(8, plan.models().size());
        assertEquals(List.of("aptos2019", "isic2019", "ddsm", "chexpert"), plan.datasets().stream().map(d -> d.name()).toList());
        assertEquals(List.of("frozen-linear", "frozen-knn", "unfrozen-linear", "frozen-deit", "unfrozen-deit"), plan.scenarios());
        assertEquals(List.of(1L, 2L), plan.seeds());
        assertEquals(List.of("f0.1", "all"), plan.trainSubsets());
        assertEquals(8 * 4 * 5 * 2 * 2, plan.cells().size());
        assertNotNull(plan.deitTail());
        assertTrue(Files.isRegularFile(plan.deitTail()));
        plan.models().forEach(m -> assertTrue(Files.isRegularFile(m.onnx()) && Files.isRegularFile(m.onnx().resolveSibling("model.json")), m.toString()));
        // Through-backbone cells: one epoch of batches of 8 at a constant rate.
        assertEquals(EmbeddedDefault.EPOCHS, plan.trainer().epochs());
        assertEquals(EmbeddedDefault.BATCH_SIZE, plan.trainer().batchSize());
        assertEquals(0, plan.trainer().warmupEpochs());
        assertEquals(TrainerConfig.Schedule.CONSTANT, plan.trainer().schedule());
        // The plugin's protocol is the study's: frozen cells see augmented images through the backbone, a few more
        // epochs than the rest, and frozen-deit no more than through-backbone cells.
        assertEquals(Protocol.STUDY, plan.protocol());
        assertEquals(EmbeddedDefault.FROZEN_LINEAR_EPOCHS_UNCACHED, plan.trainerFor(new CellKey("deit-b16", "ddsm", "frozen-linear", 1)).epochs());
        assertEquals(EmbeddedDefault.EPOCHS, plan.trainerFor(new CellKey("deit-b16", "ddsm", "frozen-deit", 1)).epochs());
        assertEquals(EmbeddedDefault.EPOCHS, plan.trainerFor(new CellKey("deit-b16", "ddsm", "unfrozen-deit", 1)).epochs());
        assertEquals(List.of(), plan.learningRateGrid());
    }

    @Test
    void embeddedDefaultUnderModernTrainsCachedCellsLongerWithAGrid() throws Exception {
        BenchmarkMojo m = mojo();
        m.setProtocol("modern");
        BenchmarkPlan plan = m.plan();
        assertEquals(Protocol.MODERN, plan.protocol());
        // Frozen-linear cells train on cached features: more epochs and a learning-rate grid cost nothing there.
        CellKey linear = new CellKey("deit-b16", "ddsm", "frozen-linear", 1);
        assertEquals(EmbeddedDefault.FROZEN_LINEAR_EPOCHS, plan.trainerFor(linear).epochs());
        assertEquals(EmbeddedDefault.FROZEN_LINEAR_BATCH_SIZE, plan.trainerFor(linear).batchSize());
        assertEquals(EmbeddedDefault.FROZEN_LINEAR_GRID, plan.learningRateGrid());
        CellKey deit = new CellKey("deit-b16", "ddsm", "frozen-deit", 1);
        assertEquals(EmbeddedDefault.FROZEN_DEIT_EPOCHS, plan.trainerFor(deit).epochs());
        assertEquals(EmbeddedDefault.FROZEN_DEIT_BATCH_SIZE, plan.trainerFor(deit).batchSize());
        assertEquals(EmbeddedDefault.EPOCHS, plan.trainerFor(new CellKey("deit-b16", "ddsm", "unfrozen-linear", 1)).epochs());
        // One choice changed: the study with frozen cells on the cache.
        BenchmarkMojo s = mojo();
        s.setProtocolSettings(Map.of("augmentFrozen", "false"));
        BenchmarkPlan p = s.plan();
        assertEquals(Protocol.STUDY, p.protocol());
        assertEquals(EmbeddedDefault.FROZEN_LINEAR_EPOCHS, p.trainerFor(linear).epochs());
        assertEquals(Protocol.STUDY, p.protocolSettings().splits());
    }

    @Test
    void configuredAxesReplaceTheDemosAndExplicitModelsKeepTheStudyScenarios() throws Exception {
        BenchmarkMojo m = mojo();
        m.setSeeds(List.of(7L));
        m.setShots(List.of(5));
        BenchmarkPlan plan = m.plan();
        assertEquals(List.of(7L), plan.seeds());
        assertEquals(List.of("k5"), plan.trainSubsets(), "shots configured: no demo fractions added");
        BenchmarkMojo own = mojo();
        own.setModels(List.of(model("deit-b16", FIXTURES.resolve("deit-b16/model.onnx"))));
        own.setDeitTail(FIXTURES.resolve("deit-tail/model.onnx").toFile());
        BenchmarkPlan p = own.plan();
        assertEquals(io.github.dl4jtransfer.train.Scenario.STUDY, p.scenarios());
        assertEquals(List.of(1L), p.seeds());
        assertEquals(List.of("all"), p.trainSubsets());
        assertEquals(1, own.defaultWorkers(), "full-size backbones: one worker with every core");
        assertEquals(EmbeddedDefault.workers(Runtime.getRuntime().availableProcessors()), m.defaultWorkers());
        // the tiny demo runs one kind of worker (plain build); your own backbones get <nativeBuild>auto
        assertEquals("plain", m.defaultNativeBuild());
        assertEquals("auto", own.defaultNativeBuild());
        assertEquals(1, EmbeddedDefault.workers(1));
        assertEquals(EmbeddedDefault.MAX_WORKERS, EmbeddedDefault.workers(64));
    }

    @Test
    void explicitModelsKeepTheStudyDefaultsAndOverridesApply() throws Exception {
        BenchmarkMojo m = mojo();
        m.setModels(List.of(model("deit-b16", FIXTURES.resolve("deit-b16/model.onnx"))));
        m.setScenarios(List.of("frozen-linear", "last1-linear"));
        m.setTraining(Map.of("epochs", "3"));
        OverrideElement o = new OverrideElement();
        o.put("scenario", "last1-linear");
        o.put("learningRate", "1e-5");
        o.put("microBatchSize", "4");
        m.setOverrides(List.of(o));
        BenchmarkPlan plan = m.plan();
        assertEquals(4 * 2, plan.cells().size());
        assertEquals(3, plan.trainer().epochs());
        assertEquals(1e-4, plan.trainer().learningRate());
        assertEquals(1e-5, plan.trainerFor(new CellKey("deit-b16", "ddsm", "last1-linear", 1)).learningRate());
        assertEquals(4, plan.trainerFor(new CellKey("deit-b16", "ddsm", "last1-linear", 1)).microBatchSize());
        assertEquals(0, plan.trainerFor(new CellKey("deit-b16", "ddsm", "frozen-linear", 1)).microBatchSize());
        assertEquals(1e-4, plan.trainerFor(new CellKey("deit-b16", "ddsm", "frozen-linear", 1)).learningRate());
    }
}
