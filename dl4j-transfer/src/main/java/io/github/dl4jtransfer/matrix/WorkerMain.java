package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.device.GpuCheck;
import io.github.dl4jtransfer.device.NativeBuild;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Entry point of a forked worker JVM. Log lines for the parent carry {@link #LOG_PREFIX}; everything else
 * (library chatter) stays out of the build log unless the worker dies, when the parent shows its last lines.
 * <ul>
 *   <li>{@code WorkerMain PLAN.json MODEL DATASET SCENARIO SEED [SUBSET]}: runs one cell, writes its result file
 *       into the plan's {@code cells/}, exits;</li>
 *   <li>{@code WorkerMain --serve}: reads one request per line from standard input
 *       ({@code PLAN.json<TAB>MODEL<TAB>DATASET<TAB>SCENARIO<TAB>SEED<TAB>SUBSET<TAB>RESULTS_DIR}), runs the cell, writes
 *       its result file into RESULTS_DIR (the plan's {@code cells/}, or a scratch folder of a Spark task, whose driver
 *       commits the result) and
 *       answers {@link #DONE_PREFIX}{@code <cell id>}; ends at end of input. A reused worker keeps its JIT-compiled
 *       code and loaded natives between cells, which on small cells is most of the time.</li>
 * </ul>
 * A worker on the CUDA backend ({@code -Dtransfer.backend=cuda}, or nd4j-cuda on its classpath) first holds its
 * GPUs to {@link GpuCheck}; where they fail, every cell it is asked for is recorded as FAILED with that message, and
 * none runs (the plugin makes the same check before it starts a worker; this covers executors built in Java).
 */
public final class WorkerMain {

    static final String LOG_PREFIX = "@@transfer ";
    static final String DONE_PREFIX = "@@transfer-done ";
    static final String SERVE = "--serve";
    /** The pid of the process whose worker this is ({@link ForkedExecutor} sets it); without it, the parent process. */
    static final String PARENT_PID_PROPERTY = "transfer.parentPid";
    /** Exit status of a worker that stopped because its parent ended. */
    static final int EXIT_PARENT_GONE = 3;
    private static final long PARENT_POLL_MILLIS = 500;

    /** Why this worker's GPUs cannot run its CUDA backend; null where they can, or on the CPU backend. */
    private static String gpuProblem;

    private WorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        watchParent();
        selectNativeBuild();
        gpuProblem = gpuProblem();
        if (args.length == 1 && args[0].equals(SERVE)) {
            serve();
            System.exit(0);
        }
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: WorkerMain PLAN.json MODEL DATASET SCENARIO SEED [SUBSET] | WorkerMain --serve");
            System.exit(2);
        }
        runCell(args);
        System.out.flush();
        System.exit(0);
    }

    private static void serve() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            String[] parts = line.split("\t", -1);
            if (parts.length != 7) {
                System.err.println("bad request: " + line);
                System.exit(2);
            }
            CellKey key = runCell(parts);
            System.out.println(DONE_PREFIX + key.id());
            System.out.flush();
        }
    }

    private static CellKey runCell(String[] a) {
        BenchmarkPlan plan = PlanFiles.read(Path.of(a[0]));
        CellKey key = new CellKey(a[1], a[2], a[3], Long.parseLong(a[4]), a.length > 5 ? a[5] : null);
        Path resultsDir = a.length > 6 ? Path.of(a[6]) : plan.cellsDir();
        if (gpuProblem != null) {
            CellResults.write(resultsDir, CellResult.failed(key, gpuProblem, null, List.of(), 0, 0, null));
            return key;
        }
        resetPeakMemory();
        CellResult r = new CellRunner(plan, line -> {
            System.out.println(LOG_PREFIX + line);
            System.out.flush();
        }).run(key);
        CellResults.write(resultsDir, r);
        return key;
    }

    /**
     * Stops this worker as soon as the process that started it (Maven, a Spark executor) is gone. A worker outliving a
     * killed Maven ran its cell to the end and wrote it, while a rerun started meanwhile ran the same cell in a second
     * JVM. End of input on the request pipe only shows between cells, so a thread polls the parent's liveness (which
     * {@link ProcessHandle} checks by pid and start time, so a reused pid does not count). The result file being
     * written, if any, is left as a temporary file, which the next run removes.
     */
    private static void watchParent() {
        long pid = parentPid();
        if (pid < 0) return; // no parent known (started by hand from a shell that is gone): nothing to watch
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        Thread watch = new Thread(() -> {
            while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(PARENT_POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("transfer worker: parent process " + pid + " ended; stopping this worker (pid "
                    + ProcessHandle.current().pid() + ")");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }, "transfer-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** The pid to watch: {@link #PARENT_PID_PROPERTY}, else the parent process's; -1 when neither is known. */
    private static long parentPid() {
        String given = System.getProperty(PARENT_PID_PROPERTY);
        if (given != null) {
            try {
                return Long.parseLong(given.trim());
            } catch (NumberFormatException e) {
                System.err.println("transfer worker: ignoring -D" + PARENT_PID_PROPERTY + "=" + given + " (not a pid); watching the parent process");
            }
        }
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    }

    /**
     * A CPU worker picks its libnd4j build before ND4J loads ({@link NativeBuild#selectForThisProcess}): the one the
     * plugin put on the classpath, held to this machine's CPU. A fallback is said in the build log.
     */
    private static void selectNativeBuild() {
        if (GpuCheck.cudaBackendHere()) return;
        NativeBuild.Selection s = NativeBuild.selectForThisProcess();
        if (s.fallbackReason() != null) {
            System.out.println(LOG_PREFIX + s.describe());
            System.out.flush();
        }
    }

    private static String gpuProblem() {
        if (!GpuCheck.cudaBackendHere()) return null;
        try {
            System.out.println(GpuCheck.fromSystemProperties().check(System.getenv()).summary());
            return null;
        } catch (ConfigException e) {
            System.out.println(e.getMessage());
            return e.getMessage();
        }
    }

    /** Linux: resets the peak resident set size (VmHWM), so that a reused worker reports each cell's own peak. */
    private static void resetPeakMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not allowed: the peak then covers the worker's earlier cells too
        }
    }
}
