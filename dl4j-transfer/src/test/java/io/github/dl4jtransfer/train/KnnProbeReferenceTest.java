package io.github.dl4jtransfer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.Evaluator;
import io.github.dl4jtransfer.eval.MetricKind;
import io.github.dl4jtransfer.eval.ScoreKind;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.github.dl4jtransfer.testing.JsonArrays.doubleMatrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KnnProbe} against a brute-force numpy reference (tools/reference/make_knn_fixtures.py): the same neighbours
 * in the same order, ties at the k-th place and equal vote totals included, and the same scores.
 */
class KnnProbeReferenceTest {

    static final double TOLERANCE = 1e-12;

    static List<JsonNode> cases() throws IOException {
        try (InputStream in = KnnProbeReferenceTest.class.getResourceAsStream("/fixtures/knn/knn.json")) {
            if (in == null) throw new IllegalStateException("run /usr/bin/python3 tools/reference/make_knn_fixtures.py");
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(out::add);
            return out;
        }
    }

    static double[][] targets(JsonNode c) {
        JsonNode labels = c.get("labels");
        if (c.get("multi_label").asBoolean()) return doubleMatrix(labels);
        double[][] out = new double[labels.size()][c.get("outputs").asInt()];
        for (int i = 0; i < out.length; i++) out[i][labels.get(i).asInt()] = 1;
        return out;
    }

    @Test
    void neighboursAndScoresEqualTheBruteForceReference() throws IOException {
        List<JsonNode> cases = cases();
        assertTrue(cases.size() >= 10, "fixture has " + cases.size() + " cases");
        double maxDiff = 0;
        int tieCases = 0;
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            KnnProbe probe = KnnProbe.of(doubleMatrix(c.get("train")), targets(c), c.get("k").asInt(), c.get("temperature").asDouble());
            double[][] queries = doubleMatrix(c.get("queries"));
            double[][] expected = doubleMatrix(c.get("scores"));
            double[][] scores = probe.scores(queries);
            for (int i = 0; i < queries.length; i++) {
                int[] want = Arrays.stream(doubleMatrix(c.get("neighbours"))[i]).mapToInt(v -> (int) v).toArray();
                assertArrayEquals(want, probe.neighbours(queries[i]).indices(), name + " query " + i + " neighbours");
                for (int j = 0; j < expected[i].length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(scores[i][j] - expected[i][j]));
                    assertEquals(expected[i][j], scores[i][j], TOLERANCE, name + " query " + i + " score " + j);
                }
            }
            if (!c.get("multi_label").asBoolean()) {
                // The predicted class, equal votes included, is the evaluator's arg-max of the probabilities.
                Evaluator ev = new Evaluator(EvalTask.singleLabel(c.get("outputs").asInt())).withScores(ScoreKind.PROBABILITIES);
                int[] predicted = new int[queries.length];
                for (int i = 0; i < predicted.length; i++) predicted[i] = c.get("predicted").get(i).asInt();
                // Accuracy of the reference's own predictions as targets is 1 only if every arg-max agrees.
                double acc = ev.add(scores, predicted).report().get(MetricKind.ACCURACY);
                assertEquals(1.0, acc, 0.0, name + ": predicted classes");
            }
            if (name.startsWith("ties")) tieCases++;
        }
        assertEquals(5, tieCases);
        System.out.printf("kNN vs numpy reference: %d cases, max |score diff| %.3g%n", cases.size(), maxDiff);
    }

    @Test
    void tiesAreBrokenAsDocumented() throws IOException {
        JsonNode c = cases().stream().filter(n -> n.get("name").asText().equals("ties_at_kth_k2")).findFirst().orElseThrow();
        KnnProbe probe = KnnProbe.of(doubleMatrix(c.get("train")), targets(c), 2, 0);
        double[] copy = doubleMatrix(c.get("train"))[2];
        // Copies at 2, 5 and 8 tie for the nearest: the earlier two win, and their votes (classes 2 and 1) tie.
        assertArrayEquals(new int[]{2, 5}, probe.neighbours(copy).indices());
        assertArrayEquals(new double[]{0, 0.5, 0.5}, probe.scores(new double[][]{copy})[0], 0.0);
    }

    @Test
    void fitsFromCachedArraysAsTheRouteDoes() throws IOException {
        JsonNode c = cases().get(0);
        double[][] train = doubleMatrix(c.get("train"));
        INDArray features = Nd4j.createFromArray(train).castTo(DataType.FLOAT);
        int[] labels = new int[c.get("labels").size()];
        for (int i = 0; i < labels.length; i++) labels[i] = c.get("labels").get(i).asInt();
        INDArray classIndices = Nd4j.createFromArray(labels).castTo(DataType.FLOAT);
        KnnProbe probe = KnnProbe.fit(features, classIndices, HeadSpec.singleLabel(c.get("outputs").asInt()), 11, 0);
        INDArray scores = probe.scores(Nd4j.createFromArray(doubleMatrix(c.get("queries"))).castTo(DataType.FLOAT));
        double[][] expected = doubleMatrix(c.get("scores"));
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], scores.getRow(i).toDoubleVector(), TOLERANCE);
        // (N, 1) class columns are read as class indices too.
        KnnProbe column = KnnProbe.fit(features, classIndices.reshape(labels.length, 1), HeadSpec.singleLabel(4), 11, 0);
        assertArrayEquals(expected[0], column.scores(new double[][]{doubleMatrix(c.get("queries"))[0]})[0], TOLERANCE);
    }

    @Test
    void rejectsWhatItCannotVoteOn() {
        assertThrows(IllegalArgumentException.class, () -> KnnProbe.of(new double[0][], new double[0][], 3, 0));
        assertThrows(IllegalArgumentException.class, () -> KnnProbe.of(new double[][]{{1, Double.NaN}}, new double[][]{{1, 0}}, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> KnnProbe.of(new double[][]{{1, 0}}, new double[][]{{1, 0}}, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> KnnProbe.of(new double[][]{{1, 0}}, new double[][]{{1, 0}}, 1, -1));
        assertEquals(1, KnnProbe.of(new double[][]{{1, 0}}, new double[][]{{1, 0}}, 11, 0).k());
    }
}
