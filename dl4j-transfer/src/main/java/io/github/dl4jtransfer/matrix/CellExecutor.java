package io.github.dl4jtransfer.matrix;

import java.util.List;
import java.util.function.Consumer;

/** Runs one cell somewhere (this JVM, a forked worker JVM…) and returns its result; never throws for a failed cell. */
public interface CellExecutor {
    CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log);

    /**
     * Runs {@code cells} and hands each result to {@code sink} as it finishes, on the calling thread. The default
     * runs them one after another here; an executor that spreads cells over machines (Spark) runs them in any
     * order and reports each when it comes back. The sink (the runner) is the only writer of result files.
     */
    default void executeAll(BenchmarkPlan plan, List<CellKey> cells, CellSink sink, Consumer<String> log) {
        for (CellKey k : cells) {
            sink.started(k);
            sink.finished(execute(plan, k, log));
        }
    }

    /** Where an executor reports cells: {@link BenchmarkRunner} writes each result and prints progress. */
    interface CellSink {
        /** A cell starts (executors that only learn of a cell when its result comes back do not call this). */
        void started(CellKey key);

        /** A cell's result; called once per cell, on the thread that called {@link #executeAll}. */
        void finished(CellResult result);
    }
}
