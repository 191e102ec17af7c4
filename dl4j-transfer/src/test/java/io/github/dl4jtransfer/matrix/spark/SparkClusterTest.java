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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real standalone Spark cluster on loopback: a master and two workers, each its own JVM started from this test's
 * classpath ({@code --cores 1} each), and a small matrix on it (2 tiny backbones × 1 synthmed dataset × frozen-linear
 * and unfrozen-linear, one epoch): every cell done, metrics identical to the local executor's, and the two groups ran
 * on the two workers' executors. The second test {@code kill -9}s one worker (its JVM and its executor's) mid-run:
 * every cell still ends done, written once. Not in the default run: {@code mvn -B -Pcluster test -pl dl4j-transfer}.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterTest {

    @TempDir
    static Path tmp;

    static DatasetSpec ddsm;
    static int masterPort;
    static int masterUi;
    static final List<Process> started = new CopyOnWriteArrayList<>();
    static final List<Path> logs = new CopyOnWriteArrayList<>();
    static final Map<Process, String> workerNames = new HashMap<>();
    /** JVMs a test killed on purpose: their exit is not a failure of the cluster. */
    static final Set<Process> killedOnPurpose = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The local executor's results on the same plan (first test), for the second test. */
    static List<CellResult> reference;

    @BeforeAll
    static void startCluster() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(SparkClusterTest::killAll, "kill-spark-cluster"));
        SynthMed.Entry e = SynthMed.generate(tmp.resolve("synthmed")).stream().filter(x -> x.name().equals("ddsm")).findFirst().orElseThrow();
        ddsm = new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults());

        // Workers build their executors' command from SPARK_HOME/jars (checked to exist); the classes come from
        // spark.executor.extraClassPath, so an empty jars folder is enough.
        Path sparkHome = Files.createDirectories(tmp.resolve("spark-home"));
        Files.createDirectories(sparkHome.resolve("jars"));
        masterPort = freePort();
        masterUi = freePort();
        started.add(start("master", sparkHome, "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUi)));
        for (int i = 1; i <= 2; i++) {
            Path work = Files.createDirectories(tmp.resolve("worker" + i));
            Process w = start("worker" + i, sparkHome, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                    "--cores", "1", "--memory", "2g", "--work-dir", work.toString(), master());
            started.add(w);
            workerNames.put(w, "worker" + i);
        }
        awaitAliveWorkers(2, Duration.ofSeconds(120));
    }

    @AfterAll
    static void killAll() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static String master() {
        return "spark://127.0.0.1:" + masterPort;
    }

    private static Process start(String name, Path sparkHome, String mainClass, String... args) throws IOException {
        return start(name, sparkHome, List.of(), mainClass, args);
    }

    private static Process start(String name, Path sparkHome, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(SparkExecutor.java17Options().split("\\s+")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(Arrays.asList(args));
        Path log = tmp.resolve(name + ".log");
        logs.add(log);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitAliveWorkers(int n, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Process p : started) {
                if (!p.isAlive() && !killedOnPurpose.contains(p)) fail("a cluster JVM exited (" + p.exitValue() + ")\n" + logTails());
            }
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = alive.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) return;
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(250);
        }
        fail("the master did not report " + n + " alive workers in " + timeout + ": " + last + "\n" + logTails());
    }

    static String logTails() {
        StringBuilder b = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log);
                b.append("--- ").append(log.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
            } catch (IOException | RuntimeException e) {
                b.append("--- ").append(log.getFileName()).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
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

    static SparkSettings cluster() {
        Map<String, String> conf = new TreeMap<>();
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        // executors load the tasks' classes (this library, Spark, Jackson) from the test's own classpath
        conf.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        conf.put("spark.executor.extraJavaOptions", SparkExecutor.java17Options());
        conf.put("spark.executor.memory", "512m");
        conf.put("spark.executor.cores", "1");
        conf.put("spark.task.maxFailures", "3");
        // wait for both executors before the first job, so the two groups' tasks go one to each worker
        conf.put("spark.cores.max", "2");
        conf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        conf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
        return new SparkSettings(master(), "dl4j-transfer cluster test", conf);
    }

    @Test
    @Order(1)
    void twoWorkersSameMetricsAsLocal(@TempDir Path out) throws Exception {
        BenchmarkPlan localPlan = plan(out.resolve("local"));
        long l0 = System.nanoTime();
        try (ForkedExecutor forked = SparkExecutorTest.worker()) {
            reference = new BenchmarkRunner(forked, s -> { }).run(localPlan);
        }
        System.out.printf("local run: %d cells in %.1f s%n", reference.size(), (System.nanoTime() - l0) / 1e9);
        assertEquals(4, reference.size());

        BenchmarkPlan sparkPlan = plan(out.resolve("spark"));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        List<CellResult> spark;
        try (SparkExecutor executor = new SparkExecutor(cluster(), SparkExecutorTest.worker())) {
            spark = new BenchmarkRunner(executor, log::add).run(sparkPlan);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String all = String.join("\n", log);
        System.out.printf("cluster run: %d cells in %.1f s (%.1f cells/min) on 2 workers%n", spark.size(), seconds, spark.size() * 60 / seconds);

        Set<String> executors = assertSameAsReference(spark, all);
        // two groups (one per backbone), two single-core executors: one group each
        System.out.println("executors: " + executors);
        assertEquals(2, executors.size(), "expected both workers' executors: " + executors + "\n" + all);
    }

    @Test
    @Order(2)
    void aKilledWorkerIsRetriedAndEachCellWrittenOnce(@TempDir Path out) throws Exception {
        assertNotNull(reference, "runs after twoWorkersSameMetricsAsLocal");
        BenchmarkPlan sparkPlan = plan(out.resolve("spark"));
        Files.createDirectories(sparkPlan.cellsDir());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> killed = new AtomicReference<>();
        Thread killer = new Thread(() -> killAWorker(killed), "kill-a-worker");
        killer.setDaemon(true);
        List<CellResult> spark;
        long t0 = System.nanoTime();
        try (WatchService watch = FileSystems.getDefault().newWatchService();
             SparkExecutor executor = new SparkExecutor(cluster(), SparkExecutorTest.worker())) {
            WatchKey key = sparkPlan.cellsDir().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            killer.start();
            spark = new BenchmarkRunner(executor, log::add).run(sparkPlan);
            killer.interrupt();

            // Each result file appeared once (an atomic write is a rename onto its name: one create event).
            Map<String, Integer> once = new TreeMap<>();
            for (CellKey k : sparkPlan.cells()) once.put(k.id() + ".json", 1);
            Map<String, Integer> creates = SparkExecutorTest.resultFilesCreated(key, once.keySet());
            assertEquals(once, creates, String.join("\n", log));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String all = String.join("\n", log);
        System.out.printf("cluster run with a killed worker: %d cells in %.1f s; killed %s%n", spark.size(), seconds, killed.get());
        log.stream().filter(l -> l.contains("spark:")).forEach(System.out::println);
        assertNotNull(killed.get(), "no worker was seen to kill:\n" + all);
        assertTrue(all.contains("Spark retries it"), "the killed worker's task was not retried:\n" + all);
        assertEquals(4, log.stream().filter(l -> l.matches("\\[[1-4]/4] .*: [a-z_]+=.*")).count(), all);
        assertSameAsReference(spark, all);
    }

    /**
     * GPU scheduling without a GPU: a third worker advertises two GPUs through a discovery script (the Spark way), the
     * application asks for one GPU per task, and the two groups' tasks run at once on that worker's two-core
     * executor. Each worker JVM was handed its task's GPU as {@code CUDA_VISIBLE_DEVICES}: the cells' provenance
     * (written by the worker JVM from its own environment) shows GPU 0 for one and GPU 1 for the other.
     */
    @Test
    @Order(3)
    void eachTaskHandsItsOwnGpuToItsWorker(@TempDir Path out) throws Exception {
        Path script = tmp.resolve("discover-gpus.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
        assertTrue(script.toFile().setExecutable(true));
        Path work = Files.createDirectories(tmp.resolve("gpu-worker"));
        Path sparkHome = tmp.resolve("spark-home");
        Process w = start("gpu-worker", sparkHome, List.of("-Dspark.worker.resource.gpu.amount=2",
                        "-Dspark.worker.resource.gpu.discoveryScript=" + script), "org.apache.spark.deploy.worker.Worker",
                "--host", "127.0.0.1", "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                "--cores", "2", "--memory", "2g", "--work-dir", work.toString(), master());
        started.add(w);
        int alive = (int) workerNames.keySet().stream().filter(Process::isAlive).count();
        awaitAliveWorkers(alive + 1, Duration.ofSeconds(120));

        Map<String, String> conf = new TreeMap<>(cluster().conf());
        conf.put("spark.executor.cores", "2");
        conf.put("spark.executor.resource.gpu.amount", "2");
        conf.put("spark.task.resource.gpu.amount", "1");
        BenchmarkPlan plan = BenchmarkPlan.builder(out.resolve("gpu"))
                .addModel("deit-b16", Fixtures.tiny("deit-b16")).addModel("resnet152", Fixtures.tiny("resnet152"))
                .addDataset(ddsm).addScenario("frozen-linear").addSeed(1)
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(16).optLearningRate(1e-3).build())
                .build();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<CellResult> results;
        try (SparkExecutor executor = new SparkExecutor(new SparkSettings(master(), "dl4j-transfer gpu test", conf), SparkExecutorTest.worker())) {
            results = new BenchmarkRunner(executor, log::add).run(plan);
        }
        String all = String.join("\n", log);
        Set<String> gpus = new TreeSet<>();
        for (CellResult r : results) {
            assertTrue(r.isDone(), r.key().describe() + ": " + r.error() + "\n" + all + "\n" + logTails());
            gpus.add(String.valueOf(r.provenance().config().get("cudaVisibleDevices")));
        }
        System.out.println("GPUs the two worker JVMs saw: " + gpus);
        assertEquals(Set.of("0", "1"), gpus, "each task's worker JVM sees the one GPU Spark gave the task\n" + all);
    }

    /**
     * Nodes without this library: the executors' classpath holds the dependencies only, the library travels as a jar
     * with the job ({@code shipJars}), and the cell's worker JVM runs on the copy Spark fetched to its executor.
     */
    @Test
    @Order(4)
    void shippedJarsRunTasksAndWorkersOnNodesWithoutTheLibrary(@TempDir Path out) throws Exception {
        Path appJar = SparkDriverMainTest.jar(SparkDriverMainTest.libraryClasses(), tmp.resolve("dl4j-transfer-shipped.jar"));
        String dependencies = SparkDriverMainTest.dependenciesOnly();
        Map<String, String> conf = new TreeMap<>(cluster().conf());
        conf.put("spark.executor.extraClassPath", dependencies);
        conf.put("spark.cores.max", "1");
        conf.put("spark.scheduler.minRegisteredResourcesRatio", "0");
        ForkedExecutor local = SparkExecutorTest.worker();
        ForkedExecutor onAppJar = new ForkedExecutor(local.javaExecutable(), appJar.toString(), local.jvmArgs(), local.environment(),
                local.timeoutMinutes(), true);
        BenchmarkPlan plan = BenchmarkPlan.builder(out.resolve("jars"))
                .addModel("deit-b16", Fixtures.tiny("deit-b16")).addDataset(ddsm).addScenario("frozen-linear").addSeed(1)
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(16).optLearningRate(1e-3).build())
                .build();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<CellResult> results;
        try (SparkExecutor executor = new SparkExecutor(new SparkSettings(master(), "dl4j-transfer jars test", conf).withShipJars(true), onAppJar)) {
            results = new BenchmarkRunner(executor, log::add).run(plan);
        }
        String all = String.join("\n", log);
        assertTrue(all.contains("shipping the worker's 1 jars"), all);
        CellResult r = results.get(0);
        assertTrue(r.isDone(), r.error() + "\n" + all + "\n" + logTails());
        assertTrue(!r.provenance().config().get("executor").toString().startsWith("spark:driver@"), "ran on a worker's executor");
    }

    /** Every cell done with the local executor's metrics; returns the executors named in provenance. */
    private static Set<String> assertSameAsReference(List<CellResult> spark, String all) {
        assertEquals(4, spark.size());
        Set<String> executors = new TreeSet<>();
        for (int i = 0; i < 4; i++) {
            CellResult l = reference.get(i), s = spark.get(i);
            assertEquals(l.key(), s.key());
            assertTrue(s.isDone(), s.key().describe() + ": " + s.error() + "\n" + all + "\n" + logTails());
            assertEquals(l.valMetrics(), s.valMetrics(), s.key().describe());
            assertEquals(l.testMetrics(), s.testMetrics(), s.key().describe());
            assertEquals(l.history().size(), s.history().size());
            Object executor = s.provenance().config().get("executor");
            assertTrue(executor != null && executor.toString().startsWith("spark:") && !executor.toString().startsWith("spark:driver@"),
                    String.valueOf(executor));
            executors.add(executor.toString());
        }
        return executors;
    }

    /**
     * kill -9 of the first worker seen running a cell: the Worker JVM, its executor's JVM and the cell's worker JVM
     * (all of the Worker's descendants).
     */
    private static void killAWorker(AtomicReference<String> killed) {
        while (!Thread.currentThread().isInterrupted()) {
            for (Map.Entry<Process, String> w : workerNames.entrySet()) {
                Process p = w.getKey();
                if (!p.isAlive()) continue;
                Optional<ProcessHandle> cell = p.descendants().filter(SparkExecutorTest::isWorker).findFirst();
                if (cell.isPresent()) {
                    List<ProcessHandle> tree = p.descendants().toList();
                    killedOnPurpose.add(p);
                    p.destroyForcibly();
                    tree.forEach(ProcessHandle::destroyForcibly);
                    killed.set(w.getValue() + " (pid " + p.pid() + ", " + tree.size() + " descendants)");
                    return;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

}
