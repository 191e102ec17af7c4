package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;
import io.github.dl4jtransfer.matrix.DatasetSpec;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.matrix.PlanFiles;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code spark-submit} path: Spark's own {@code SparkSubmit} (what the {@code spark-submit} script runs) starts
 * {@link SparkDriverMain} from an application jar of this library with a serialised plan. The library is only in
 * that jar, not on the JVM's classpath, so the cells can only run if each task gives its worker JVM the jars Spark
 * loaded for the application.
 */
@DisabledOnOs(OS.WINDOWS)
class SparkDriverMainTest {

    @Test
    void sparkSubmitRunsASerialisedPlanWritesEachCellAndTheReport(@TempDir Path dir) throws Exception {
        SynthMed.Entry e = SynthMed.generate(dir.resolve("synthmed")).stream().filter(x -> x.name().equals("ddsm")).findFirst().orElseThrow();
        BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out")).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addDataset(new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults()))
                .addScenario("frozen-linear").addScenario("unfrozen-linear").addSeed(1)
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(16).optLearningRate(1e-3).build())
                .build();
        Path planFile = PlanFiles.write(plan, dir.resolve("plan.json"));
        Path classes = libraryClasses();
        Path appJar = jar(classes, dir.resolve("dl4j-transfer.jar"));
        // The JVM's classpath: the dependencies (Spark among them), not this library's classes nor the tests'.
        String classpath = dependenciesOnly();
        assertEquals(System.getProperty("java.class.path").split(File.pathSeparator).length - 2, classpath.split(File.pathSeparator).length,
                "the library's and the tests' classes are off the JVM's classpath");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Arrays.asList(SparkExecutor.java17Options().split("\\s+")));
        cmd.addAll(List.of("-Xmx512m", "-cp", classpath, "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--class", SparkDriverMain.class.getName(), appJar.toString(),
                planFile.toString(), "--worker-jvm-arg", "-Xmx1g", "--worker-env", "OMP_NUM_THREADS=1"));
        String memory = System.getProperty("transfer.inferenceMemory");
        if (memory != null) cmd.addAll(List.of("--worker-jvm-arg", "-Dtransfer.inferenceMemory=" + memory));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(dir.resolve("stderr.log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        String err = Files.readString(dir.resolve("stderr.log"));
        assertEquals(0, p.exitValue(), out + "\n" + tail(err));

        assertTrue(out.contains(SparkDriverMain.LOG_PREFIX + "2 of 2 cells done"), out);
        assertTrue(out.contains(SparkDriverMain.LOG_PREFIX + "Report: "), out);
        assertTrue(Files.isRegularFile(plan.outputDir().resolve("report.html")));
        for (CellKey k : plan.cells()) {
            CellResult r = CellResults.read(CellResults.fileFor(plan.cellsDir(), k));
            assertTrue(r.isDone(), k.describe() + ": " + r.error() + "\n" + out);
            assertTrue(r.provenance().config().get("executor").toString().startsWith("spark:driver@"));
        }
    }

    /**
     * The driver the plugin forks watches its standard input: when Maven dies the pipe closes, and the driver ends
     * within seconds, taking the cell's worker JVM with it (no orphan keeps writing into the results).
     */
    @Test
    void aDriverWhoseParentIsGoneStopsItsWorkersAndEnds(@TempDir Path dir) throws Exception {
        SynthMed.Entry e = SynthMed.generate(dir.resolve("synthmed")).stream().filter(x -> x.name().equals("ddsm")).findFirst().orElseThrow();
        BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out")).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addDataset(new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults()))
                .addScenario("unfrozen-linear").addSeed(1)
                .optTrainer(TrainerConfig.builder().optEpochs(50).optWarmupEpochs(0).optBatchSize(16).optLearningRate(1e-3).build())
                .build();
        Path planFile = PlanFiles.write(plan, dir.resolve("plan.json"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(SparkRuntime.java17Options());
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), SparkDriverMain.class.getName(), planFile.toString(),
                "--master", "local[1]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1", "--worker-classpath", System.getProperty("java.class.path"),
                "--worker-jvm-arg", "-Xmx1g", "--no-report", "--exit-with-parent"));
        Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("driver.log").toFile()).start();
        try {
            ProcessHandle worker = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (worker == null && System.nanoTime() < deadline && driver.isAlive()) {
                worker = driver.descendants().filter(SparkExecutorTest::isWorker).findFirst().orElse(null);
                Thread.sleep(100);
            }
            assertTrue(worker != null, "no worker JVM started:\n" + Files.readString(dir.resolve("driver.log")));
            driver.getOutputStream().close(); // what the parent's death does to the pipe
            assertTrue(driver.waitFor(20, TimeUnit.SECONDS), "the driver outlived its parent");
            assertEquals(3, driver.exitValue());
            assertTrue(worker.onExit().get(10, TimeUnit.SECONDS) != null && !worker.isAlive(), "the worker JVM outlived the driver");
            assertTrue(!Files.exists(CellResults.fileFor(plan.cellsDir(), plan.cells().get(0))), "no result from an abandoned run");
        } finally {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
        }
    }

    /** The spark-submit command printed for a plan carries the worker's settings in a form the driver reads back. */
    @Test
    void theSubmitCommandCarriesTheWorkerSettingsToTheDriver() {
        ForkedExecutor worker = new ForkedExecutor("/usr/bin/java", "/a.jar:/b.jar", List.of("-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=12G"),
                java.util.Map.of("OMP_NUM_THREADS", "4"), 30, true);
        SparkSettings settings = new SparkSettings("spark://head:7077", null, java.util.Map.of("spark.executor.memory", "8g"), true, false);
        List<String> cmd = new SparkDriverProcess("java", "", settings, worker).submitCommand("/lib/dl4j-transfer.jar",
                List.of("/lib/a.jar", "/lib/b.jar"), Path.of("/out/plan.json"));
        String line = SparkDriverProcess.shellLine(cmd);
        assertTrue(line.startsWith("spark-submit --master spark://head:7077 --name 'dl4j-transfer benchmark' --conf spark.executor.memory=8g "
                + "--class io.github.dl4jtransfer.matrix.spark.SparkDriverMain --jars /lib/a.jar,/lib/b.jar /lib/dl4j-transfer.jar /out/plan.json"), line);
        int plan = cmd.indexOf("/out/plan.json");
        System.setProperty("spark.master", "spark://head:7077"); // what spark-submit does
        try {
            SparkDriverMain.Args a = SparkDriverMain.Args.parse(cmd.subList(plan, cmd.size()).toArray(String[]::new));
            assertEquals(List.of("-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=12G"), a.workerJvmArgs());
            // the configured variable, and the default every worker gets (OpenMP threads sleep at barriers)
            assertEquals(java.util.Map.of("OMP_NUM_THREADS", "4", "OMP_WAIT_POLICY", "passive"), a.workerEnv());
            assertEquals(30, a.cellTimeoutMinutes());
            assertTrue(a.shipModels());
            assertEquals(null, a.workerClasspath(), "workers run on the jars spark-submit shipped");
            assertEquals("spark://head:7077", a.master());
        } finally {
            System.clearProperty("spark.master");
        }
    }

    @Test
    void aCommandLineWithoutPlanOrMasterSaysWhatIsMissing() {
        IllegalArgumentException noPlan = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SparkDriverMain.Args.parse(new String[]{"--master", "local[1]"}));
        assertTrue(noPlan.getMessage().startsWith("no plan given"), noPlan.getMessage());
        IllegalArgumentException noMaster = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SparkDriverMain.Args.parse(new String[]{"plan.json"}));
        assertTrue(noMaster.getMessage().startsWith("no Spark master"), noMaster.getMessage());
        SparkDriverMain.Args a = SparkDriverMain.Args.parse(new String[]{"plan.json", "--master", "spark://h:7077", "--conf",
                "spark.executor.memory=8g", "--worker-env", "OMP_NUM_THREADS=4", "--ship-models", "--no-report"});
        assertEquals("8g", a.conf().get("spark.executor.memory"));
        assertEquals("4", a.workerEnv().get("OMP_NUM_THREADS"));
        assertTrue(a.shipModels() && !a.report());
        assertEquals(null, a.workerClasspath(), "workers take the jars Spark shipped");
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Where this library's classes are (target/classes). */
    static Path libraryClasses() throws URISyntaxException {
        return Path.of(SparkDriverMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** This test JVM's classpath without the library's and the tests' classes: the dependencies, Spark among them. */
    static String dependenciesOnly() throws URISyntaxException {
        Path classes = libraryClasses();
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !Path.of(p).equals(classes) && !p.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
    }

    /** This library's classes as a jar, as an application jar is. */
    static Path jar(Path classes, Path jar) throws IOException, URISyntaxException {
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        return jar;
    }
}
