package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.io.Sha256;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.BenchmarkRunner;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.DatasetSpec;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a Spark task does on its executor before and around the worker JVM: it checks that the node can read the
 * group's files (and names the node when not), runs the backbone from the copy shipped with the job, and a CUDA
 * worker checks its GPUs before any cell. One tiny backbone × synthmed DDSM × frozen-linear, on {@code local[…]}.
 */
@DisabledOnOs(OS.WINDOWS)
class SparkTaskTest {

    @TempDir
    static Path synth;

    static DatasetSpec ddsm;

    @BeforeAll
    static void generate() {
        SynthMed.Entry e = SynthMed.generate(synth.resolve("synthmed")).stream().filter(x -> x.name().equals("ddsm")).findFirst().orElseThrow();
        ddsm = new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults());
    }

    private static BenchmarkPlan plan(Path out, Path model) {
        return BenchmarkPlan.builder(out).addModel("deit-b16", model).addDataset(ddsm).addScenario("frozen-linear").addSeed(1)
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(16).optLearningRate(1e-3).build())
                .build();
    }

    /** The tiny DeiT fixture's folder (model, sidecar, references) copied to {@code dir}. */
    private static Path copyOfTinyModel(Path dir) throws IOException {
        Path from = Fixtures.tiny("deit-b16").getParent();
        Path to = Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to.resolve("model.onnx");
    }

    private static SparkSettings local(String master) {
        return new SparkSettings(master, "dl4j-transfer test", Map.of("spark.ui.enabled", "false",
                "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));
    }

    private static List<CellResult> run(SparkSettings settings, ForkedExecutor worker, BenchmarkPlan plan, List<String> log) {
        try (SparkExecutor spark = new SparkExecutor(settings, worker)) {
            return new BenchmarkRunner(spark, log::add).run(plan);
        }
    }

    @Test
    void aNodeThatCannotReadTheBackboneIsNamedRetriedAndFinallyRecorded(@TempDir Path dir) throws Exception {
        Path model = copyOfTinyModel(dir.resolve("models/deit"));
        BenchmarkPlan plan = plan(dir.resolve("out"), model);
        Files.delete(model); // valid when planned, gone on the node: a node without the shared volume
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        // A scratch folder of an attempt whose executor was killed (its pid is gone), and one of a live executor.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createTempDirectory(tmp, GroupTask.SCRATCH_PREFIX);
        Files.writeString(stale.resolve(GroupTask.OWNER), Long.toString(gone.pid()));
        Path live = Files.createTempDirectory(tmp, GroupTask.SCRATCH_PREFIX);
        Files.writeString(live.resolve(GroupTask.OWNER), Long.toString(ProcessHandle.current().pid()));

        List<CellResult> results = run(local("local[1,2]"), SparkExecutorTest.worker(), plan, log);

        String all = String.join("\n", log);
        assertEquals(1, results.size());
        CellResult r = results.get(0);
        assertEquals(CellResult.Status.FAILED, r.status(), all);
        assertTrue(r.error().startsWith("node "), r.error());
        assertTrue(r.error().contains("cannot read " + model + ", needed by deit-b16 × ddsm"), r.error());
        assertTrue(r.error().contains("<spark><shipModels>true</shipModels>"), "names the fix: " + r.error());
        assertTrue(all.contains("attempt 1 failed") && all.contains("Spark retries it"), "the first node's attempt is retried:\n" + all);
        assertTrue(r.history().isEmpty(), "no cell ran");
        assertTrue(!Files.exists(stale), "the dead executor's scratch folder is cleaned up by the next task");
        assertTrue(Files.exists(live), "a live executor's scratch folder is kept");
        Files.delete(live.resolve(GroupTask.OWNER));
        Files.delete(live);
    }

    @Test
    void shippedBackbonesRunFromTheJobsCopy(@TempDir Path dir) throws IOException {
        Path model = copyOfTinyModel(dir.resolve("models/deit"));
        BenchmarkPlan plan = plan(dir.resolve("out"), model);
        List<String> log = Collections.synchronizedList(new ArrayList<>());

        List<CellResult> results = run(local("local[1]").withShipModels(true), SparkExecutorTest.worker(), plan, log);

        String all = String.join("\n", log);
        assertTrue(all.contains("shipping " + model.getParent() + " with the job"), all);
        CellResult r = results.get(0);
        assertTrue(r.isDone(), r.error() + "\n" + all);
        String ran = r.provenance().modelFile();
        assertNotEquals(model.toString(), ran, "the worker read the shipped copy, not the original");
        assertTrue(ran.contains("transfer-model-0.zip") && ran.endsWith("model.onnx"), ran);
        assertEquals(Sha256.of(Files.readAllBytes(model)), r.provenance().modelSha256(), "the same bytes");
    }

    @Test
    void cudaWorkersOnExecutorsCheckTheirGpusBeforeAnyCell(@TempDir Path dir) throws IOException {
        BenchmarkPlan plan = plan(dir.resolve("hopper"), Fixtures.tiny("deit-b16"));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<CellResult> hopper = run(local("local[1]"), SparkExecutorTest.worker(cudaOn(dir, "NVIDIA H100 80GB HBM3", "9.0")), plan, log);
        CellResult r = hopper.get(0);
        assertEquals(CellResult.Status.FAILED, r.status(), String.join("\n", log));
        assertTrue(r.error().startsWith("<backend>cuda</backend>: GPU 0 (NVIDIA H100 80GB HBM3, compute capability 9.0) has no kernels"),
                r.error());
        assertTrue(r.history().isEmpty(), "no cell ran");
        assertTrue(String.join("\n", log).contains("without Spark GPU scheduling"), "warns that tasks share the node's GPUs: " + log);

        List<CellResult> ampere = run(local("local[1]"), SparkExecutorTest.worker(cudaOn(dir, "NVIDIA A100-SXM4-40GB", "8.0")),
                plan(dir.resolve("ampere"), Fixtures.tiny("deit-b16")), new ArrayList<>());
        assertTrue(ampere.get(0).isDone(), "compute capability 8.0 passes the check: " + ampere.get(0).error());
    }

    /** Worker arguments of the CUDA backend with an {@code nvidia-smi} that reports one GPU of this capability. */
    private static List<String> cudaOn(Path dir, String name, String capability) throws IOException {
        Path smi = dir.resolve("nvidia-smi-" + capability);
        Files.writeString(smi, "#!/bin/sh\necho '0, " + name + ", " + capability + "'\n", StandardCharsets.UTF_8);
        assertTrue(smi.toFile().setExecutable(true));
        return List.of("-Dtransfer.backend=cuda", "-Dtransfer.nvidiaSmi=" + smi);
    }
}
