package io.github.dl4jtransfer.bench;

import java.nio.file.Path;

/**
 * Entry point of a forked worker JVM: runs one cell of a plan and writes its result file. Log lines for the
 * parent carry {@link #LOG_PREFIX}; everything else (library chatter) stays out of the build log unless the
 * worker dies, when the parent shows its last lines.
 */
public final class WorkerMain {

    static final String LOG_PREFIX = "@@transfer ";

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: WorkerMain PLAN.json MODEL DATASET SCENARIO SEED");
            System.exit(2);
        }
        BenchmarkPlan plan = PlanFiles.read(Path.of(args[0]));
        CellKey key = new CellKey(args[1], args[2], args[3], Long.parseLong(args[4]));
        CellResult r = new CellRunner(plan, line -> System.out.println(LOG_PREFIX + line)).run(key);
        CellResults.write(plan.cellsDir(), r);
        System.out.flush();
        System.exit(0);
    }
}
