package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.device.CpuBudget;
import io.github.dl4jtransfer.device.NativeAllocator;
import io.github.dl4jtransfer.device.OpenBlasCore;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs cells in a worker JVM ({@link WorkerMain}), as Surefire forks tests: a native crash, an out-of-memory
 * kill or a hung cell fails that cell only, and the next cell gets a fresh worker. The classpath decides the
 * backend (nd4j-native or nd4j-cuda); JVM arguments carry heap and off-heap limits.
 * <p>
 * With {@code reuseWorker} (Surefire's {@code reuseForks}) one worker runs cell after cell until it dies or the
 * executor is closed: it keeps its JIT-compiled code and loaded natives, which on small cells is most of the
 * time (tiny fixtures: ~2 s per cell instead of ~20 s). Without it every cell starts its own JVM.
 * Close the executor when the matrix is done.
 */
public final class ForkedExecutor implements CellExecutor, AutoCloseable {

    private static final String EOF = "\u0000eof";
    private static final long MEMORY_SAMPLE_MILLIS = 250;

    private final String javaExecutable;
    private final String classpath;
    private final List<String> jvmArgs;
    private final Map<String, String> environment;
    private final long timeoutMinutes;
    private final boolean reuseWorker;

    private Worker worker;

    /**
     * @param javaExecutable  the java binary (usually ${java.home}/bin/java)
     * @param classpath       dl4j-transfer and its dependencies, with the chosen ND4J backend
     * @param jvmArgs         e.g. -Xmx4g, -Dorg.bytedeco.javacpp.maxbytes=12G
     * @param environment     extra environment variables (OMP_NUM_THREADS, CUDA_VISIBLE_DEVICES…)
     * @param timeoutMinutes  a cell running longer is killed and recorded as failed; 0 = no limit
     * @param reuseWorker     run the cells one after another in the same worker JVM (a new one after a crash)
     */
    public ForkedExecutor(String javaExecutable, String classpath, List<String> jvmArgs, Map<String, String> environment,
                          long timeoutMinutes, boolean reuseWorker) {
        this.javaExecutable = javaExecutable;
        this.classpath = classpath;
        this.jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
        this.environment = withDefaults(environment);
        this.timeoutMinutes = timeoutMinutes;
        this.reuseWorker = reuseWorker;
    }

    /**
     * Environment every worker gets unless configured otherwise: OpenMP threads sleep at barriers instead of spinning
     * (libgomp's default spins first). On a machine shared with other jobs a spinning thread holds a core the
     * descheduled one needs: a tiny-backbone cell took 20.2 s instead of 1.7 s beside three busy processes on two
     * cores, 7.6 s with {@code OMP_WAIT_POLICY=passive}, which costs nothing on an idle machine (docs/performance.md).
     */
    public static final Map<String, String> DEFAULT_ENVIRONMENT = Map.of("OMP_WAIT_POLICY", "passive");

    static Map<String, String> withDefaults(Map<String, String> configured) {
        Map<String, String> env = new HashMap<>(DEFAULT_ENVIRONMENT);
        if (configured != null) env.putAll(configured);
        return Map.copyOf(env);
    }

    /** One JVM per cell. */
    public ForkedExecutor(String javaExecutable, String classpath, List<String> jvmArgs, Map<String, String> environment,
                          long timeoutMinutes) {
        this(javaExecutable, classpath, jvmArgs, environment, timeoutMinutes, false);
    }

    public String classpath() {
        return classpath;
    }

    public List<String> jvmArgs() {
        return jvmArgs;
    }

    public String javaExecutable() {
        return javaExecutable;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public long timeoutMinutes() {
        return timeoutMinutes;
    }

    public boolean reuseWorker() {
        return reuseWorker;
    }

    /**
     * What a worker made of one cell: its result, and whether the worker JVM was lost running it (killed, crashed,
     * timed out, or could not start) rather than the cell failing inside it. An executor that can retry elsewhere
     * (Spark) retries a lost worker; here it is the cell's FAILED result.
     */
    public record WorkerOutcome(CellResult result, boolean workerLost) {
    }

    /** A running worker: its process, the pipe to it, and what it printed. */
    private static final class Worker {
        final Process proc;
        final BufferedWriter stdin;
        final BlockingQueue<String> done = new LinkedBlockingQueue<>();
        final Deque<String> tail = new ArrayDeque<>();
        volatile Consumer<String> log = s -> { };
        /** The largest resident size sampled, so that a kill can be told apart from running out of memory. */
        volatile long peakRss;

        Worker(Process proc) {
            this.proc = proc;
            this.stdin = new BufferedWriter(new OutputStreamWriter(proc.getOutputStream(), StandardCharsets.UTF_8));
            Thread pump = new Thread(this::pump, "transfer-worker-output");
            pump.setDaemon(true);
            pump.start();
            Thread sampler = new Thread(this::sampleMemory, "transfer-worker-memory");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sampleMemory() {
            while (proc.isAlive()) {
                peakRss = Math.max(peakRss, WorkerDeath.residentBytes(proc.pid()));
                try {
                    Thread.sleep(MEMORY_SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void pump() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(WorkerMain.DONE_PREFIX)) {
                        done.add(line.substring(WorkerMain.DONE_PREFIX.length()));
                    } else if (line.startsWith(WorkerMain.LOG_PREFIX)) {
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
            } finally {
                done.add(EOF);
            }
        }

        String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }

        void stop() {
            try {
                stdin.close();
                if (!proc.waitFor(30, TimeUnit.SECONDS)) proc.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                proc.destroyForcibly();
            } catch (InterruptedException e) {
                proc.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private Worker start() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        cmd.addAll(jvmArgs);
        cmd.add("-D" + WorkerMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid()); // the worker ends with this JVM
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(WorkerMain.class.getName());
        cmd.add(WorkerMain.SERVE);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        OpenBlasCore.apply(pb.environment()); // this machine's CPU: on Spark, the executor's
        pb.environment().putAll(environment);
        NativeAllocator.apply(pb.environment(), allocatorHere()); // this machine's jemalloc, under a configured MALLOC_CONF
        CpuBudget.apply(pb.environment()); // the cores other jobs leave free now, unless OMP_NUM_THREADS is set
        return new Worker(pb.start());
    }

    /**
     * The jemalloc {@code -Dtransfer.allocator} in the worker's JVM arguments asks for, on this machine. A named library
     * this machine lacks (a Spark executor need not have the driver's) leaves the worker on glibc's malloc; the
     * worker's provenance says which it ran.
     */
    private Optional<Path> allocatorHere() {
        try {
            return NativeAllocator.resolveHere(NativeAllocator.settingIn(jvmArgs));
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    @Override
    public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
        Path planFile = plan.outputDir().resolve("plan.json");
        PlanFiles.write(plan, planFile);
        return run(planFile, key, plan.cellsDir(), log).result();
    }

    /**
     * Runs one cell of the plan in {@code planFile} in the worker, which writes the result into {@code resultsDir}
     * (the plan's {@code cells/}, or a scratch folder whose result the caller commits elsewhere).
     */
    public synchronized WorkerOutcome run(Path planFile, CellKey key, Path resultsDir, Consumer<String> log) {
        Path resultFile = CellResults.fileFor(resultsDir, key);
        long before = Files.exists(resultFile) ? resultFile.toFile().lastModified() : -1;
        try {
            if (worker == null || !worker.proc.isAlive()) {
                if (worker != null) worker.stop();
                worker = start();
            }
        } catch (IOException e) {
            worker = null;
            return lost(key, "cannot start the worker JVM (" + javaExecutable + "): " + e.getMessage(), "");
        }
        Worker w = worker;
        w.log = log;
        try {
            String request = String.join("\t", planFile.toAbsolutePath().toString(), key.model(), key.dataset(), key.scenario(),
                    Long.toString(key.seed()), key.subset(), resultsDir.toAbsolutePath().toString());
            try {
                w.stdin.write(request);
                w.stdin.newLine();
                w.stdin.flush();
            } catch (IOException e) {
                // the worker died before it read the request; its exit status says why
            }
            long deadline = timeoutMinutes > 0 ? System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes) : Long.MAX_VALUE;
            while (true) {
                long left = deadline == Long.MAX_VALUE ? TimeUnit.DAYS.toNanos(1) : deadline - System.nanoTime();
                String answer = left <= 0 ? null : w.done.poll(left, TimeUnit.NANOSECONDS);
                if (answer == null) {
                    if (deadline != Long.MAX_VALUE && System.nanoTime() >= deadline) {
                        w.proc.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                        worker = null;
                        // The cell's own doing (too long), not a lost worker: rerunning it elsewhere would time out again.
                        return new WorkerOutcome(lost(key, "worker timed out after " + timeoutMinutes
                                + " min (raise <cellTimeoutMinutes> or lower the epochs)", w.tail()).result(), false);
                    }
                    continue;
                }
                if (answer.equals(key.id())) break;
                if (answer.equals(EOF)) {
                    w.proc.waitFor(30, TimeUnit.SECONDS);
                    int exit = w.proc.isAlive() ? -1 : w.proc.exitValue();
                    worker = null;
                    if (Files.exists(resultFile) && resultFile.toFile().lastModified() != before) {
                        return new WorkerOutcome(CellResults.read(resultFile, key), false);
                    }
                    return lost(key, WorkerDeath.reason(exit, w.peakRss, WorkerDeath.memoryLimitBytes(), w.tail()), w.tail());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            w.proc.destroyForcibly();
            worker = null;
            return lost(key, "interrupted", w.tail());
        } finally {
            w.log = s -> { };
            if (!reuseWorker && worker == w) {
                w.stop();
                worker = null;
            }
        }
        if (Files.exists(resultFile)) return new WorkerOutcome(CellResults.read(resultFile, key), false);
        return lost(key, "worker reported the cell done but wrote no result to " + resultFile, w.tail());
    }

    /** Ends the worker JVM, if one is running. */
    @Override
    public synchronized void close() {
        if (worker != null) {
            worker.stop();
            worker = null;
        }
    }

    private static WorkerOutcome lost(CellKey key, String why, String tail) {
        // The worker held the cell's task, history and provenance; none of it came back.
        return new WorkerOutcome(CellResult.failed(key, why + (tail.isBlank() ? "" : "\n--- last worker output ---\n" + tail), null,
                List.of(), 0, 0, null), true);
    }
}
