package io.github.dl4jtransfer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.github.dl4jtransfer.testing.JsonArrays.doubleMatrix;
import static io.github.dl4jtransfer.testing.JsonArrays.intMatrix;
import static io.github.dl4jtransfer.testing.JsonArrays.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Bootstrap} against numpy and scikit-learn (tools/reference/make_bootstrap_fixtures.py): on the same given
 * resample indices, the headline metric of every resample and the interval's ends agree to 1e-9; and the resamples
 * the Java side draws itself keep what the stratification promises.
 */
class BootstrapReferenceTest {

    static final double TOLERANCE = 1e-9;

    static JsonNode fixture(String name) throws IOException {
        try (InputStream in = BootstrapReferenceTest.class.getResourceAsStream("/fixtures/bootstrap/" + name)) {
            if (in == null) throw new IllegalStateException("run /usr/bin/python3 tools/reference/make_bootstrap_fixtures.py");
            return new ObjectMapper().readTree(in);
        }
    }

    static ScoredImages images(JsonNode c) {
        double[][] scores = doubleMatrix(c.get("scores"));
        return c.get("multi_label").asBoolean() ? ScoredImages.multiLabel(scores, intMatrix(c.get("targets")))
                : ScoredImages.singleLabel(scores, ints(c.get("targets")));
    }

    static Evaluator evaluator(JsonNode c) {
        int k = c.get("outputs").asInt();
        EvalTask task = c.get("multi_label").asBoolean() ? EvalTask.multiLabel(k) : EvalTask.singleLabel(k).withPrimary(c.get("metric").asText());
        return Evaluator.of(task).withScores(ScoreKind.valueOf(c.get("kind").asText().toUpperCase()));
    }

    @Test
    void resampledMetricsAndIntervalsEqualNumpyOnGivenResamples() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        fixture("cells.json").get("cases").forEach(cases::add);
        assertEquals(6, cases.size());
        double maxDiff = 0;
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            int[][] resamples = intMatrix(c.get("resamples"));
            double[] values = Bootstrap.headlines(images(c), evaluator(c), resamples);
            JsonNode expected = c.get("values");
            assertEquals(expected.size(), values.length);
            for (int b = 0; b < values.length; b++) {
                if (expected.get(b).isNull()) {
                    assertTrue(Double.isNaN(values[b]), name + " resample " + b + " is undefined in the reference");
                    continue;
                }
                maxDiff = Math.max(maxDiff, Math.abs(values[b] - expected.get(b).doubleValue()));
                assertEquals(expected.get(b).doubleValue(), values[b], TOLERANCE, name + " resample " + b);
            }
            ConfidenceInterval ci = Bootstrap.interval(values, 0.95, 7);
            maxDiff = Math.max(maxDiff, Math.max(Math.abs(ci.low() - c.get("low").doubleValue()), Math.abs(ci.high() - c.get("high").doubleValue())));
            assertEquals(c.get("low").doubleValue(), ci.low(), TOLERANCE, name + " low");
            assertEquals(c.get("high").doubleValue(), ci.high(), TOLERANCE, name + " high");
            assertEquals(values.length, ci.resamples());
        }
        System.out.printf("bootstrap vs numpy: %d cases, max |diff| %.3g%n", cases.size(), maxDiff);
    }

    @Test
    void percentilesInterpolateAsNumpyAndSkipUndefinedResamples() {
        double[] v = {5, 1, Double.NaN, 3, 2, 4};
        ConfidenceInterval ci = Bootstrap.interval(v, 0.5, 1);
        // numpy.percentile([1, 2, 3, 4, 5], [25, 75]) = [2, 4]; the NaN is counted, not used.
        assertEquals(2.0, ci.low(), 0);
        assertEquals(4.0, ci.high(), 0);
        assertEquals(1, ci.undefined());
        assertEquals(1.1, Bootstrap.percentile(new double[]{1, 2}, 0.1), 1e-15);
        assertTrue(Double.isNaN(Bootstrap.interval(new double[]{Double.NaN}, 0.95, 1).low()));
    }

    @Test
    void singleLabelResamplesKeepEveryClassCountAndAreSeeded() {
        int[] y = {0, 0, 0, 0, 0, 0, 0, 1, 2, 2};
        double[][] z = new double[y.length][3];
        ScoredImages set = ScoredImages.singleLabel(z, y);
        int[][] r = set.resamples(Bootstrap.RESAMPLES, Bootstrap.SEED);
        assertEquals(Bootstrap.RESAMPLES, r.length);
        boolean varied = false;
        for (int[] idx : r) {
            int[] counts = new int[3];
            for (int i = 0; i < idx.length; i++) {
                assertEquals(y[i], y[idx[i]], "position " + i + " draws within its class");
                counts[y[idx[i]]]++;
            }
            assertArrayEquals(new int[]{7, 1, 2}, counts);
            varied |= !Arrays.equals(idx, r[0]);
        }
        assertTrue(varied, "resamples differ from one another");
        assertTrue(Arrays.deepEquals(r, set.resamples(Bootstrap.RESAMPLES, Bootstrap.SEED)), "same seed, same resamples");
        assertNotEquals(Arrays.deepHashCode(r), Arrays.deepHashCode(set.resamples(Bootstrap.RESAMPLES, Bootstrap.SEED + 1)));
    }

    @Test
    void multiLabelResamplesKeepEveryDefinedLabelDefined() {
        // Label 1 has a single positive among 30 images: a plain resample loses it about 36 % of the time.
        int[][] t = new int[30][3];
        for (int i = 0; i < 30; i++) {
            t[i][0] = i % 2;
            t[i][2] = 0; // never positive: undefined in the full set, so no constraint
        }
        t[4][1] = 1;
        ScoredImages set = ScoredImages.multiLabel(new double[30][3], t);
        for (int[] idx : set.resamples(Bootstrap.RESAMPLES, Bootstrap.SEED)) {
            boolean pos1 = false;
            for (int i : idx) pos1 |= t[i][1] == 1;
            assertTrue(pos1, "label 1 keeps its positive in every resample");
        }
    }
}
