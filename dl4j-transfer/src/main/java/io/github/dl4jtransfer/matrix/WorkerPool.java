package io.github.dl4jtransfer.matrix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Several forked workers on one machine, each with its share of the cores ({@code OMP_NUM_THREADS}), taking
 * (backbone, dataset) groups from one queue: a group's frozen features are computed once, by the worker that runs
 * it, and no two workers ever write the same cache entry. Small models run faster this way than one worker with
 * all the cores — libnd4j's ops on small tensors do not keep two threads busy (tiny fixtures, 2 cores: one thread
 * trains as fast as two; two workers of one thread finish a matrix ~1.9× sooner; docs/performance.md). Large
 * backbones want one worker with every core, which is the default ({@code <workers>1</workers>}).
 * <p>
 * Each worker writes its cell's result file itself, as a single worker does; the runner's sink is called on the
 * caller's thread only, in the order results come back.
 */
public final class WorkerPool implements CellExecutor, AutoCloseable {

    /** The environment variable that sets ND4J's (OpenMP's) thread count in a worker. */
    public static final String THREADS_VARIABLE = "OMP_NUM_THREADS";

    private final List<ForkedExecutor> workers;

    private WorkerPool(List<ForkedExecutor> workers) {
        this.workers = List.copyOf(workers);
    }

    /**
     * {@code count} workers like {@code template}; unless the template's environment sets {@code OMP_NUM_THREADS},
     * each gets {@code cores / count} threads (at least one).
     */
    public static WorkerPool of(ForkedExecutor template, int count, int cores) {
        if (count < 1) throw new IllegalArgumentException("workers must be >= 1, was " + count);
        List<ForkedExecutor> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> env = new HashMap<>(template.environment());
            if (count > 1) env.putIfAbsent(THREADS_VARIABLE, Integer.toString(threadsPerWorker(count, cores)));
            out.add(new ForkedExecutor(template.javaExecutable(), template.classpath(), template.jvmArgs(), env,
                    template.timeoutMinutes(), template.reuseWorker()));
        }
        return new WorkerPool(out);
    }

    static int threadsPerWorker(int workers, int cores) {
        return Math.max(1, cores / workers);
    }

    public int size() {
        return workers.size();
    }

    /** The environment each worker starts with. */
    public List<Map<String, String>> environments() {
        return workers.stream().map(ForkedExecutor::environment).toList();
    }

    @Override
    public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
        return workers.get(0).execute(plan, key, log);
    }

    @Override
    public void executeAll(BenchmarkPlan plan, List<CellKey> cells, CellSink sink, Consumer<String> log) {
        if (workers.size() == 1) {
            CellExecutor.super.executeAll(plan, cells, sink, log);
            return;
        }
        Path planFile = PlanFiles.write(plan, plan.outputDir().resolve("plan.json"));
        ConcurrentLinkedQueue<List<CellKey>> groups = new ConcurrentLinkedQueue<>(groups(cells));
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            ForkedExecutor w = workers.get(i);
            String prefix = "  [worker " + (i + 1) + "] ";
            Thread t = new Thread(() -> {
                try {
                    for (List<CellKey> group; (group = groups.poll()) != null; ) {
                        for (CellKey k : group) {
                            events.add(new Started(k));
                            events.add(w.run(planFile, k, plan.cellsDir(), line -> log.accept(prefix + line)).result());
                        }
                    }
                } catch (RuntimeException | Error e) {
                    events.add(e);
                } finally {
                    events.add(Done.INSTANCE);
                }
            }, "transfer-worker-pool-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        int running = threads.size();
        Throwable failure = null;
        try {
            while (running > 0) {
                Object e = events.take();
                if (e instanceof Started s) sink.started(s.key());
                else if (e instanceof CellResult r) sink.finished(r);
                else if (e == Done.INSTANCE) running--;
                else if (e instanceof Throwable t && failure == null) {
                    failure = t;
                    groups.clear(); // no new groups; the cells already running finish and are written
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            groups.clear();
            close();
            throw new IllegalStateException("interrupted while workers were running cells", e);
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
    }

    /** Cells by (model, dataset) in plan order: the unit one worker runs, so its frozen features are computed once. */
    static List<List<CellKey>> groups(List<CellKey> cells) {
        Map<List<String>, List<CellKey>> byGroup = new LinkedHashMap<>();
        for (CellKey k : cells) byGroup.computeIfAbsent(List.of(k.model(), k.dataset()), g -> new ArrayList<>()).add(k);
        return new ArrayList<>(byGroup.values());
    }

    @Override
    public void close() {
        for (ForkedExecutor w : workers) w.close();
    }

    private record Started(CellKey key) {
    }

    private enum Done { INSTANCE }
}
