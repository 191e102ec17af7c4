package io.github.dl4jtransfer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs each cell in its own worker JVM ({@link WorkerMain}), as Surefire forks tests: a native crash, an
 * out-of-memory kill or a hung cell fails that cell only. The classpath decides the backend (nd4j-native or
 * nd4j-cuda); JVM arguments carry heap and off-heap limits.
 *
 * @param javaExecutable  the java binary (usually ${java.home}/bin/java)
 * @param classpath       dl4j-transfer and its dependencies, with the chosen ND4J backend
 * @param jvmArgs         e.g. -Xmx4g, -Dorg.bytedeco.javacpp.maxbytes=12G
 * @param environment     extra environment variables (OMP_NUM_THREADS, CUDA_VISIBLE_DEVICES…)
 * @param timeoutMinutes  a cell running longer is killed and recorded as failed; 0 = no limit
 */
public record ForkedExecutor(String javaExecutable, String classpath, List<String> jvmArgs, Map<String, String> environment,
                             long timeoutMinutes) implements CellExecutor {

    public ForkedExecutor {
        jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    @Override
    public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
        Path planFile = plan.outputDir().resolve("plan.json");
        PlanFiles.write(plan, planFile);
        Path resultFile = CellResults.fileFor(plan.cellsDir(), key);
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(WorkerMain.class.getName());
        cmd.add(planFile.toString());
        cmd.add(key.model());
        cmd.add(key.dataset());
        cmd.add(key.scenario());
        cmd.add(Long.toString(key.seed()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Deque<String> tail = new ArrayDeque<>();
        long before = Files.exists(resultFile) ? resultFile.toFile().lastModified() : -1;
        int exit;
        try {
            Process proc = pb.start();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith(WorkerMain.LOG_PREFIX)) {
                            log.accept(line.substring(WorkerMain.LOG_PREFIX.length()));
                        } else {
                            synchronized (tail) {
                                tail.addLast(line);
                                if (tail.size() > 30) tail.removeFirst();
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "worker-output-" + key.id());
            pump.setDaemon(true);
            pump.start();
            boolean finished = timeoutMinutes > 0 ? proc.waitFor(timeoutMinutes, TimeUnit.MINUTES) : proc.waitFor(Long.MAX_VALUE, TimeUnit.DAYS);
            if (!finished) {
                proc.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                return crashed(key, "worker timed out after " + timeoutMinutes + " min (raise <cellTimeoutMinutes> or lower the epochs)", tail);
            }
            pump.join(5000);
            exit = proc.exitValue();
        } catch (IOException e) {
            return crashed(key, "cannot start the worker JVM (" + javaExecutable + "): " + e.getMessage(), tail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return crashed(key, "interrupted", tail);
        }
        if (Files.exists(resultFile) && resultFile.toFile().lastModified() != before) {
            return CellResults.read(resultFile);
        }
        String why = exit == 137 || exit == 9 ? "worker JVM was killed (exit " + exit + ", likely out of memory: lower the batch size or raise the memory limit)"
                : "worker JVM died with exit code " + exit + " before writing a result (native crash?)";
        return crashed(key, why, tail);
    }

    private static CellResult crashed(CellKey key, String why, Deque<String> tail) {
        String last;
        synchronized (tail) {
            last = String.join("\n", tail);
        }
        return new CellResult(key, CellResult.Status.FAILED, why + (last.isBlank() ? "" : "\n--- last worker output ---\n" + last),
                null, Map.of(), Map.of(), List.of(), -1, false, new CellResult.Timings(0, 0, 0, 0, 0, false), 0, 0, 0, null);
    }
}
