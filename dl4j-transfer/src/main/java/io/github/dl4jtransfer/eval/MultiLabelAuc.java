package io.github.dl4jtransfer.eval;

import java.util.Arrays;

/**
 * Result of {@link Metrics#meanRocAuc}: the mean, the per-label values and the labels whose AUC is undefined
 * (a single class in y_true). Under {@link UndefinedLabelAuc#SKIP} (the default) those are left out of the
 * mean and {@code NaN} in {@code perLabel}; under {@link UndefinedLabelAuc#HALF} (the study's rule) they are
 * 0.5 in {@code perLabel} and the mean is over every label.
 *
 * @param skippedLabels the labels with an undefined AUC, whichever the rule
 */
public record MultiLabelAuc(double mean, double[] perLabel, int[] skippedLabels, UndefinedLabelAuc rule) {

    public MultiLabelAuc {
        perLabel = perLabel.clone();
        skippedLabels = skippedLabels.clone();
        java.util.Objects.requireNonNull(rule, "rule");
    }

    /** A result under {@link UndefinedLabelAuc#SKIP}. */
    public MultiLabelAuc(double mean, double[] perLabel, int[] skippedLabels) {
        this(mean, perLabel, skippedLabels, UndefinedLabelAuc.SKIP);
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
        return rule == UndefinedLabelAuc.HALF ? perLabel.length : perLabel.length - skippedLabels.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiLabelAuc m && Double.compare(mean, m.mean) == 0
                && Arrays.equals(perLabel, m.perLabel) && Arrays.equals(skippedLabels, m.skippedLabels) && rule == m.rule;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Double.hashCode(mean) + Arrays.hashCode(perLabel)) + Arrays.hashCode(skippedLabels)) + rule.hashCode();
    }

    @Override
    public String toString() {
        return "MultiLabelAuc[mean=" + mean + ", perLabel=" + Arrays.toString(perLabel)
                + ", skippedLabels=" + Arrays.toString(skippedLabels) + (rule == UndefinedLabelAuc.SKIP ? "" : ", rule=" + rule) + "]";
    }
}
