package io.github.dl4jtransfer.matrix;

import java.util.function.Consumer;

/** Runs one cell somewhere (this JVM, a forked worker JVM…) and returns its result; never throws for a failed cell. */
public interface CellExecutor {
    CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log);
}
