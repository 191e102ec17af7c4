package io.github.dl4jtransfer.eval;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.StringJoiner;

/**
 * Metrics of one evaluation pass.
 *
 * @param task            what was evaluated (carries the primary metric)
 * @param count           number of samples
 * @param values          every metric of the task that is defined on this data
 * @param unavailable     metric → why it is undefined here (e.g. one class in y_true for AUC); a metric is in
 *                        exactly one of {@code values} and {@code unavailable}
 * @param confusionMatrix single-label: counts, rows = true class, columns = predicted; null for multi-label
 * @param perLabelAuc     multi-label: AUC per label, NaN where skipped (0.5 under {@link UndefinedLabelAuc#HALF}); null for single-label
 * @param skippedLabels   multi-label: labels with one class in y_true, left out of mean_roc_auc (or counted 0.5 under
 *                        {@link UndefinedLabelAuc#HALF}, the study's rule); empty otherwise
 */
public record MetricReport(EvalTask task, long count, Map<MetricKind, Double> values,
                           Map<MetricKind, String> unavailable, int[][] confusionMatrix, double[] perLabelAuc,
                           int[] skippedLabels) {

    public MetricReport {
        values = Collections.unmodifiableMap(values.isEmpty() ? new EnumMap<>(MetricKind.class) : new EnumMap<>(values));
        unavailable = Collections.unmodifiableMap(unavailable.isEmpty() ? new EnumMap<>(MetricKind.class)
                : new EnumMap<>(unavailable));
        confusionMatrix = deepCopy(confusionMatrix);
        perLabelAuc = perLabelAuc == null ? null : perLabelAuc.clone();
        skippedLabels = skippedLabels == null ? new int[0] : skippedLabels.clone();
    }

    /** The value of the task's primary metric; fails with the reason if it is undefined on this data. */
    public double primary() {
        return get(task.primary());
    }

    /** The value of {@code metric}; fails with the reason if it is undefined here or not part of the task. */
    public double get(MetricKind metric) {
        Double v = values.get(metric);
        if (v != null) return v;
        String why = unavailable.get(metric);
        throw new IllegalStateException(why != null ? "no " + metric.metricName() + " for this evaluation: " + why
                : metric.metricName() + " is not computed for " + task);
    }

    public OptionalDouble value(MetricKind metric) {
        Double v = values.get(metric);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** One line for logs, e.g. {@code n=120 acc=0.8333 bal.acc=0.8000 … κ²=0.7123* (* primary)}. */
    public String summary() {
        StringJoiner line = new StringJoiner(" ");
        line.add("n=" + count);
        for (MetricKind k : task.metrics()) {
            Double v = values.get(k);
            String text = v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
            line.add(k.label() + "=" + text + (k == task.primary() ? "*" : ""));
        }
        if (skippedLabels.length > 0) line.add("(skipped labels " + Arrays.toString(skippedLabels) + ")");
        return line.toString();
    }

    @Override
    public int[][] confusionMatrix() {
        return deepCopy(confusionMatrix);
    }

    @Override
    public double[] perLabelAuc() {
        return perLabelAuc == null ? null : perLabelAuc.clone();
    }

    @Override
    public int[] skippedLabels() {
        return skippedLabels.clone();
    }

    private static int[][] deepCopy(int[][] m) {
        if (m == null) return null;
        int[][] copy = new int[m.length][];
        for (int i = 0; i < m.length; i++) copy[i] = m[i].clone();
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricReport r && task.equals(r.task) && count == r.count && values.equals(r.values)
                && unavailable.equals(r.unavailable) && Arrays.deepEquals(confusionMatrix, r.confusionMatrix)
                && Arrays.equals(perLabelAuc, r.perLabelAuc) && Arrays.equals(skippedLabels, r.skippedLabels);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {task, count, values, unavailable, confusionMatrix, perLabelAuc,
                skippedLabels});
    }

    @Override
    public String toString() {
        return "MetricReport[" + task + ", " + summary()
                + (unavailable.isEmpty() ? "" : ", unavailable=" + unavailable) + "]";
    }
}
