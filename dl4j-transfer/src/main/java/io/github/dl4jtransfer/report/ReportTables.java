package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.matrix.CellResult;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The report's tables, shared by the HTML and Markdown renderings. */
final class ReportTables {

    private ReportTables() {
    }

    /** Rank, label, mean gain and the per-dataset gains behind it. */
    static Table relativeGain(Aggregates a) {
        Table.Builder t = Table.builder("#", "backbone · classifier", "mean gain", "95 % CI (paired)").textColumn(1);
        for (String d : a.datasets()) t.column(d, true);
        t.column("tasks", true);
        int rank = 0;
        for (Aggregates.RelativeGain g : a.gains()) {
            List<String> row = new ArrayList<>();
            row.add(Double.isNaN(g.meanGainPercent()) ? "—" : Integer.toString(++rank));
            row.add(g.label() + (g.isBaseline() ? " (baseline)" : ""));
            row.add(gain(g.meanGainPercent()));
            row.add(g.interval() == null ? "—" : "[" + gain(g.interval().low()) + ", " + gain(g.interval().high()) + "]"
                    + (g.significant() ? " " + SIGNIFICANT : ""));
            for (String d : a.datasets()) {
                Double v = g.gainByDataset().get(d);
                row.add(v == null ? "—" : gain(v));
            }
            row.add(Integer.toString(g.datasets()));
            t.row(row);
        }
        return t.build();
    }

    /**
     * The poster chart's rows, in its (ascending) order: backbone, classifier, role, pre-training data, mean
     * gain, and per task the gain with the scenario the better-of rule chose.
     */
    static Table poster(Aggregates a) {
        Table.Builder t = Table.builder("#", "backbone", "classifier", "role", "pre-training data", "mean gain")
                .textColumn(1).textColumn(2).textColumn(3).textColumn(4);
        for (String d : a.datasets()) t.column(d, true);
        t.column("tasks", true);
        int rank = 0;
        for (Poster.Row r : a.poster().rows()) {
            List<String> row = new ArrayList<>();
            row.add(Double.isNaN(r.meanGainPercent()) ? "—" : Integer.toString(++rank));
            row.add(r.backbone());
            row.add(r.classifierLabel());
            row.add((r.baseline() ? "baseline" : "foundation") + (r.reference() ? ", reference" : ""));
            row.add(r.pretrainingData() == null ? "—" : r.pretrainingData()
                    + ("built-in".equals(r.pretrainingSource()) ? " †" : ""));
            row.add(gain(r.meanGainPercent()));
            for (String d : a.datasets()) {
                Double v = r.gainByDataset().get(d);
                String scenario = r.scenarioByDataset().get(d);
                row.add(v == null ? "—" : gain(v) + (scenario == null ? "" : " (" + freezeOf(scenario) + ")"));
            }
            row.add(Integer.toString(r.gainByDataset().size()));
            t.row(row);
        }
        return t.build();
    }

    /** "frozen" / "unfrozen" of a scenario name ("unfrozen-deit" → "unfrozen"). */
    static String freezeOf(String scenario) {
        int dash = scenario.lastIndexOf('-');
        return dash < 0 ? scenario : scenario.substring(0, dash);
    }

    /** Metric mean ± std over seeds for every model × scenario on one dataset, headline metric first. */
    static Table task(Aggregates a, String dataset) {
        List<Aggregates.GroupSummary> groups = groupsOf(a, dataset);
        String metric = headlineMetric(groups);
        Set<String> otherMetrics = new LinkedHashSet<>();
        for (Aggregates.GroupSummary g : groups) otherMetrics.addAll(g.testMetrics().keySet());
        // On the test split the headline is already the first test-metric column; on val it is its own column.
        boolean test = a.split().equals("test");
        if (test) otherMetrics.remove(metric);

        Table.Builder t = Table.builder("backbone · classifier").textColumn(0);
        t.column((metric == null ? "headline" : metric) + " (" + a.split() + ")", true);
        t.column("95 % CI (test)", true);
        for (String m : otherMetrics) t.column(m + " (test)", true);
        t.column("n seeds", true).column("failed", true).column("best epoch", true);
        for (Aggregates.GroupSummary g : groups) {
            List<String> row = new ArrayList<>();
            row.add(g.label());
            row.add(g.done() == 0 ? "failed" : g.primary().format(4));
            row.add(interval(g.testInterval(), 4));
            for (String m : otherMetrics) {
                SeedStats s = g.testMetrics().get(m);
                row.add(s == null ? "—" : s.format(4));
            }
            row.add(Integer.toString(g.primary().n()));
            row.add(Integer.toString(g.failed()));
            row.add(g.bestEpochs().isEmpty() ? "—"
                    : g.bestEpochs().stream().map(String::valueOf).collect(Collectors.joining(", ")));
            t.row(row);
        }
        return t.build();
    }

    /** Per group: how long training ran and when the tested checkpoint was reached. */
    static Table convergence(Aggregates a, String dataset) {
        Table.Builder t = Table.builder("backbone · classifier", "epochs run", "epochs to best", "best val (mean curve)",
                "stopped early").textColumn(0);
        for (Aggregates.GroupSummary g : groupsOf(a, dataset)) {
            double bestVal = g.meanValCurve().stream().filter(Double::isFinite)
                    .mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            t.row(List.of(g.label(), g.epochsRun().format(1), g.epochsToBest().format(1), SeedStats.fmt(bestVal, 4),
                    g.stoppedEarly() + " / " + g.done()));
        }
        return t.build();
    }

    /** One row per cell: where the time and memory went, and how much of the model trained. */
    static Table cost(List<CellResult> cells) {
        Table.Builder t = Table.builder("cell", "status", "wall time", "features", "training", "train images/s",
                "peak memory", "trainable params", "frozen params", "feature cache").textColumn(0).textColumn(1).textColumn(9);
        for (CellResult r : cells) {
            CellResult.Timings tm = r.timings();
            t.row(List.of(r.key().describe(), r.status().name(),
                    tm == null ? "—" : duration(tm.totalMillis()),
                    tm == null ? "—" : duration(tm.featureMillis()),
                    tm == null ? "—" : duration(tm.trainMillis()),
                    tm == null || !(tm.trainImagesPerSecond() > 0) ? "—" : String.format(Locale.ROOT, "%.1f", tm.trainImagesPerSecond()),
                    bytes(r.peakMemoryBytes()),
                    count(r.trainableParameters()),
                    count(r.frozenParameters()),
                    tm == null ? "—" : tm.featureCacheHit() ? "hit" : "miss"));
        }
        return t.build();
    }

    static List<Aggregates.GroupSummary> groupsOf(Aggregates a, String dataset) {
        return a.groups().stream().filter(g -> g.dataset().equals(dataset)).toList();
    }

    static String headlineMetric(List<Aggregates.GroupSummary> groups) {
        return groups.stream().map(Aggregates.GroupSummary::metric).filter(m -> m != null).findFirst().orElse(null);
    }

    static String taskName(List<Aggregates.GroupSummary> groups) {
        return groups.stream().map(Aggregates.GroupSummary::task).filter(m -> m != null).findFirst().orElse(null);
    }

    /** Failed cells of a dataset with the first line of their error. */
    static List<CellResult> failed(List<CellResult> cells, String dataset) {
        return cells.stream().filter(r -> !r.isDone() && r.key().dataset().equals(dataset)).toList();
    }

    static String firstLine(String error) {
        if (error == null || error.isBlank()) return "(no error text recorded)";
        String line = error.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 297) + "…" : line;
    }

    /** Marks a gain whose paired interval excludes 0, in the tables and on the chart's bars. */
    static final String SIGNIFICANT = "*";

    /** "[0.7800, 0.8400]", or "—" without an interval. */
    static String interval(ConfidenceInterval ci, int decimals) {
        if (ci == null || !Double.isFinite(ci.low())) return "—";
        return "[" + SeedStats.fmt(ci.low(), decimals) + ", " + SeedStats.fmt(ci.high(), decimals) + "]";
    }

    static String gain(double percent) {
        if (!Double.isFinite(percent)) return "—";
        // "+0.00 %" for the baseline rather than "-0.00 %" from a rounding residue.
        double v = Math.abs(percent) < 0.005 ? 0.0 : percent;
        return String.format(Locale.ROOT, "%+.2f %%", v);
    }

    static String duration(long millis) {
        if (millis <= 0) return "—";
        if (millis < 1000) return millis + " ms";
        long s = Math.round(millis / 1000.0);
        if (s < 60) return s + " s";
        long m = s / 60;
        if (m < 60) return m + " min " + (s % 60) + " s";
        return (m / 60) + " h " + (m % 60) + " min";
    }

    static String bytes(long b) {
        if (b <= 0) return "—";
        double mib = b / (1024.0 * 1024.0);
        return mib >= 1024 ? String.format(Locale.ROOT, "%.2f GiB", mib / 1024) : String.format(Locale.ROOT, "%.0f MiB", mib);
    }

    static String count(long n) {
        if (n <= 0) return n == 0 ? "0" : "—";
        if (n >= 1_000_000) return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        if (n >= 10_000) return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        return Long.toString(n);
    }

    static String metricNote(Aggregates a) {
        Map<String, String> metricByDataset = new java.util.LinkedHashMap<>();
        for (String d : a.datasets()) {
            String m = headlineMetric(groupsOf(a, d));
            if (m != null) metricByDataset.put(d, m);
        }
        return a.split() + " metric — " + metricByDataset.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
