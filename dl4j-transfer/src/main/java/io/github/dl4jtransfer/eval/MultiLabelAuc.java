package io.github.dl4jtransfer.eval;

import java.util.Arrays;

/**
 * Result of {@link Metrics#meanRocAuc}: the mean over the labels where ROC AUC is defined, the per-label
 * values ({@code NaN} where skipped) and the skipped label indices (those with a single class in y_true).
 */
public record MultiLabelAuc(double mean, double[] perLabel, int[] skippedLabels) {

    public MultiLabelAuc {
        perLabel = perLabel.clone();
        skippedLabels = skippedLabels.clone();
    }

    @Override
    public double[] perLabel() {
        return perLabel.clone();
    }

    @Override
    public int[] skippedLabels() {
        return skippedLabels.clone();
    }

    /** Number of labels that entered the mean. */
    public int usedLabels() {
        return perLabel.length - skippedLabels.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiLabelAuc m && Double.compare(mean, m.mean) == 0
                && Arrays.equals(perLabel, m.perLabel) && Arrays.equals(skippedLabels, m.skippedLabels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Double.hashCode(mean) + Arrays.hashCode(perLabel)) + Arrays.hashCode(skippedLabels);
    }

    @Override
    public String toString() {
        return "MultiLabelAuc[mean=" + mean + ", perLabel=" + Arrays.toString(perLabel)
                + ", skippedLabels=" + Arrays.toString(skippedLabels) + "]";
    }
}
