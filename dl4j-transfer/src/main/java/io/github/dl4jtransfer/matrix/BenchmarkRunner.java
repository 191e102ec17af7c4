package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a plan cell by cell: skips cells whose result exists (resume) unless forced, writes each finished
 * cell atomically as its own JSON file, records failed cells with their error and goes on, and prints a
 * line when each cell starts and ends with an ETA.
 */
public final class BenchmarkRunner {

    private final CellExecutor executor;
    private final Consumer<String> log;

    public BenchmarkRunner(CellExecutor executor, Consumer<String> log) {
        this.executor = executor;
        this.log = log;
    }

    /**
     * All results of the plan (run now or found from earlier runs), in plan order. Holds the output directory's
     * {@link OutputLock} throughout: a second run on the same directory is refused.
     */
    public List<CellResult> run(BenchmarkPlan plan) {
        try (OutputLock lock = OutputLock.acquire(plan.outputDir(), log)) {
            deleteStaleTemps(plan);
            return runLocked(plan);
        }
    }

    /** Temporary files of writes that a killed process never finished; no live process writes here while we hold the lock. */
    private void deleteStaleTemps(BenchmarkPlan plan) {
        for (Path dir : List.of(plan.cellsDir(), plan.outputDir().resolve("splits"))) {
            try {
                int n = AtomicFiles.deleteStaleTemps(dir);
                if (n > 0) log.accept("Deleted " + n + " temporary file(s) left in " + dir + " by a run that was killed while writing");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clean temporary files in " + dir, e);
            }
        }
    }

    private List<CellResult> runLocked(BenchmarkPlan plan) {
        List<CellKey> cells = plan.cells();
        List<CellResult> results = new ArrayList<>();
        List<CellKey> todo = new ArrayList<>();
        for (CellKey k : cells) {
            if (!plan.force() && Files.isRegularFile(CellResults.fileFor(plan.cellsDir(), k))) {
                CellResult previous = CellResults.read(CellResults.fileFor(plan.cellsDir(), k), k);
                if (previous.isDone()) {
                    requireSameProtocol(plan, previous);
                    continue;
                }
            }
            todo.add(k);
        }
        int skipped = cells.size() - todo.size();
        if (skipped > 0) log.accept("Resuming: " + skipped + " of " + cells.size() + " cells already done (use -Dtransfer.force to re-run them)");
        long started = System.nanoTime();
        Set<CellKey> pending = new LinkedHashSet<>(todo);
        int[] counts = {0, 0}; // cells started, cells finished
        executor.executeAll(plan, todo, new CellExecutor.CellSink() {
            @Override
            public void started(CellKey k) {
                counts[0]++;
                log.accept("[" + (skipped + counts[0]) + "/" + cells.size() + "] " + k.describe() + " ...");
            }

            @Override
            public void finished(CellResult r) {
                // One result per cell and run, whatever the executor does (a retried or speculative task elsewhere):
                // a second result for a cell, or one for a cell this run did not ask for, is never written.
                if (!pending.remove(r.key())) {
                    log.accept("  ignored a result for " + r.key().describe() + ": already written in this run, or not one of its cells");
                    return;
                }
                counts[1]++;
                CellResults.write(plan.cellsDir(), r);
                double elapsed = (System.nanoTime() - started) / 1e9;
                int i = counts[1];
                double eta = elapsed / i * (todo.size() - i);
                log.accept("[" + (skipped + i) + "/" + cells.size() + "] " + r.key().describe() + ": " + outcome(r) + " ("
                        + seconds(r.timings() == null ? 0 : r.timings().totalMillis() / 1000.0)
                        + (i < todo.size() ? ", ETA " + seconds(eta) : "") + ")");
            }
        }, log);
        for (CellKey k : cells) {
            if (Files.isRegularFile(CellResults.fileFor(plan.cellsDir(), k))) results.add(CellResults.read(CellResults.fileFor(plan.cellsDir(), k), k));
        }
        return results;
    }

    /** A result of the other protocol is not this plan's: resuming would mix the two in one report. */
    private static void requireSameProtocol(BenchmarkPlan plan, CellResult previous) {
        String was = previous.protocol();
        if (!was.equals(plan.protocol().id())) {
            throw new ConfigException("<protocol>", "this run follows protocol " + plan.protocol().id() + ", but " + plan.cellsDir()
                    + " holds results made under protocol " + was + " (" + previous.key().describe() + ")",
                    "give each protocol its own <outputDirectory> (-Dtransfer.outputDirectory=...), or -Dtransfer.force to replace them");
        }
    }

    static String outcome(CellResult r) {
        if (!r.isDone()) {
            String e = r.error() == null ? "" : r.error().lines().findFirst().orElse("");
            return "FAILED " + e;
        }
        return r.task().metric() + "=" + String.format("%.4f", r.primaryTestMetric()) + " (val " + String.format("%.4f", r.primaryValMetric()) + ")";
    }

    static String seconds(double s) {
        if (s < 90) return String.format("%.0f s", s);
        if (s < 5400) return String.format("%.0f min", s / 60);
        return String.format("%.1f h", s / 3600);
    }

    /** A one-screen summary table of results (model × dataset × scenario, primary test metric). */
    public static String summary(List<CellResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-22s %-14s %-16s %5s %-18s %s%n", "model", "dataset", "scenario", "seed", "metric", "test (val)"));
        for (CellResult r : results) {
            sb.append(String.format("%-22s %-14s %-16s %5d %-18s %s%n", r.key().model(), r.key().dataset(), r.key().scenario(),
                    r.key().seed(), r.task() == null ? "-" : r.task().metric(),
                    r.isDone() ? String.format("%.4f (%.4f)", r.primaryTestMetric(), r.primaryValMetric()) : "FAILED"));
        }
        return sb.toString();
    }
}
