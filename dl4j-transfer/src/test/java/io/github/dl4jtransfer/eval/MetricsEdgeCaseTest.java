package io.github.dl4jtransfer.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-checked values, ties, degenerate data and malformed input. */
class MetricsEdgeCaseTest {

    private static final int[] EMPTY = new int[0];

    private static IllegalArgumentException fails(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    private static UndefinedMetricException undefined(Executable call, MetricKind metric, String... fragments) {
        UndefinedMetricException e = assertThrows(UndefinedMetricException.class, call);
        assertEquals(metric, e.metric());
        assertTrue(e.getMessage().startsWith(metric.metricName() + ": "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    @Test
    void emptyInputIsRejectedByEveryMetricWithItsName() {
        fails(() -> Metrics.accuracy(EMPTY, EMPTY), "accuracy", "empty");
        fails(() -> Metrics.balancedAccuracy(EMPTY, EMPTY), "balanced_accuracy", "empty");
        fails(() -> Metrics.macroF1(EMPTY, EMPTY), "macro_f1", "empty");
        fails(() -> Metrics.quadraticWeightedKappa(EMPTY, EMPTY, 3), "quadratic_kappa", "empty");
        fails(() -> Metrics.confusionMatrix(EMPTY, EMPTY, 3), "confusion_matrix", "empty");
        fails(() -> Metrics.rocAuc(EMPTY, new double[0]), "roc_auc", "empty");
        fails(() -> Metrics.rocAucOvr(EMPTY, new double[0][]), "roc_auc_ovr", "empty");
        fails(() -> Metrics.meanRocAuc(new int[0][], new double[0][]), "mean_roc_auc", "empty");
        fails(() -> Metrics.meanRocAuc(new int[3][0], new double[3][0]), "mean_roc_auc", "no labels");
    }

    @Test
    void lengthMismatchAndNullAreRejected() {
        int[] three = {0, 1, 1};
        int[] two = {0, 1};
        fails(() -> Metrics.accuracy(three, two), "accuracy", "length mismatch", "3", "2");
        fails(() -> Metrics.macroF1(null, two), "macro_f1", "null");
        fails(() -> Metrics.rocAuc(three, new double[] {0.1, 0.2}), "roc_auc", "length mismatch");
        fails(() -> Metrics.rocAucOvr(three, new double[][] {{0.5, 0.5}}), "roc_auc_ovr", "length mismatch");
        fails(() -> Metrics.meanRocAuc(new int[][] {{0, 1}, {1, 0}}, new double[][] {{0.1, 0.2}}), "mean_roc_auc",
                "length mismatch");
        fails(() -> Metrics.meanRocAuc(new int[][] {{0, 1}, {1, 0}}, new double[][] {{0.1, 0.2}, {0.3}}),
                "mean_roc_auc", "ragged");
        fails(() -> Metrics.meanRocAuc(new int[][] {{0, 1}, {1, 0}}, new double[][] {{0.1}, {0.3}}),
                "mean_roc_auc", "2 labels", "1 columns");
    }

    @Test
    void labelsMustBeValidClassIndices() {
        fails(() -> Metrics.accuracy(new int[] {0, -1}, new int[] {0, 0}), "accuracy", ">= 0");
        fails(() -> Metrics.confusionMatrix(new int[] {0, 3}, new int[] {0, 1}, 3), "y[1] = 3", "[0, 2]");
        fails(() -> Metrics.quadraticWeightedKappa(new int[] {0, 1}, new int[] {0, 5}, 3), "pred[1] = 5");
        fails(() -> Metrics.quadraticWeightedKappa(new int[] {0, 0}, new int[] {0, 0}, 1), "numClasses");
        fails(() -> Metrics.rocAuc(new int[] {0, 2}, new double[] {0.1, 0.2}), "roc_auc", "0 or 1");
        fails(() -> Metrics.rocAucOvr(new int[] {0, 3}, new double[][] {{0.5, 0.5}, {0.5, 0.5}}), "roc_auc_ovr",
                "y[1] = 3");
        fails(() -> Metrics.meanRocAuc(new int[][] {{0}, {2}}, new double[][] {{0.1}, {0.2}}), "0 or 1");
        fails(() -> Metrics.meanRocAuc(new float[][] {{0f}, {0.5f}}, new double[][] {{0.1}, {0.2}}), "0 or 1");
    }

    @Test
    void confusionMatrixHasTrueClassesAsRows() {
        int[][] cm = Metrics.confusionMatrix(new int[] {0, 0, 1, 2, 2, 2}, new int[] {0, 1, 1, 2, 0, 2}, 4);
        assertArrayEquals(new int[][] {{1, 1, 0, 0}, {0, 1, 0, 0}, {1, 0, 2, 0}, {0, 0, 0, 0}}, cm);
    }

    @Test
    void balancedAccuracyAndMacroF1FollowSklearnLabelSets() {
        int[] y = {0, 0, 1, 1};
        int[] pred = {0, 2, 1, 1};
        // recall: class 0 1/2, class 1 2/2; class 2 (only predicted) has no recall and is left out
        assertEquals(0.75, Metrics.balancedAccuracy(y, pred), 0);
        // F1: class 0 2/3, class 1 1, class 2 0 (zero_division=0, in y_pred so it counts)
        assertEquals((2.0 / 3 + 1 + 0) / 3, Metrics.macroF1(y, pred), 1e-15);
        assertEquals(0.75, Metrics.accuracy(y, pred), 0);
    }

    @Test
    void rocAucHandCheckedWithAndWithoutTies() {
        assertEquals(0.75, Metrics.rocAuc(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}), 0);
        // pairs: (0.5 vs 0.5) tie = 1/2, (0.5 vs 0.2) = 1, (0.9 vs both) = 2 -> 3.5 / 4
        assertEquals(0.875, Metrics.rocAuc(new int[] {0, 1, 0, 1}, new double[] {0.5, 0.5, 0.2, 0.9}), 0);
        assertEquals(0.5, Metrics.rocAuc(new int[] {0, 1, 1, 0, 1}, new double[] {3, 3, 3, 3, 3}), 0);
        assertEquals(0.5, Metrics.rocAuc(new int[] {0, 1}, new double[] {-0.0, 0.0}), 0, "-0.0 ties 0.0");
        assertEquals(1.0, Metrics.rocAuc(new int[] {0, 1, 1}, new double[] {Double.NEGATIVE_INFINITY, 0,
                Double.POSITIVE_INFINITY}), 0, "infinite logits rank normally");
    }

    @Test
    void rocAucIsIndependentOfSampleOrderBitForBit() {
        Random r = new Random(7);
        int n = 500;
        int[] y = new int[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4) == 0 ? 1 : 0;
            s[i] = Math.round(r.nextGaussian() * 4 + y[i]) / 4.0; // quarter steps: many ties
        }
        double auc = Metrics.rocAuc(y, s);
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates on both arrays together
            int j = r.nextInt(i + 1);
            int ty = y[i]; y[i] = y[j]; y[j] = ty;
            double ts = s[i]; s[i] = s[j]; s[j] = ts;
        }
        assertEquals(auc, Metrics.rocAuc(y, s), 0);
        assertEquals(auc, naiveAuc(y, s), 1e-12, "pairwise definition");
    }

    private static double naiveAuc(int[] y, double[] s) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                if (y[i] == 1 && y[j] == 0) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        return wins / pairs;
    }

    @Test
    void singleClassInYTrueMakesAucUndefined() {
        undefined(() -> Metrics.rocAuc(new int[] {1, 1, 1}, new double[] {0.2, 0.4, 0.9}), MetricKind.ROC_AUC,
                "only one class", "3 samples are positive");
        undefined(() -> Metrics.rocAucOvr(new int[] {0, 2, 0}, new double[][] {{0.5, 0.2, 0.3}, {0.1, 0.1, 0.8},
                {0.6, 0.2, 0.2}}), MetricKind.MACRO_ROC_AUC_OVR, "classes [1]", "absent from y_true");
    }

    @Test
    void ovrNeedsProbabilities() {
        fails(() -> Metrics.rocAucOvr(new int[] {0, 1, 2}, new double[][] {{2, 0, 0}, {0, 1, 0}, {0, 0, 1}}),
                "roc_auc_ovr", "softmax", "row 0 sums to 2.0");
        fails(() -> Metrics.rocAucOvr(new int[] {0, 0}, new double[][] {{1}, {1}}), "at least 2");
        fails(() -> Metrics.rocAucOvr(new int[] {0, 1}, new double[][] {{Double.NaN, 1}, {0, 1}}), "NaN");
        // Two classes: both columns give the binary AUC of the positive class.
        double[][] p = {{0.9, 0.1}, {0.3, 0.7}, {0.6, 0.4}, {0.2, 0.8}};
        int[] y = {0, 1, 1, 0};
        assertEquals(Metrics.rocAuc(y, new double[] {0.1, 0.7, 0.4, 0.8}), Metrics.rocAucOvr(y, p), 1e-15);
    }

    @Test
    void meanRocAucSkipsSingleClassLabelsAndFailsWhenAllAre() {
        int[][] y = {{0, 1, 0}, {1, 1, 0}, {0, 1, 1}, {1, 1, 0}};
        double[][] s = {{0.1, 0.5, 0.3}, {0.9, 0.2, 0.1}, {0.4, 0.7, 0.8}, {0.8, 0.1, 0.2}};
        MultiLabelAuc auc = Metrics.meanRocAuc(y, s);
        assertArrayEquals(new int[] {1}, auc.skippedLabels());
        assertTrue(Double.isNaN(auc.perLabel()[1]));
        assertEquals(1.0, auc.perLabel()[0], 0);
        assertEquals(1.0, auc.perLabel()[2], 0);
        assertEquals(1.0, auc.mean(), 0);
        assertEquals(2, auc.usedLabels());

        undefined(() -> Metrics.meanRocAuc(new int[][] {{0, 1}, {0, 1}}, new double[][] {{0.1, 0.2}, {0.3, 0.4}}),
                MetricKind.MEAN_ROC_AUC, "every one of the 2 labels");
    }

    @Test
    void kappaDegenerateCasesAreDefinedOrClearlyUndefined() {
        // Both raters use one and the same class: 0/0, sklearn gives NaN; we refuse.
        undefined(() -> Metrics.quadraticWeightedKappa(new int[] {2, 2, 2}, new int[] {2, 2, 2}, 5),
                MetricKind.QUADRATIC_KAPPA, "one and the same class (2)");
        // One class in y_true but predictions vary: agreement no better than chance -> exactly 0 (as sklearn).
        assertEquals(0.0, Metrics.quadraticWeightedKappa(new int[] {1, 1, 1, 1}, new int[] {0, 1, 2, 1}, 3), 0);
        // Constant but different ratings: every disagreement is expected -> 0.
        assertEquals(0.0, Metrics.quadraticWeightedKappa(new int[] {0, 0}, new int[] {3, 3}, 4), 0);
        assertEquals(1.0, Metrics.quadraticWeightedKappa(new int[] {0, 3, 1}, new int[] {0, 3, 1}, 4), 0);
        assertEquals(-1.0, Metrics.quadraticWeightedKappa(new int[] {0, 1, 2, 3}, new int[] {3, 2, 1, 0}, 4), 0);
    }

    @Test
    void kappaWeighsByClassIndexNotByPresence() {
        // Grade 1 unused; a 0<->2 confusion must cost (0-2)^2 = 4, not (0-1)^2.
        int[] y = {0, 0, 2, 2, 3};
        int[] pred = {0, 2, 2, 0, 3};
        double withGap = Metrics.quadraticWeightedKappa(y, pred, 4);
        int[] yPacked = {0, 0, 1, 1, 2};
        int[] predPacked = {0, 1, 1, 0, 2};
        double packed = Metrics.quadraticWeightedKappa(yPacked, predPacked, 3);
        assertTrue(Math.abs(withGap - packed) > 1e-3, withGap + " vs " + packed);
    }
}
