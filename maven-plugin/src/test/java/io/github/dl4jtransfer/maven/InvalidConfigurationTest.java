package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One table of bad inputs, each written twice — as POM configuration (through the mojo's setters and its
 * {@code execute()}) and through the library's {@code BenchmarkPlan.Builder} — and both must fail with the same
 * sentence: the element, the problem, the fix. Validation lives once, in the library; the mojo only maps.
 */
class InvalidConfigurationTest {

    private static final Path FIXTURES = Path.of("..", "dl4j-transfer", "src", "test", "resources", "fixtures", "tiny").toAbsolutePath().normalize();
    private static final Path DEIT = FIXTURES.resolve("deit-b16/model.onnx");

    @TempDir
    static Path dir;

    /** A mistake as a POM user makes it and as a Java user makes it, and how the message must start. */
    record Case(String name, String expectedStart, BiConsumer<BenchmarkMojo, Path> pom, BiConsumer<BenchmarkPlan.Builder, Path> java) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("missing onnx", "<models><model><onnx>: ",
                (m, d) -> m.setModels(List.of(new ModelElement("x", d.resolve("missing/model.onnx").toFile()))),
                (b, d) -> b.addModel("x", d.resolve("missing/model.onnx"))));
        c.add(new Case("model without a name", "<models><model> #1: <name> is missing; give each model",
                (m, d) -> m.setModels(List.of(new ModelElement(null, DEIT.toFile()))),
                (b, d) -> b.addModel(null, DEIT)));
        c.add(new Case("onnx without its sidecar", "<models><model><onnx>: no sidecar",
                (m, d) -> m.setModels(List.of(new ModelElement("lone", lone(d).toFile()))),
                (b, d) -> b.addModel("lone", lone(d))));
        c.add(new Case("model whose sidecar has no mean", "<models><model><onnx>: sidecar ",
                (m, d) -> m.setModels(List.of(new ModelElement("nomean", withoutMean(d).toFile()))),
                (b, d) -> b.addModel("nomean", withoutMean(d))));
        c.add(new Case("model named twice", "<models><model><name>: 'deit-b16' appears twice; names must be unique",
                (m, d) -> m.setModels(List.of(new ModelElement("deit-b16", DEIT.toFile()), new ModelElement("deit-b16", DEIT.toFile()))),
                (b, d) -> b.addModel("deit-b16", DEIT).addModel("deit-b16", DEIT)));
        c.add(new Case("no models", "<models>: the plan has no models; add <models>",
                (m, d) -> m.setModels(List.of()), (b, d) -> { }));
        c.add(new Case("unknown scenario", "<scenarios><scenario>: unknown scenario 'frozen-lineer'; use frozen-linear",
                (m, d) -> m.setScenarios(List.of("frozen-lineer")), (b, d) -> b.addScenario("frozen-lineer")));
        c.add(new Case("scenario twice", "<scenarios><scenario>: 'frozen-linear' appears twice",
                (m, d) -> m.setScenarios(List.of("frozen-linear", "frozen-linear")), (b, d) -> b.addScenario("frozen-linear").addScenario("frozen-linear")));
        c.add(new Case("DeiT scenario without the classifier", "<deitTail>: missing, and the *-deit scenarios [unfrozen-deit] need it",
                (m, d) -> m.setScenarios(List.of("unfrozen-deit")), (b, d) -> b.addScenario("unfrozen-deit")));
        c.add(new Case("DeiT classifier not there", "<deitTail>: ",
                (m, d) -> m.setDeitTail(d.resolve("tail/model.onnx").toFile()), (b, d) -> b.optDeitTail(d.resolve("tail/model.onnx"))));
        c.add(new Case("unknown protocol", "<protocol>: 'studdy' is not a protocol; use study",
                (m, d) -> m.setProtocol("studdy"), (b, d) -> b.optProtocol("studdy")));
        c.add(new Case("protocol choice that does not parse", "<protocolSettings><splits>: 'ours' is not one of",
                (m, d) -> m.setProtocolSettings(Map.of("splits", "ours")), (b, d) -> b.optProtocolSettings(Map.of("splits", "ours"))));
        c.add(new Case("unknown format", "<datasets><dataset><format>: 'aptos' is not a known format (dataset 'a'); use one of [aptos2019",
                (m, d) -> m.setDatasets(List.of(dataset("a", "aptos", d, null))), (b, d) -> b.addDataset("a", "aptos", d)));
        c.add(new Case("dataset root not there", "<datasets><dataset><path>: ",
                (m, d) -> m.setDatasets(List.of(dataset("a", "aptos2019", d.resolve("nowhere"), null))),
                (b, d) -> b.addDataset("a", "aptos2019", d.resolve("nowhere"))));
        c.add(new Case("unknown metric", "<datasets><dataset> 'a' <metric>: unknown metric 'auc'",
                (m, d) -> m.setDatasets(List.of(dataset("a", "csv", d, "auc"))),
                (b, d) -> b.addDataset("a", "csv", d, Map.of("metric", "auc"))));
        c.add(new Case("unknown dataset option", "<datasets><dataset> 'a' <skipBadImagez>: is not a setting; use one of [skipBadImages",
                (m, d) -> m.setDatasets(List.of(option(dataset("a", "ddsm", d, null), "skipBadImagez", "true"))),
                (b, d) -> b.addDataset("a", "ddsm", d, Map.of("skipBadImagez", "true"))));
        c.add(new Case("dataset option not a boolean", "<datasets><dataset> 'a' <skipBadImages>: 'yes' is not true or false",
                (m, d) -> m.setDatasets(List.of(option(dataset("a", "ddsm", d, null), "skipBadImages", "yes"))),
                (b, d) -> b.addDataset("a", "ddsm", d, Map.of("skipBadImages", "yes"))));
        c.add(new Case("dataset named twice", "<datasets><dataset><name>: 'a' appears twice",
                (m, d) -> m.setDatasets(List.of(dataset("a", "ddsm", d, null), dataset("a", "ddsm", d, null))),
                (b, d) -> b.addDataset("a", "ddsm", d).addDataset("a", "ddsm", d)));
        c.add(new Case("epochs 0", "<training><epochs>: 0 must be at least 1",
                (m, d) -> m.setTraining(Map.of("epochs", "0")), (b, d) -> b.optTraining(Map.of("epochs", "0"))));
        c.add(new Case("unknown setting", "<training><epochz>: is not a setting; use one of [learningRate, weightDecay",
                (m, d) -> m.setTraining(Map.of("epochz", "3")), (b, d) -> b.optTraining(Map.of("epochz", "3"))));
        c.add(new Case("not a number", "<training><learningRate>: 'fast' is not a number",
                (m, d) -> m.setTraining(Map.of("learningRate", "fast")), (b, d) -> b.optTraining(Map.of("learningRate", "fast"))));
        c.add(new Case("unknown schedule", "<training><schedule>: 'linear' is not one of [cosine, constant]",
                (m, d) -> m.setTraining(Map.of("schedule", "linear")), (b, d) -> b.optTraining(Map.of("schedule", "linear"))));
        c.add(new Case("override on two axes", "<overrides><override> #1: names both <model> and <scenario>; name exactly one",
                (m, d) -> m.setOverrides(List.of(override("model", "deit-b16", "scenario", "frozen-linear"))),
                (b, d) -> b.addOverride(override("model", "deit-b16", "scenario", "frozen-linear"))));
        c.add(new Case("override on no axis", "<overrides><override> #1: names none of <model>, <dataset>, <scenario>",
                (m, d) -> m.setOverrides(List.of(override("epochs", "2"))), (b, d) -> b.addOverride(override("epochs", "2"))));
        c.add(new Case("override of an unknown backbone", "<overrides><override> #1 <model>: 'nope' is not in the plan; known: [deit-b16]",
                (m, d) -> m.setOverrides(List.of(override("model", "nope", "epochs", "2"))),
                (b, d) -> b.addOverride(override("model", "nope", "epochs", "2"))));
        c.add(new Case("override out of range", "<overrides><override> #1 <microBatchSize>: -2 must be >= 0",
                (m, d) -> m.setOverrides(List.of(override("scenario", "frozen-linear", "microBatchSize", "-2"))),
                (b, d) -> b.addOverride(override("scenario", "frozen-linear", "microBatchSize", "-2"))));
        c.add(new Case("seed twice", "<seeds><seed>: 1 appears twice",
                (m, d) -> m.setSeeds(List.of(1L, 1L)), (b, d) -> b.addSeed(1L).addSeed(1L)));
        c.add(new Case("negative grid rate", "<learningRateGrid>: -0.1 is not a positive number",
                (m, d) -> m.setLearningRateGrid(List.of(1e-3, -0.1)), (b, d) -> b.optLearningRateGrid(List.of(1e-3, -0.1))));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pomAndLibraryUsersGetTheSameMessage(Case c) throws Exception {
        BenchmarkMojo mojo = new BenchmarkMojo();
        mojo.setOutputDirectory(dir.resolve("out").toFile());
        mojo.setEmbeddedDirectory(dir.resolve("embedded").toFile());
        mojo.setUseEmbeddedDefault(false);
        mojo.setModels(List.of(new ModelElement("deit-b16", DEIT.toFile())));
        mojo.setDatasets(List.of(dataset("d", "ddsm", dir, null)));
        mojo.setScenarios(List.of("frozen-linear"));
        c.pom().accept(mojo, dir);
        String pom = assertThrows(MojoFailureException.class, mojo::execute).getMessage();

        BenchmarkPlan.Builder b = BenchmarkPlan.builder(dir.resolve("out"));
        boolean ownModels = c.name().contains("model") || c.name().contains("onnx");
        boolean ownDatasets = c.name().contains("dataset") || c.name().contains("format") || c.name().contains("metric");
        boolean ownScenarios = c.name().contains("scenario");
        if (!ownModels) b.addModel("deit-b16", DEIT);
        if (!ownDatasets) b.addDataset("d", "ddsm", dir);
        if (!ownScenarios) b.addScenario("frozen-linear");
        c.java().accept(b, dir);
        String java = assertThrows(ConfigException.class, b::build).getMessage();

        assertTrue(pom.startsWith(c.expectedStart()), pom);
        assertEquals(pom, java, "a POM user and a library user read the same message");
    }

    private static DatasetElement dataset(String name, String format, Path path, String metric) {
        DatasetElement d = new DatasetElement();
        d.put("name", name);
        d.put("format", format);
        d.put("path", path.toString());
        if (metric != null) d.put("metric", metric);
        return d;
    }

    private static DatasetElement option(DatasetElement d, String key, String value) {
        d.put(key, value);
        return d;
    }

    private static OverrideElement override(String... kv) {
        OverrideElement o = new OverrideElement();
        for (int i = 0; i < kv.length; i += 2) o.put(kv[i], kv[i + 1]);
        return o;
    }

    /** The tiny DeiT with a sidecar that has no "mean": the plan names the field and the file. */
    private static Path withoutMean(Path d) {
        try {
            Path f = d.resolve("nomean/model.onnx");
            Files.createDirectories(f.getParent());
            Files.copy(DEIT, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String json = Files.readString(DEIT.resolveSibling("model.json")).replaceFirst("\"mean\"", "\"mean_removed\"");
            Files.writeString(f.resolveSibling("model.json"), json);
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An ONNX file with no model.json beside it. */
    private static Path lone(Path d) {
        try {
            Path f = d.resolve("lone/model.onnx");
            Files.createDirectories(f.getParent());
            Files.copy(DEIT, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
