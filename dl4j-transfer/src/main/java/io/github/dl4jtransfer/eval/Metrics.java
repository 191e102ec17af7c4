package io.github.dl4jtransfer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.github.dl4jtransfer.eval.MetricKind.ACCURACY;
import static io.github.dl4jtransfer.eval.MetricKind.BALANCED_ACCURACY;
import static io.github.dl4jtransfer.eval.MetricKind.MACRO_F1;
import static io.github.dl4jtransfer.eval.MetricKind.MACRO_ROC_AUC_OVR;
import static io.github.dl4jtransfer.eval.MetricKind.MEAN_ROC_AUC;
import static io.github.dl4jtransfer.eval.MetricKind.QUADRATIC_KAPPA;
import static io.github.dl4jtransfer.eval.MetricKind.ROC_AUC;

/**
 * Classification metrics in plain double-precision Java, defined as scikit-learn 1.2 defines them and
 * checked against it to 1e-9 (fixtures from {@code tools/reference/make_metric_fixtures.py}).
 *
 * <p>Labels are class indices {@code >= 0}. Every method rejects null, empty and length-mismatched input
 * with an {@link IllegalArgumentException} naming the metric. Where the input is valid but the metric has no
 * value (ROC AUC with one class in y_true, kappa with no expected disagreement) the method throws the
 * subclass {@link UndefinedMetricException}; sklearn returns NaN or raises there, and a NaN that silently
 * loses every "is better" comparison would be worse than either.
 *
 * <p>Counts are integers and each metric is formed with as few roundings as possible (e.g. AUC from an
 * exact pair count), so results are reproducible bit for bit and independent of sample order.
 */
public final class Metrics {

    /** numpy.allclose(1, rowSum) tolerances, the check sklearn applies to multiclass AUC scores. */
    private static final double PROB_SUM_RTOL = 1e-5;
    private static final double PROB_SUM_ATOL = 1e-8;

    private Metrics() {
    }

    /** Fraction of samples with {@code pred == y}. */
    public static double accuracy(int[] y, int[] pred) {
        checkPair(ACCURACY.metricName(), y, pred);
        long hits = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == pred[i]) hits++;
        }
        return (double) hits / y.length;
    }

    /**
     * Mean recall over the classes present in y_true. Classes that occur only in pred have no recall and are
     * left out, as sklearn does (their predictions still count as misses of the true classes).
     */
    public static double balancedAccuracy(int[] y, int[] pred) {
        checkPair(BALANCED_ACCURACY.metricName(), y, pred);
        int k = maxLabel(y, pred) + 1;
        long[] support = new long[k];
        long[] hits = new long[k];
        for (int i = 0; i < y.length; i++) {
            support[y[i]]++;
            if (y[i] == pred[i]) hits[y[i]]++;
        }
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < k; c++) {
            if (support[c] > 0) {
                sum += (double) hits[c] / support[c];
                classes++;
            }
        }
        return sum / classes;
    }

    /**
     * Unweighted mean of per-class F1 over the labels present in y_true or pred (sklearn average='macro',
     * zero_division=0). F1 = 2tp / (2tp + fp + fn), which equals 2PR/(P+R) and is 0 when tp = 0.
     */
    public static double macroF1(int[] y, int[] pred) {
        checkPair(MACRO_F1.metricName(), y, pred);
        int k = maxLabel(y, pred) + 1;
        long[] tp = new long[k];
        long[] trueCount = new long[k];
        long[] predCount = new long[k];
        for (int i = 0; i < y.length; i++) {
            trueCount[y[i]]++;
            predCount[pred[i]]++;
            if (y[i] == pred[i]) tp[y[i]]++;
        }
        double sum = 0;
        int labels = 0;
        for (int c = 0; c < k; c++) {
            long denominator = trueCount[c] + predCount[c]; // = 2tp + fp + fn
            if (denominator > 0) {
                sum += 2.0 * tp[c] / denominator;
                labels++;
            }
        }
        return sum / labels;
    }

    /**
     * Binary ROC AUC: the probability that a random positive scores above a random negative, ties counting
     * one half (the Mann–Whitney U statistic; equal to sklearn's trapezoid under the ROC curve, where a tie
     * group is one diagonal step). NaN scores are rejected; ±Infinity rank normally.
     *
     * @param y01   0/1 labels, 1 = positive
     * @param score higher = more positive (a probability, a logit or a margin give the same AUC)
     * @throws UndefinedMetricException if y01 has only one class
     */
    public static double rocAuc(int[] y01, double[] score) {
        String metric = ROC_AUC.metricName();
        checkLengths(metric, y01, score == null ? -1 : score.length, "score");
        for (int i = 0; i < y01.length; i++) {
            if (y01[i] != 0 && y01[i] != 1) {
                throw new IllegalArgumentException(metric + ": labels must be 0 or 1; y[" + i + "] = " + y01[i]);
            }
        }
        checkNoNaN(metric, score, "score");
        return binaryAuc(ROC_AUC, y01, 1, score, "");
    }

    /**
     * Multiclass one-vs-rest ROC AUC, unweighted mean over classes (sklearn multi_class='ovr',
     * average='macro'). Like sklearn it requires probabilities, because the per-class ranking of softmax
     * outputs differs from that of raw logits: each row must sum to 1 (numpy.allclose tolerances).
     *
     * @param y     class indices in [0, C)
     * @param probs (n, C) class probabilities, C = probs[0].length >= 2
     * @throws UndefinedMetricException if some class in [0, C) is absent from y (its AUC is undefined)
     */
    public static double rocAucOvr(int[] y, double[][] probs) {
        String metric = MACRO_ROC_AUC_OVR.metricName();
        checkScoreMatrix(metric, y, probs);
        for (int i = 0; i < probs.length; i++) {
            double s = 0;
            for (double p : probs[i]) s += p;
            if (!(Math.abs(1 - s) <= PROB_SUM_ATOL + PROB_SUM_RTOL * Math.abs(s))) {
                throw new IllegalArgumentException(metric + ": scores must be class probabilities summing to 1"
                        + " per row (apply softmax first); row " + i + " sums to " + s);
            }
        }
        return rocAucOvrScores(y, probs);
    }

    /**
     * One-vs-rest macro AUC on any per-class scores that rank like the probabilities (the {@link Evaluator}
     * passes log-softmax, which does not round to ties at 1.0 for confident predictions). No sum check.
     */
    static double rocAucOvrScores(int[] y, double[][] scores) {
        String metric = MACRO_ROC_AUC_OVR.metricName();
        int c = checkScoreMatrix(metric, y, scores);
        if (c < 2) throw new IllegalArgumentException(metric + ": needs at least 2 score columns, got " + c);
        checkRange(metric, y, c, "y");
        long[] support = new long[c];
        for (int label : y) support[label]++;
        List<Integer> absent = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            if (support[k] == 0) absent.add(k);
        }
        if (!absent.isEmpty()) {
            throw new UndefinedMetricException(MACRO_ROC_AUC_OVR, "classes " + absent + " of " + c
                    + " are absent from y_true, so their one-vs-rest AUC is undefined");
        }
        double sum = 0;
        double[] column = new double[y.length];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < y.length; i++) column[i] = scores[i][k];
            sum += binaryAuc(MACRO_ROC_AUC_OVR, y, k, column, " (class " + k + ")");
        }
        return sum / c;
    }

    /**
     * Multi-label ROC AUC: the mean of the per-label binary AUCs. A label whose y_true column holds a single
     * class has no AUC; it is skipped (NaN in {@link MultiLabelAuc#perLabel()}, listed in
     * {@link MultiLabelAuc#skippedLabels()}) rather than failing the whole evaluation, because rare findings
     * are often absent from a small validation split.
     *
     * @param y      (n, L) targets, each 0 or 1
     * @param scores (n, L) scores, higher = more positive (sigmoid outputs or logits give the same AUC)
     * @throws UndefinedMetricException if every label is skipped
     */
    public static MultiLabelAuc meanRocAuc(int[][] y, double[][] scores) {
        return meanRocAuc(y, scores, UndefinedLabelAuc.SKIP);
    }

    /**
     * {@link #meanRocAuc(int[][], double[][])} with a choice of what an undefined label contributes:
     * {@link UndefinedLabelAuc#SKIP} leaves it out, {@link UndefinedLabelAuc#HALF} counts it 0.5 and averages
     * over all labels, as the study's {@code mean_roc_auc} does (it then never throws: all labels undefined
     * gives 0.5). The study also passes sample weights (target² + 1e-6); for 0/1 targets they are constant
     * within each class and cancel out of the AUC, so they are not needed here.
     */
    public static MultiLabelAuc meanRocAuc(int[][] y, double[][] scores, UndefinedLabelAuc rule) {
        if (rule == null) throw new IllegalArgumentException(MEAN_ROC_AUC.metricName() + ": rule is null");
        String metric = MEAN_ROC_AUC.metricName();
        if (y == null || scores == null) throw new IllegalArgumentException(metric + ": null input");
        if (y.length == 0) throw new IllegalArgumentException(metric + ": empty input (0 samples)");
        if (y.length != scores.length) {
            throw new IllegalArgumentException(metric + ": length mismatch, y has " + y.length
                    + " rows but scores has " + scores.length);
        }
        int labels = width(metric, y.length, i -> y[i] == null ? -1 : y[i].length, "y");
        int scoreLabels = width(metric, scores.length, i -> scores[i] == null ? -1 : scores[i].length, "scores");
        if (labels != scoreLabels) {
            throw new IllegalArgumentException(metric + ": y has " + labels + " labels but scores has "
                    + scoreLabels + " columns");
        }
        if (labels == 0) throw new IllegalArgumentException(metric + ": no labels (0 columns)");
        int n = y.length;
        double[] perLabel = new double[labels];
        List<Integer> skipped = new ArrayList<>();
        int[] column = new int[n];
        double[] scoreColumn = new double[n];
        double sum = 0;
        for (int j = 0; j < labels; j++) {
            long positives = 0;
            for (int i = 0; i < n; i++) {
                int v = y[i][j];
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException(metric + ": targets must be 0 or 1; y[" + i + "][" + j
                            + "] = " + v);
                }
                double s = scores[i][j];
                if (Double.isNaN(s)) {
                    throw new IllegalArgumentException(metric + ": NaN score at [" + i + "][" + j + "]");
                }
                column[i] = v;
                scoreColumn[i] = s;
                positives += v;
            }
            if (positives == 0 || positives == n) {
                perLabel[j] = rule == UndefinedLabelAuc.HALF ? 0.5 : Double.NaN;
                if (rule == UndefinedLabelAuc.HALF) sum += 0.5;
                skipped.add(j);
            } else {
                perLabel[j] = binaryAuc(MEAN_ROC_AUC, column, 1, scoreColumn, "");
                sum += perLabel[j];
            }
        }
        int[] skippedArray = skipped.stream().mapToInt(Integer::intValue).toArray();
        if (rule == UndefinedLabelAuc.HALF) return new MultiLabelAuc(sum / labels, perLabel, skippedArray, rule);
        if (skipped.size() == labels) {
            throw new UndefinedMetricException(MEAN_ROC_AUC, "every one of the " + labels
                    + " labels has a single class in y_true, so no per-label AUC is defined");
        }
        return new MultiLabelAuc(sum / (labels - skipped.size()), perLabel, skippedArray);
    }

    /** {@link #meanRocAuc(int[][], double[][])} for float targets (as data loaders produce); each must be exactly 0 or 1. */
    public static MultiLabelAuc meanRocAuc(float[][] y, double[][] scores) {
        return meanRocAuc(y, scores, UndefinedLabelAuc.SKIP);
    }

    /** {@link #meanRocAuc(int[][], double[][], UndefinedLabelAuc)} for float targets, each exactly 0 or 1. */
    public static MultiLabelAuc meanRocAuc(float[][] y, double[][] scores, UndefinedLabelAuc rule) {
        String metric = MEAN_ROC_AUC.metricName();
        if (y == null) throw new IllegalArgumentException(metric + ": null input");
        int[][] asInt = new int[y.length][];
        for (int i = 0; i < y.length; i++) {
            if (y[i] == null) throw new IllegalArgumentException(metric + ": y row " + i + " is null");
            asInt[i] = new int[y[i].length];
            for (int j = 0; j < y[i].length; j++) {
                float v = y[i][j];
                if (v != 0f && v != 1f) {
                    throw new IllegalArgumentException(metric + ": targets must be 0 or 1; y[" + i + "][" + j
                            + "] = " + v);
                }
                asInt[i][j] = (int) v;
            }
        }
        return meanRocAuc(asInt, scores, rule);
    }

    /**
     * Cohen's kappa with quadratic weights (i - j)^2 on class indices 0..numClasses-1 (sklearn
     * cohen_kappa_score(weights='quadratic', labels=range(numClasses)); without labels= sklearn weights by
     * position among the classes that occur, which shifts the weights when a grade is missing).
     *
     * <p>When both raters put every sample in the same single class the expected disagreement is 0 and
     * kappa is 0/0 (sklearn returns NaN). We throw {@link UndefinedMetricException}: returning 1 would reward
     * a constant predictor and returning 0 would call perfect agreement chance; neither is an honest value.
     *
     * @throws UndefinedMetricException in the case above, the only one where the denominator vanishes
     */
    public static double quadraticWeightedKappa(int[] y, int[] pred, int numClasses) {
        String metric = QUADRATIC_KAPPA.metricName();
        int[][] cm = confusion(metric, y, pred, numClasses);
        long[] rows = new long[numClasses];
        long[] cols = new long[numClasses];
        double observed = 0; // sum w_ij * O_ij
        for (int i = 0; i < numClasses; i++) {
            for (int j = 0; j < numClasses; j++) {
                rows[i] += cm[i][j];
                cols[j] += cm[i][j];
                observed += (double) (i - j) * (i - j) * cm[i][j];
            }
        }
        // n * expected disagreement = sum w_ij * rows_i * cols_j: integer-valued, exact in double for any
        // realistic n, so kappa = 1 - n * observed / that takes a single rounding.
        double expectedTimesN = 0;
        for (int i = 0; i < numClasses; i++) {
            for (int j = 0; j < numClasses; j++) {
                expectedTimesN += (double) (i - j) * (i - j) * rows[i] * cols[j];
            }
        }
        if (expectedTimesN == 0) {
            throw new UndefinedMetricException(QUADRATIC_KAPPA, "undefined when y_true and pred put all "
                    + y.length + " samples in one and the same class (" + y[0] + "): expected disagreement is 0");
        }
        return 1 - observed * y.length / expectedTimesN;
    }

    /** Counts with rows = true class, columns = predicted class (sklearn's orientation). */
    public static int[][] confusionMatrix(int[] y, int[] pred, int numClasses) {
        return confusion("confusion_matrix", y, pred, numClasses);
    }

    // ---- internals -------------------------------------------------------------------------------------

    private static int[][] confusion(String metric, int[] y, int[] pred, int numClasses) {
        checkPair(metric, y, pred);
        if (numClasses < 2) {
            throw new IllegalArgumentException(metric + ": numClasses must be >= 2, got " + numClasses);
        }
        checkRange(metric, y, numClasses, "y");
        checkRange(metric, pred, numClasses, "pred");
        int[][] cm = new int[numClasses][numClasses];
        for (int i = 0; i < y.length; i++) cm[y[i]][pred[i]]++;
        return cm;
    }

    /**
     * AUC of {@code score} for "y == positive" against the rest, from an exact integer pair count: twice the
     * U statistic = sum over positives of (2 * #negatives scoring lower + #negatives scoring equal).
     */
    private static double binaryAuc(MetricKind kind, int[] y, int positive, double[] score, String which) {
        int positives = 0;
        for (int label : y) {
            if (label == positive) positives++;
        }
        int negatives = y.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new UndefinedMetricException(kind, "only one class present in y_true" + which + " (all "
                    + y.length + " samples are " + (positives == 0 ? "negative" : "positive")
                    + "); ROC AUC needs both positives and negatives");
        }
        double[] pos = new double[positives];
        double[] neg = new double[negatives];
        int p = 0;
        int q = 0;
        for (int i = 0; i < y.length; i++) {
            // + 0.0 turns -0.0 into 0.0: Arrays.sort orders -0.0 before 0.0, but they are one tied score.
            if (y[i] == positive) pos[p++] = score[i] + 0.0;
            else neg[q++] = score[i] + 0.0;
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        long twiceU = 0;
        int below = 0; // negatives strictly below the current positive score
        int i = 0;
        while (i < pos.length) {
            double v = pos[i];
            int groupEnd = i;
            while (groupEnd < pos.length && pos[groupEnd] == v) groupEnd++;
            while (below < neg.length && neg[below] < v) below++;
            int equalEnd = below;
            while (equalEnd < neg.length && neg[equalEnd] == v) equalEnd++;
            twiceU += (long) (groupEnd - i) * (2L * below + (equalEnd - below));
            i = groupEnd;
        }
        return twiceU / (2.0 * positives * negatives);
    }

    private static void checkPair(String metric, int[] y, int[] pred) {
        checkLengths(metric, y, pred == null ? -1 : pred.length, "pred");
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || pred[i] < 0) {
                throw new IllegalArgumentException(metric + ": labels must be class indices >= 0; y[" + i
                        + "] = " + y[i] + ", pred[" + i + "] = " + pred[i]);
            }
        }
    }

    private static void checkLengths(String metric, int[] y, int otherLength, String other) {
        if (y == null || otherLength < 0) throw new IllegalArgumentException(metric + ": null input");
        if (y.length == 0) throw new IllegalArgumentException(metric + ": empty input (0 samples)");
        if (y.length != otherLength) {
            throw new IllegalArgumentException(metric + ": length mismatch, y has " + y.length + " samples but "
                    + other + " has " + otherLength);
        }
    }

    /** Validates an (n, C) score matrix against y and returns C. */
    private static int checkScoreMatrix(String metric, int[] y, double[][] scores) {
        checkLengths(metric, y, scores == null ? -1 : scores.length, "scores");
        int c = width(metric, scores.length, i -> scores[i] == null ? -1 : scores[i].length, "scores");
        for (int i = 0; i < scores.length; i++) checkNoNaN(metric, scores[i], "scores row " + i);
        return c;
    }

    private static int width(String metric, int rows, java.util.function.IntUnaryOperator rowLength, String what) {
        int w = rowLength.applyAsInt(0);
        for (int i = 0; i < rows; i++) {
            int len = rowLength.applyAsInt(i);
            if (len < 0) throw new IllegalArgumentException(metric + ": " + what + " row " + i + " is null");
            if (len != w) {
                throw new IllegalArgumentException(metric + ": ragged " + what + ", row 0 has " + w
                        + " columns but row " + i + " has " + len);
            }
        }
        return w;
    }

    private static void checkRange(String metric, int[] labels, int numClasses, String what) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(metric + ": " + what + "[" + i + "] = " + labels[i]
                        + " is outside the " + numClasses + " classes [0, " + (numClasses - 1) + "]");
            }
        }
    }

    private static void checkNoNaN(String metric, double[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) throw new IllegalArgumentException(metric + ": NaN in " + what + " at " + i);
        }
    }

    private static int maxLabel(int[] y, int[] pred) {
        int max = 0;
        for (int i = 0; i < y.length; i++) max = Math.max(max, Math.max(y[i], pred[i]));
        return max;
    }
}
