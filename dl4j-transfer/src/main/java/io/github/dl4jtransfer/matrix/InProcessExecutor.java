package io.github.dl4jtransfer.matrix;

import java.util.function.Consumer;

/** Runs cells in this JVM: simplest, but a native crash takes the whole matrix down (use {@link ForkedExecutor}). */
public final class InProcessExecutor implements CellExecutor {
    @Override
    public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
        return new CellRunner(plan, log).run(key);
    }
}
