package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.data.split.TrainSubset;
import io.github.dl4jtransfer.matrix.CellResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The label-efficiency section: per task, the headline test metric (mean over seeds) against the share of the
 * training set each cell trained on, one curve per backbone × classifier, the x axis logarithmic. A k-shot cell sits
 * at the share its k images per class made of the training set (from its provenance). Empty when every cell trained
 * on its whole training set.
 *
 * @param curves dataset → curve label → points in increasing share
 * @param metric dataset → its headline metric's name
 */
record LabelEfficiency(Map<String, Map<String, List<Point>>> curves, Map<String, String> metric) {

    /** One point: the subset's id, the share of the training set, the mean metric over {@code seeds} seeds. */
    record Point(String subset, double share, double mean, int seeds) {
    }

    static LabelEfficiency of(List<CellResult> results) {
        boolean anySubset = results.stream().anyMatch(r -> !r.key().trainSubset().isAll());
        Map<String, Map<String, List<Point>>> curves = new LinkedHashMap<>();
        Map<String, String> metric = new LinkedHashMap<>();
        if (!anySubset) return new LabelEfficiency(curves, metric);
        // dataset → label → subset → metrics over seeds (and the shares the cells reported)
        Map<String, Map<String, Map<String, List<double[]>>>> raw = new LinkedHashMap<>();
        for (CellResult r : results) {
            if (!r.isDone() || r.task() == null || !Double.isFinite(r.primaryTestMetric())) continue;
            metric.putIfAbsent(r.key().dataset(), r.task().metric());
            String label = Labels.of(r.key().model(), r.key().scenario(), Map.of());
            raw.computeIfAbsent(r.key().dataset(), d -> new LinkedHashMap<>()).computeIfAbsent(label, l -> new TreeMap<>())
                    .computeIfAbsent(r.key().subset(), s -> new ArrayList<>()).add(new double[] {share(r), r.primaryTestMetric()});
        }
        raw.forEach((dataset, byLabel) -> byLabel.forEach((label, bySubset) -> {
            List<Point> points = new ArrayList<>();
            bySubset.forEach((subset, values) -> {
                double share = values.stream().mapToDouble(v -> v[0]).average().orElse(Double.NaN);
                double mean = values.stream().mapToDouble(v -> v[1]).average().orElse(Double.NaN);
                points.add(new Point(subset, share, mean, values.size()));
            });
            points.sort(java.util.Comparator.comparingDouble(Point::share));
            curves.computeIfAbsent(dataset, d -> new LinkedHashMap<>()).put(label, points);
        }));
        return new LabelEfficiency(curves, metric);
    }

    /** The share of its training set a cell trained on: 1 for all of it, the fraction, or images/of for k-shot. */
    static double share(CellResult r) {
        TrainSubset t = r.key().trainSubset();
        if (t.isAll()) return 1.0;
        Object s = r.provenance() == null || r.provenance().config() == null ? null : r.provenance().config().get("trainSubset");
        if (s instanceof Map<?, ?> m && m.get("images") instanceof Number images && m.get("of") instanceof Number of && of.doubleValue() > 0) {
            return images.doubleValue() / of.doubleValue();
        }
        return t.shots() > 0 ? Double.NaN : t.fraction();
    }

    boolean isEmpty() {
        return curves.isEmpty();
    }

    /** One SVG chart per task. */
    Map<String, String> charts() {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, Map<String, List<Point>>> e : curves.entrySet()) {
            out.put(e.getKey(), Charts.labelEfficiencySvg(e.getKey(), metric.get(e.getKey()), e.getValue(), "label-efficiency" + (i++)));
        }
        return out;
    }

    /** Per task: a row per backbone × classifier, a column per training subset (mean metric, seeds). */
    Table table(String dataset) {
        TreeMap<Double, String> columns = new TreeMap<>();
        Map<String, List<Point>> byLabel = curves.get(dataset);
        for (List<Point> ps : byLabel.values()) for (Point p : ps) columns.putIfAbsent(p.share(), p.subset());
        List<String> order = new ArrayList<>(new java.util.LinkedHashSet<>(columns.values()));
        Table.Builder b = Table.builder("backbone · classifier");
        for (String subset : order) b.column(heading(subset), true);
        for (Map.Entry<String, List<Point>> e : byLabel.entrySet()) {
            List<String> row = new ArrayList<>(List.of(e.getKey()));
            for (String subset : order) {
                Point p = e.getValue().stream().filter(x -> x.subset().equals(subset)).findFirst().orElse(null);
                row.add(p == null ? "—" : String.format(Locale.ROOT, "%.4f", p.mean()) + (p.seeds() > 1 ? " (" + p.seeds() + " seeds)" : ""));
            }
            b.row(row);
        }
        return b.build();
    }

    /** "100%", "10%", "5 per class". */
    static String heading(String subset) {
        TrainSubset t = TrainSubset.parse(subset);
        if (t.isAll()) return "100%";
        if (t.shots() > 0) return t.shots() + " per class";
        return String.format(Locale.ROOT, "%s%%", new java.math.BigDecimal(t.fraction() * 100).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString());
    }

    static final String EXPLANATION = "Headline test metric (mean over seeds) against the share of the training set each cell "
            + "trained on (log scale): stratified subsets, nested per seed (the 1% set lies inside the 10% set), validation and "
            + "test sets untouched. A k-shot point sits at the share its k images per class make of the training set.";
}
