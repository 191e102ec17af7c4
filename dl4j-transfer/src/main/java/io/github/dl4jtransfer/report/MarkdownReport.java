package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellResult;

import java.util.List;

/** {@code report.md}: the HTML report's tables, for a terminal or a pull-request comment. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(String title, String generated, List<CellResult> cells, Aggregates agg, boolean hasGainChart,
                         boolean hasPosterChart, LabelEfficiency efficiency) {
        StringBuilder m = new StringBuilder(16 * 1024);
        long done = cells.stream().filter(CellResult::isDone).count();
        m.append("# ").append(Table.md(title)).append("\n\n");
        m.append(cells.size()).append(" cells: ").append(done).append(" done, ").append(cells.size() - done)
                .append(" failed · protocol ").append(Table.md(agg.protocol())).append(" · ").append(agg.datasets().size())
                .append(" tasks · metric split: ").append(agg.split())
                .append(" · generated ").append(generated).append("\n\n");
        for (String w : agg.warnings()) m.append("> **Note:** ").append(Table.md(w)).append("\n\n");

        m.append("## Poster chart\n\n").append(posterExplanation(agg)).append("\n\n");
        if (hasPosterChart) m.append("![poster chart](").append(ReportWriter.POSTER_SVG).append(")\n\n");
        m.append(ReportTables.poster(agg).toMarkdown()).append('\n');
        for (String n : posterNotes(agg)) m.append("- ").append(Table.md(n)).append('\n');
        m.append('\n');

        m.append("## Relative performance gain\n\n").append(gainExplanation(agg)).append("\n\n");
        if (hasGainChart) m.append("![relative performance gain](").append(ReportWriter.GAIN_SVG).append(")\n\n");
        m.append(ReportTables.relativeGain(agg).toMarkdown()).append('\n');

        if (!efficiency.isEmpty()) {
            m.append("## Label efficiency\n\n").append(Table.md(LabelEfficiency.EXPLANATION)).append("\n\n");
            int i = 0;
            for (String d : efficiency.curves().keySet()) {
                m.append("### ").append(Table.md(d)).append("\n\n![label efficiency on ").append(Table.md(d)).append("](label-efficiency-")
                        .append(i++).append(".svg)\n\n").append(efficiency.table(d).toMarkdown()).append("\n");
            }
        }
        m.append("## Per-task results\n\n").append(TASKS).append("\n\n");
        for (String d : agg.datasets()) {
            List<Aggregates.GroupSummary> groups = ReportTables.groupsOf(agg, d);
            m.append("### ").append(Table.md(d)).append("\n\n").append(Table.md(taskLine(groups))).append("\n\n");
            m.append(ReportTables.task(agg, d).toMarkdown()).append('\n');
            List<CellResult> failed = ReportTables.failed(cells, d);
            if (!failed.isEmpty()) {
                m.append("Failed cells:\n\n");
                for (CellResult r : failed) {
                    m.append("- ").append(Table.md(r.key().describe())).append(": `")
                            .append(ReportTables.firstLine(r.error()).replace("`", "'")).append("`\n");
                }
                m.append('\n');
            }
        }

        m.append("## Convergence\n\nEpochs to best: the epoch (1-based) whose checkpoint was tested, mean ± std over seeds; "
                + "the curves are in report.html.\n\n");
        for (String d : agg.datasets()) {
            m.append("### ").append(Table.md(d)).append("\n\n").append(ReportTables.convergence(agg, d).toMarkdown()).append('\n');
        }

        m.append("## Cost\n\n").append(ReportTables.cost(cells).toMarkdown());
        return m.toString();
    }

    /** What the per-task tables show. */
    static final String TASKS = "Mean ± sample standard deviation over seeds (— where one seed gives no spread). 95 % CI: "
            + "bootstrap over the test images (1,000 resamples, stratified by class for single-label tasks) and, with "
            + "several seeds, over the seeds. Best epoch: the 1-based epoch whose checkpoint was tested, per seed.";

    /** How the intervals of the gain chart and tables are made. */
    static final String INTERVALS = "95 % CI (paired): a bootstrap over the test images, 1,000 resamples shared by the "
            + "bar and the baseline (the same images for both), seeds drawn with replacement where there are several; "
            + "the chart draws it as a whisker, and " + ReportTables.SIGNIFICANT + " marks a gain whose interval excludes 0. "
            + "— where a task has no stored test predictions, or on the val split.";

    /** What the gain numbers mean, with the baseline named. */
    static String gainExplanation(Aggregates agg) {
        Aggregates.BaselineInfo b = agg.baseline();
        if (b.label() == null) return "No baseline could be chosen (no finished cell), so no relative gain is computed.";
        return "For each task: (mean over seeds of the " + agg.split() + " headline metric − the baseline's mean) / "
                + "|baseline's mean| × 100, then averaged over the tasks where both have results. Baseline: "
                + b.label() + " (" + b.model() + " × " + b.scenario() + ", "
                + (b.explicit() ? "as configured" : "chosen by the default rule: frozen-linear if present, first model with it")
                + "). Positive means better than the baseline. " + INTERVALS;
    }

    /** What the poster chart shows and against what. */
    static String posterExplanation(Aggregates agg) {
        Poster p = agg.poster();
        Poster.Reference r = p.reference();
        String reference = r.label() == null ? "no reference could be chosen (no finished cell), so no bar has a value"
                : "against " + r.label() + " (" + r.model() + ":" + r.target() + ", "
                + (r.explicit() ? "as configured" : "chosen by the default rule: the first model of family deit, else the "
                + "report's baseline model; unfrozen-linear if it ran, else its linear classifier")
                + ")";
        return "The study poster's layout: one bar per backbone × classifier, sorted ascending, the backbone's "
                + "pre-training data under its label. Baselines (" + String.join(", ", p.baselines())
                + ") get the linear classifier only. Each bar is the relative gain in % " + reference
                + ", averaged over the tasks where both have results; on every task the bar takes the better of the "
                + "frozen and the unfrozen backbone (mean " + agg.split() + " headline metric over seeds, ties: frozen) — "
                + "the per-task cells say which.";
    }

    /** Footnotes of the poster table: where pre-training labels came from, and what was left out. */
    static List<String> posterNotes(Aggregates agg) {
        List<String> notes = new java.util.ArrayList<>();
        if (agg.poster().rows().stream().anyMatch(r -> "built-in".equals(r.pretrainingSource()))) {
            notes.add("† pre-training data from the built-in table by model family (the model's sidecar was not found "
                    + "or has no pretraining_data)");
        }
        notes.addAll(agg.poster().notes());
        return notes;
    }

    static String taskLine(List<Aggregates.GroupSummary> groups) {
        String task = ReportTables.taskName(groups);
        String metric = ReportTables.headlineMetric(groups);
        return "task " + (task == null ? "(unknown: every cell failed before loading it)" : task)
                + " · headline metric " + (metric == null ? "—" : metric);
    }
}
