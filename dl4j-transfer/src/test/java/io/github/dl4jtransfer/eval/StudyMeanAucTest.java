package io.github.dl4jtransfer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static io.github.dl4jtransfer.eval.MetricFixtures.TOLERANCE;
import static io.github.dl4jtransfer.testing.JsonArrays.doubleMatrix;
import static io.github.dl4jtransfer.testing.JsonArrays.doubles;
import static io.github.dl4jtransfer.testing.JsonArrays.ints;
import static io.github.dl4jtransfer.testing.JsonArrays.intMatrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UndefinedLabelAuc#HALF}, the study's multi-label mean ROC AUC (utils/metrics.py mean_roc_auc): a label
 * without positives counts 0.5 and the mean is over all labels. Reference values are the study's formula run
 * with sklearn, sample weights included (fixture from tools/reference/make_split_fixtures.py).
 */
class StudyMeanAucTest {

    private static List<JsonNode> cases() {
        try (InputStream in = StudyMeanAucTest.class.getResourceAsStream("/fixtures/splits/study_mean_auc.json")) {
            if (in == null) throw new IllegalStateException("run /usr/bin/python3 tools/reference/make_split_fixtures.py");
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void halfRuleMatchesTheStudysMeanRocAucComputedWithSklearn() {
        for (JsonNode c : cases()) {
            int[][] y = intMatrix(c.get("y"));
            double[][] scores = doubleMatrix(c.get("scores"));
            MultiLabelAuc auc = Metrics.meanRocAuc(y, scores, UndefinedLabelAuc.HALF);
            String name = c.get("name").asText();
            assertEquals(c.get("mean").asDouble(), auc.mean(), TOLERANCE, name);
            assertArrayEquals(doubles(c.get("per_label")), auc.perLabel(), TOLERANCE, name);
            assertArrayEquals(ints(c.get("empty_labels")), auc.skippedLabels(), name);
            assertEquals(y[0].length, auc.usedLabels(), name);
            assertEquals(UndefinedLabelAuc.HALF, auc.rule());
        }
    }

    @Test
    void ourDefaultSkipsUndefinedLabelsSoItDiffersFromTheStudy() {
        JsonNode c = cases().stream().filter(x -> x.get("name").asText().equals("chexpert_like")).findFirst().orElseThrow();
        int[][] y = intMatrix(c.get("y"));
        double[][] scores = doubleMatrix(c.get("scores"));
        MultiLabelAuc ours = Metrics.meanRocAuc(y, scores);
        assertEquals(UndefinedLabelAuc.SKIP, ours.rule());
        assertEquals(11, ours.usedLabels());
        assertNotEquals(c.get("mean").asDouble(), ours.mean(), 1e-6);
        // The two means are related exactly: study = (11 * ours + 3 * 0.5) / 14.
        assertEquals(c.get("mean").asDouble(), (11 * ours.mean() + 3 * 0.5) / 14, TOLERANCE);
    }

    @Test
    void halfRuleNeverThrowsAndCountsAllPositiveColumnsHalfToo() {
        int[][] y = {{1, 0}, {1, 0}, {1, 0}};
        double[][] s = {{0.1, 0.3}, {0.2, 0.2}, {0.3, 0.1}};
        assertThrows(UndefinedMetricException.class, () -> Metrics.meanRocAuc(y, s));
        MultiLabelAuc half = Metrics.meanRocAuc(y, s, UndefinedLabelAuc.HALF);
        assertEquals(0.5, half.mean(), 0.0);
        assertArrayEquals(new int[] {0, 1}, half.skippedLabels());
        assertEquals(half, Metrics.meanRocAuc(new float[][] {{1, 0}, {1, 0}, {1, 0}}, s, UndefinedLabelAuc.HALF));
    }

    @Test
    void evaluatorReportsTheStudysMeanWhenAsked() {
        double[][] z = {{2.0, -1.0, 0.3}, {-1.0, 0.5, 0.1}, {0.5, 0.2, -0.2}, {-2.0, -0.1, 0.0}};
        double[][] t = {{1, 0, 0}, {0, 0, 0}, {1, 0, 0}, {0, 1, 0}};
        MetricReport ours = Evaluator.multiLabel(3).add(Nd4j.createFromArray(z), Nd4j.createFromArray(t)).report();
        Evaluator study = Evaluator.multiLabel(3).withUndefinedLabelAuc(UndefinedLabelAuc.HALF);
        assertEquals(UndefinedLabelAuc.HALF, study.withPrimary("mean_roc_auc").undefinedLabelAuc(), "kept by withPrimary");
        MetricReport r = study.add(Nd4j.createFromArray(z), Nd4j.createFromArray(t)).report();
        // Label 0: both positives above both negatives, AUC 1. Label 1: its one positive (-0.1) is above one of
        // three negatives, AUC 1/3. Label 2: no positive, undefined.
        double label1 = 1.0 / 3;
        assertEquals((1.0 + label1 + 0.5) / 3, r.primary(), TOLERANCE);
        assertEquals((1.0 + label1) / 2, ours.primary(), TOLERANCE);
        assertTrue(r.primary() != ours.primary());
    }
}
