package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.device.NativeBuild;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs each cell on the workers of its native build ({@link BuildRoute}): one executor (a worker or a pool) per build.
 * {@link #executeAll} runs the cells build by build, in the order the executors were given, and stops one build's
 * workers before the next build's start, so that only one kind of worker holds memory at a time. Results do not depend
 * on the order: each cell is self-contained (its feature cache entries are keyed by backbone and dataset).
 */
public final class BuildRouter implements CellExecutor, AutoCloseable {

    private final Map<NativeBuild, CellExecutor> executors;
    private final Function<CellKey, NativeBuild> route;

    public BuildRouter(Map<NativeBuild, ? extends CellExecutor> executors, Function<CellKey, NativeBuild> route) {
        if (executors.isEmpty()) throw new IllegalArgumentException("no executor");
        this.executors = new LinkedHashMap<>(executors);
        this.route = route;
    }

    public Map<NativeBuild, CellExecutor> executors() {
        return Map.copyOf(executors);
    }

    private CellExecutor executorFor(CellKey key) {
        CellExecutor e = executors.get(route.apply(key));
        if (e == null) throw new IllegalStateException("no executor for " + route.apply(key) + " (cell " + key.id() + ")");
        return e;
    }

    @Override
    public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
        return executorFor(key).execute(plan, key, log);
    }

    @Override
    public void executeAll(BenchmarkPlan plan, List<CellKey> cells, CellSink sink, Consumer<String> log) {
        Map<NativeBuild, List<CellKey>> parts = new LinkedHashMap<>();
        for (NativeBuild b : executors.keySet()) parts.put(b, new ArrayList<>());
        for (CellKey k : cells) {
            executorFor(k);
            parts.get(route.apply(k)).add(k);
        }
        for (Map.Entry<NativeBuild, List<CellKey>> part : parts.entrySet()) {
            if (part.getValue().isEmpty()) continue;
            CellExecutor e = executors.get(part.getKey());
            e.executeAll(plan, part.getValue(), sink, log);
            closeQuietly(e); // its workers restart if a later call needs them
        }
    }

    @Override
    public void close() {
        for (CellExecutor e : executors.values()) closeQuietly(e);
    }

    private static void closeQuietly(CellExecutor e) {
        if (e instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a worker that will not stop is killed with its parent
            }
        }
    }
}
