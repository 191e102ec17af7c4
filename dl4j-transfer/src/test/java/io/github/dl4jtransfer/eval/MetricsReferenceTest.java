package io.github.dl4jtransfer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

import static io.github.dl4jtransfer.eval.MetricFixtures.TOLERANCE;
import static io.github.dl4jtransfer.eval.MetricFixtures.cases;
import static io.github.dl4jtransfer.testing.JsonArrays.doubleMatrix;
import static io.github.dl4jtransfer.testing.JsonArrays.doubles;
import static io.github.dl4jtransfer.testing.JsonArrays.intMatrix;
import static io.github.dl4jtransfer.testing.JsonArrays.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/** Every metric against scikit-learn's values on the committed fixtures, to 1e-9. */
class MetricsReferenceTest {

    private static double maxDeviation = 0;
    private static int comparisons = 0;

    @AfterAll
    static void reportDeviation() {
        System.out.printf(Locale.ROOT, "[metrics] %d comparisons with scikit-learn, max |ours - sklearn| = %.3g%n",
                comparisons, maxDeviation);
    }

    private static DynamicTest check(String name, double expected, DoubleSupplier ours) {
        return dynamicTest(name, () -> {
            double actual = ours.getAsDouble();
            double deviation = Math.abs(actual - expected);
            synchronized (MetricsReferenceTest.class) {
                maxDeviation = Math.max(maxDeviation, deviation);
                comparisons++;
            }
            assertTrue(deviation <= TOLERANCE, name + ": ours " + actual + ", sklearn " + expected);
        });
    }

    @TestFactory
    List<DynamicTest> classificationMetrics() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases("classification.json")) {
            String name = c.get("name").asText();
            int[] y = ints(c.get("y"));
            int[] pred = ints(c.get("pred"));
            int k = c.get("num_classes").asInt();
            tests.add(check(name + " accuracy", c.get("accuracy").doubleValue(), () -> Metrics.accuracy(y, pred)));
            tests.add(check(name + " balanced_accuracy", c.get("balanced_accuracy").doubleValue(),
                    () -> Metrics.balancedAccuracy(y, pred)));
            tests.add(check(name + " macro_f1", c.get("macro_f1").doubleValue(), () -> Metrics.macroF1(y, pred)));
            tests.add(check(name + " quadratic_kappa", c.get("quadratic_kappa").doubleValue(),
                    () -> Metrics.quadraticWeightedKappa(y, pred, k)));
            tests.add(dynamicTest(name + " confusion_matrix", () -> assertArrayEquals(
                    intMatrix(c.get("confusion_matrix")), Metrics.confusionMatrix(y, pred, k))));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> binaryRocAuc() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases("binary_auc.json")) {
            int[] y = ints(c.get("y"));
            double[] score = doubles(c.get("score"));
            tests.add(check(c.get("name").asText(), c.get("roc_auc").doubleValue(), () -> Metrics.rocAuc(y, score)));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> oneVsRestRocAuc() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases("multiclass_auc.json")) {
            int[] y = ints(c.get("y"));
            double[][] probs = doubleMatrix(c.get("probs"));
            tests.add(check(c.get("name").asText(), c.get("roc_auc_ovr").doubleValue(),
                    () -> Metrics.rocAucOvr(y, probs)));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> multiLabelMeanRocAuc() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases("multilabel_auc.json")) {
            String name = c.get("name").asText();
            int[][] y = intMatrix(c.get("y"));
            double[][] scores = doubleMatrix(c.get("scores"));
            MultiLabelAuc ours = Metrics.meanRocAuc(y, scores);
            tests.add(check(name + " mean", c.get("mean_roc_auc").doubleValue(), ours::mean));
            JsonNode perLabel = c.get("per_label");
            for (int j = 0; j < perLabel.size(); j++) {
                int label = j;
                if (perLabel.get(j).isNull()) {
                    tests.add(dynamicTest(name + " label " + j + " skipped",
                            () -> assertTrue(Double.isNaN(ours.perLabel()[label]))));
                } else {
                    tests.add(check(name + " label " + j, perLabel.get(j).doubleValue(), () -> ours.perLabel()[label]));
                }
            }
            tests.add(dynamicTest(name + " skipped", () -> assertArrayEquals(ints(c.get("skipped")),
                    ours.skippedLabels())));
            tests.add(dynamicTest(name + " float targets", () -> {
                float[][] asFloat = new float[y.length][];
                for (int i = 0; i < y.length; i++) {
                    asFloat[i] = new float[y[i].length];
                    for (int j = 0; j < y[i].length; j++) asFloat[i][j] = y[i][j];
                }
                assertEquals(ours, Metrics.meanRocAuc(asFloat, scores));
            }));
        }
        return tests;
    }

    /** The fixtures must keep exercising what they were written for. */
    @Test
    void fixturesCoverTiesAndDegenerateColumns() {
        JsonNode meta = MetricFixtures.file("binary_auc.json").get("meta");
        assertFalse(meta.get("sklearn").asText().isEmpty());
        double[] tied = doubles(MetricFixtures.named("binary_auc.json", "rounded_scores_many_ties").get("score"));
        assertTrue(java.util.Arrays.stream(tied).distinct().count() < tied.length / 4, "expected heavy ties");
        assertTrue(MetricFixtures.named("multilabel_auc.json", "single_class_columns_skipped").get("skipped").size() >= 2);
        // The missing grade makes index weights and sklearn's default position weights disagree; the fixture
        // value is the index-weighted one.
        JsonNode missing = MetricFixtures.named("classification.json", "missing_middle_grade_6class");
        assertFalse(java.util.Arrays.stream(ints(missing.get("y"))).anyMatch(v -> v == 2));
    }
}
