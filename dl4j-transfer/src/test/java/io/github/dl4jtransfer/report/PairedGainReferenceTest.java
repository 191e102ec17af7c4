package io.github.dl4jtransfer.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dl4jtransfer.eval.Bootstrap;
import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.Evaluator;
import io.github.dl4jtransfer.eval.ScoredImages;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static io.github.dl4jtransfer.testing.JsonArrays.doubleMatrix;
import static io.github.dl4jtransfer.testing.JsonArrays.doubles;
import static io.github.dl4jtransfer.testing.JsonArrays.intMatrix;
import static io.github.dl4jtransfer.testing.JsonArrays.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The paired gain interval against numpy (tools/reference/make_bootstrap_fixtures.py, paired.json): given the
 * shared test resamples and the seeds drawn on each, the per-resample gain of a model over a reference, averaged
 * over two tasks, and its percentiles agree to 1e-9.
 */
class PairedGainReferenceTest {

    static final double TOLERANCE = 1e-9;

    @Test
    void pairedGainOverTasksAndSeedsEqualsNumpy() throws IOException {
        JsonNode c;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/bootstrap/paired.json")) {
            c = new ObjectMapper().readTree(in).get("case");
        }
        List<double[]> model = new ArrayList<>(), reference = new ArrayList<>();
        double maxDiff = 0;
        for (JsonNode task : c.get("tasks")) {
            int[] y = ints(task.get("targets"));
            int[][] resamples = intMatrix(task.get("resamples"));
            Evaluator ev = Evaluator.of(EvalTask.singleLabel(task.get("outputs").asInt()).withPrimary(task.get("metric").asText()));
            for (String group : List.of("model", "reference")) {
                JsonNode g = task.get("groups").get(group);
                double[][] values = new double[g.get("scores").size()][];
                for (int s = 0; s < values.length; s++) {
                    values[s] = Bootstrap.headlines(ScoredImages.singleLabel(doubleMatrix(g.get("scores").get(s)), y), ev, resamples);
                    assertArrayEquals(doubleMatrix(g.get("values"))[s], values[s], TOLERANCE, task.get("task") + " " + group + " seed " + s);
                }
                double[] means = PairedBootstrap.seedMeans(values, intMatrix(g.get("seed_draws")));
                double[] expected = doubles(g.get("means"));
                for (int b = 0; b < means.length; b++) maxDiff = Math.max(maxDiff, Math.abs(means[b] - expected[b]));
                assertArrayEquals(expected, means, TOLERANCE, task.get("task") + " " + group + " means");
                (group.equals("model") ? model : reference).add(means);
            }
        }
        double[] gain = PairedBootstrap.meanGain(model, reference, List.of(true, true));
        double[] expected = doubles(c.get("mean_gain"));
        for (int b = 0; b < gain.length; b++) maxDiff = Math.max(maxDiff, Math.abs(gain[b] - expected[b]));
        assertArrayEquals(expected, gain, TOLERANCE);
        ConfidenceInterval ci = Bootstrap.interval(gain, 0.95, 1);
        assertEquals(c.get("low").doubleValue(), ci.low(), TOLERANCE);
        assertEquals(c.get("high").doubleValue(), ci.high(), TOLERANCE);
        System.out.printf("paired gain vs numpy: max |diff| %.3g (interval [%.6f, %.6f])%n", maxDiff, ci.low(), ci.high());
    }

    @Test
    void oneSeedIsTheCellItselfAndSeveralAreDrawnWithReplacement() {
        int[][] one = PairedBootstrap.seedDraws(1, 50, 3);
        for (int[] d : one) assertArrayEquals(new int[]{0}, d);
        int[][] three = PairedBootstrap.seedDraws(3, 2000, 3);
        int[] counts = new int[3];
        boolean repeated = false;
        for (int[] d : three) {
            for (int s : d) counts[s]++;
            repeated |= d[0] == d[1] || d[1] == d[2] || d[0] == d[2];
        }
        for (int n : counts) assertEquals(2000.0, n, 200.0);
        assertEquals(true, repeated, "with replacement");
        // Lower-is-better metrics flip the sign, as the bar itself does.
        double[] g = PairedBootstrap.meanGain(List.of(new double[]{2}), List.of(new double[]{4}), List.of(false));
        assertEquals(50.0, g[0], 1e-12);
    }
}
