package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.BenchmarkRunner;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.DatasetSpec;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small matrix on real Spark, {@code local[2,3]} (two task slots, three attempts per task), against the local
 * executor: 2 tiny backbones × 1 synthmed dataset × frozen-linear and unfrozen-linear, one epoch. One worker JVM is
 * killed mid-run, so one task is retried; every cell still ends done, written once, with the local run's metrics.
 * About 40 s on two cores (worker JVM starts, the retry).
 */
class SparkExecutorTest {

    @TempDir
    static Path synth;

    static DatasetSpec ddsm;

    @BeforeAll
    static void generate() {
        SynthMed.Entry e = SynthMed.generate(synth.resolve("synthmed")).stream().filter(x -> x.name().equals("ddsm")).findFirst().orElseThrow();
        ddsm = new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults());
    }

    private static BenchmarkPlan plan(Path out) {
        return BenchmarkPlan.builder(out)
                .addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addModel("resnet152", Fixtures.tiny("resnet152"))
                .addDataset(ddsm)
                .addScenario("frozen-linear").addScenario("unfrozen-linear").addSeed(1)
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(16).optLearningRate(1e-3).build())
                .build();
    }

    static ForkedExecutor worker() {
        return worker(List.of());
    }

    /** The tests' worker JVM on this test's classpath, with {@code extraArgs} after the usual ones. */
    static ForkedExecutor worker(List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("-Xmx1g", "-Dorg.bytedeco.javacpp.maxbytes=4G"));
        String memory = System.getProperty("transfer.inferenceMemory");
        if (memory != null) args.add("-Dtransfer.inferenceMemory=" + memory);
        args.addAll(extraArgs);
        return new ForkedExecutor(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // two task slots on a small machine: one thread per worker JVM, or they fight over the cores
                System.getProperty("java.class.path"), args, Map.of("OMP_NUM_THREADS", "1"), 10, true);
    }

    static SparkSettings local23() {
        return new SparkSettings("local[2,3]", "dl4j-transfer test", Map.of("spark.ui.enabled", "false",
                "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));
    }

    @Test
    void sameMetricsAsLocalEachCellWrittenOnceAndALostWorkerIsRetried(@TempDir Path out) throws Exception {
        BenchmarkPlan localPlan = plan(out.resolve("local"));
        // The local executor with the same worker JVM: ND4J's sums depend on its thread count, so the comparison holds
        // the worker's settings fixed and varies only where it runs.
        List<CellResult> local;
        try (ForkedExecutor forked = worker()) {
            local = new BenchmarkRunner(forked, s -> { }).run(localPlan);
        }
        assertEquals(4, local.size());

        BenchmarkPlan sparkPlan = plan(out.resolve("spark"));
        Files.createDirectories(sparkPlan.cellsDir());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> killed = new AtomicReference<>();
        Thread killer = new Thread(() -> killFirstWorker(killed), "kill-a-worker");
        killer.setDaemon(true);
        List<CellResult> spark;
        try (WatchService watch = FileSystems.getDefault().newWatchService();
             SparkExecutor executor = new SparkExecutor(local23(), worker())) {
            WatchKey key = sparkPlan.cellsDir().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            killer.start();
            spark = new BenchmarkRunner(executor, log::add).run(sparkPlan);
            killer.interrupt();

            // Each result file appeared once (an atomic write is a rename onto its name: one create event).
            Map<String, Integer> once = new TreeMap<>();
            for (CellKey k : sparkPlan.cells()) once.put(k.id() + ".json", 1);
            assertEquals(once, resultFilesCreated(key, once.keySet()), String.join("\n", log));
        }
        String all = String.join("\n", log);
        assertNotNull(killed.get(), "no worker JVM was seen to kill:\n" + all);
        assertTrue(all.contains("Spark retries it"), "the killed worker's task was not retried:\n" + all);
        assertEquals(4, log.stream().filter(l -> l.matches("\\[[1-4]/4] .*: (balanced_accuracy|roc_auc|[a-z_]+)=.*")).count(), all);

        assertEquals(4, spark.size());
        for (int i = 0; i < 4; i++) {
            CellResult l = local.get(i), s = spark.get(i);
            assertEquals(l.key(), s.key());
            assertTrue(s.isDone(), s.key().describe() + ": " + s.error() + "\n" + all);
            assertEquals(l.valMetrics(), s.valMetrics(), s.key().describe());
            assertEquals(l.testMetrics(), s.testMetrics(), s.key().describe());
            assertEquals(l.history().size(), s.history().size());
            Object executor = s.provenance().config().get("executor");
            assertTrue(executor != null && executor.toString().startsWith("spark:driver@"), String.valueOf(executor));
            assertEquals(null, l.provenance().config().get("executor"), "local provenance keeps its shape");
        }

        // A rerun resumes from the committed results without starting Spark.
        List<String> again = new ArrayList<>();
        try (SparkExecutor executor = new SparkExecutor(local23(), worker())) {
            assertEquals(4, new BenchmarkRunner(executor, again::add).run(sparkPlan).size());
        }
        assertTrue(again.get(0).startsWith("Resuming: 4 of 4"), again.toString());
        assertEquals(1, again.size(), again.toString());
    }

    /** kill -9 of the first worker JVM this test JVM forks. */
    private static void killFirstWorker(AtomicReference<String> killed) {
        while (!Thread.currentThread().isInterrupted()) {
            Optional<ProcessHandle> w = ProcessHandle.current().descendants().filter(SparkExecutorTest::isWorker).findFirst();
            if (w.isPresent()) {
                killed.set("pid " + w.get().pid());
                w.get().destroyForcibly();
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A forked cell worker (its command line runs WorkerMain). */
    static boolean isWorker(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).contains("WorkerMain");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * How often each result file was created, from a watch on the cells folder. The watch service delivers events
     * from its own thread: wait (at most 10 s) until every expected file was seen, then 0.5 s more for duplicates.
     */
    static Map<String, Integer> resultFilesCreated(WatchKey key, java.util.Set<String> expected) throws InterruptedException {
        Map<String, Integer> creates = new TreeMap<>();
        long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        long settle = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(until, settle)) {
            for (WatchEvent<?> e : key.pollEvents()) {
                String name = e.context().toString();
                if (name.endsWith(".json") && !name.startsWith(".")) creates.merge(name, 1, Integer::sum);
            }
            if (settle == Long.MAX_VALUE && creates.keySet().containsAll(expected)) {
                settle = System.nanoTime() + java.time.Duration.ofMillis(500).toNanos();
            }
            Thread.sleep(50);
        }
        return creates;
    }
}
