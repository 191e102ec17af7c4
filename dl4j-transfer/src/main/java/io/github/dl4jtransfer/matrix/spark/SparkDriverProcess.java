package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.matrix.PlanFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a plan on Spark from a JVM that must not load Spark (Maven's): forks {@link SparkDriverMain} in its own JVM
 * with Spark's Java 17 options, relays its progress lines, and after it ends reads the results it committed. The
 * forked driver ends with its parent (it watches its standard input) and takes its worker JVMs with it. This class
 * references no Spark class.
 */
public final class SparkDriverProcess {

    /** The driver's heap: it holds the plan and the results, never a model or a dataset. */
    static final String DRIVER_HEAP = "-Xmx1g";
    private static final int TAIL_LINES = 40;

    private final String javaExecutable;
    private final String driverClasspath;
    private final SparkSettings settings;
    private final ForkedExecutor worker;

    /**
     * @param javaExecutable  the java binary for the driver
     * @param driverClasspath this library, its dependencies and Spark's ({@link SparkRuntime#coordinates()})
     * @param settings        the master, Spark settings and whether to ship the models
     * @param worker          how each task forks its worker JVM (only its settings travel; it is never started here)
     */
    public SparkDriverProcess(String javaExecutable, String driverClasspath, SparkSettings settings, ForkedExecutor worker) {
        this.javaExecutable = javaExecutable;
        this.driverClasspath = driverClasspath;
        this.settings = settings;
        this.worker = worker;
    }

    /** The driver's command line for the plan written to {@code planFile}. */
    List<String> command(Path planFile) {
        List<String> cmd = new ArrayList<>(List.of(javaExecutable));
        cmd.addAll(SparkRuntime.java17Options());
        cmd.addAll(List.of(DRIVER_HEAP, "-cp", driverClasspath, SparkDriverMain.class.getName(), planFile.toString(),
                "--master", settings.master(), "--no-report", "--exit-with-parent"));
        if (settings.appName() != null) cmd.addAll(List.of("--conf", "spark.app.name=" + settings.appName()));
        settings.conf().forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
        if (settings.shipJars()) cmd.add("--ship-jars");
        if (worker.classpath() != null) cmd.addAll(List.of("--worker-classpath", worker.classpath()));
        if (worker.javaExecutable() != null) cmd.addAll(List.of("--worker-java", worker.javaExecutable()));
        cmd.addAll(workerArguments());
        return cmd;
    }

    /** The worker's settings and the model shipping as {@link SparkDriverMain} options (classpath and java binary aside). */
    private List<String> workerArguments() {
        List<String> cmd = new ArrayList<>();
        if (settings.shipModels()) cmd.add("--ship-models");
        for (String a : worker.jvmArgs()) cmd.addAll(List.of("--worker-jvm-arg", a));
        for (Map.Entry<String, String> e : worker.environment().entrySet()) cmd.addAll(List.of("--worker-env", e.getKey() + "=" + e.getValue()));
        if (worker.timeoutMinutes() > 0) cmd.addAll(List.of("--cell-timeout-minutes", Long.toString(worker.timeoutMinutes())));
        return cmd;
    }

    /**
     * The {@code spark-submit} command that runs {@code planFile} with these settings: this library as the application
     * jar, its dependencies as {@code --jars} (Spark ships them to every executor, and each worker JVM runs on them),
     * the master and Spark settings as given, the worker's settings as {@link SparkDriverMain} options. Paths are the
     * ones on this machine: copy the jars where {@code spark-submit} runs, and keep the plan's data paths valid there.
     */
    public List<String> submitCommand(String applicationJar, List<String> dependencyJars, Path planFile) {
        List<String> cmd = new ArrayList<>(List.of("spark-submit", "--master", settings.master()));
        if (settings.appName() != null) cmd.addAll(List.of("--name", settings.appName()));
        settings.conf().forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
        cmd.addAll(List.of("--class", SparkDriverMain.class.getName()));
        if (!dependencyJars.isEmpty()) cmd.addAll(List.of("--jars", String.join(",", dependencyJars)));
        cmd.addAll(List.of(applicationJar, planFile.toString()));
        cmd.addAll(workerArguments());
        return cmd;
    }

    /** A command as one shell line (arguments with shell characters in single quotes). */
    public static String shellLine(List<String> cmd) {
        StringBuilder b = new StringBuilder();
        for (String a : cmd) {
            if (b.length() > 0) b.append(' ');
            b.append(a.matches("[A-Za-z0-9_./:=,@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

    /** Runs the plan's cells that have no result yet (all with {@code force}); returns every result, in plan order. */
    public List<CellResult> run(BenchmarkPlan plan, Consumer<String> log) {
        Path planFile = PlanFiles.write(plan, plan.outputDir().resolve("plan.json"));
        Deque<String> tail = new ArrayDeque<>();
        String error = null;
        int status;
        Process p;
        try {
            p = new ProcessBuilder(command(planFile)).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Spark driver JVM (" + javaExecutable + "): " + e.getMessage(), e);
        }
        Thread stderr = new Thread(() -> keepTail(p, tail), "spark-driver-stderr");
        stderr.setDaemon(true);
        stderr.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(SparkDriverMain.LOG_PREFIX)) log.accept(line.substring(SparkDriverMain.LOG_PREFIX.length()));
                else if (line.startsWith(SparkDriverMain.ERROR_PREFIX)) error = line.substring(SparkDriverMain.ERROR_PREFIX.length());
                else remember(tail, line);
            }
            status = p.waitFor();
            stderr.join(2000);
        } catch (IOException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new UncheckedIOException("lost the Spark driver's output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while the Spark driver ran", e);
        }
        if (status != 0) {
            if (error != null && error.startsWith(SparkDriverMain.CONFIG_ERROR)) {
                String[] parts = error.substring(SparkDriverMain.CONFIG_ERROR.length()).split("\t", -1);
                if (parts.length == 3) throw new ConfigException(parts[0], parts[1], parts[2]);
            }
            String last;
            synchronized (tail) {
                last = String.join("\n", tail);
            }
            throw new IllegalStateException("the Spark driver JVM ended with status " + status
                    + (error == null ? "" : ": " + error) + "\nits last lines:\n" + last);
        }
        List<CellResult> results = new ArrayList<>();
        for (CellKey k : plan.cells()) {
            Path f = CellResults.fileFor(plan.cellsDir(), k);
            if (Files.isRegularFile(f)) results.add(CellResults.read(f, k));
        }
        return results;
    }

    private static void keepTail(Process p, Deque<String> tail) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) remember(tail, line);
        } catch (IOException e) {
            // the driver is gone; its exit status tells the rest
        }
    }

    private static void remember(Deque<String> tail, String line) {
        synchronized (tail) {
            tail.addLast(line);
            while (tail.size() > TAIL_LINES) tail.removeFirst();
        }
    }
}
