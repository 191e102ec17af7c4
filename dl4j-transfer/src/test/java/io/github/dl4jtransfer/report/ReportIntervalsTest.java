package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.eval.Bootstrap;
import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.Evaluator;
import io.github.dl4jtransfer.eval.ScoreKind;
import io.github.dl4jtransfer.eval.ScoredImages;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.TestPredictions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Intervals in the report, from cells that store their test predictions: each group's interval, the paired interval
 * of each relative-gain bar, the marker on bars whose interval excludes 0, and what is shown without predictions.
 */
class ReportIntervalsTest {

    static final String DATASET = "ddsm";
    static final int N = 80;
    static final int[] Y = IntStream.range(0, N).map(i -> i % 2).toArray();
    static final List<String> IDS = IntStream.range(0, N).mapToObj(i -> "img" + i).toList();
    static final Evaluator AUC = Evaluator.of(EvalTask.singleLabel(2).withPrimary("roc_auc"));

    /** Logits whose margin carries {@code signal} times the class plus noise from {@code noiseSeed}. */
    static double[][] logits(double signal, long noiseSeed) {
        SplittableRandom r = new SplittableRandom(noiseSeed);
        double[][] z = new double[N][2];
        for (int i = 0; i < N; i++) z[i][1] = (float) (signal * Y[i] + r.nextGaussian());
        return z;
    }

    static CellResult cell(String model, String scenario, long seed, double[][] z) {
        ScoredImages images = ScoredImages.singleLabel(z, Y);
        TestPredictions p = TestPredictions.of(images, ScoreKind.LOGITS, IDS, 2);
        double auc = p.decode().headline(AUC);
        ConfidenceInterval ci = Bootstrap.interval(p.decode(), AUC);
        return new CellResult(new CellKey(model, DATASET, scenario, seed), CellResult.Status.DONE, null,
                new CellResult.TaskInfo("ddsm", "single_label", List.of("benign", "malignant"), "roc_auc"), Map.of("roc_auc", auc),
                Map.of("roc_auc", auc), List.of(), 0, false, new CellResult.Timings(10, 0, 10, 1, 0, false), 0, 10, 100, null)
                .withTestPredictions(ci, p);
    }

    static List<CellResult> cells() {
        List<CellResult> out = new ArrayList<>();
        double[][] reference = logits(0.4, 1);
        out.add(cell("deit-b16", "frozen-linear", 1, reference));
        out.add(cell("dinov2-vitb14", "frozen-linear", 1, logits(3.0, 2)));   // far better: its interval excludes 0
        out.add(cell("dinov2-vitb14", "frozen-linear", 2, logits(2.5, 3)));
        out.add(cell("sam-vitb", "frozen-linear", 1, reference));           // the same scores: a gain of exactly 0
        return out;
    }

    @Test
    void groupsAndBarsGetIntervalsAndSignificantBarsAreMarked(@TempDir Path out) throws Exception {
        List<CellResult> cells = cells();
        ReportOptions options = ReportOptions.builder().baseline("deit-b16", "frozen-linear").build();
        Aggregates agg = Aggregates.compute(cells, options);

        // One seed: the group's interval is the cell's own (same resamples, same arithmetic).
        Aggregates.GroupSummary deit = group(agg, "deit-b16");
        assertEquals(cells.get(0).testInterval(), deit.testInterval());
        // Two seeds: drawn with replacement as well, so the group's interval is neither cell's.
        Aggregates.GroupSummary dino = group(agg, "dinov2-vitb14");
        assertNotNull(dino.testInterval());
        assertNotEquals(cells.get(1).testInterval(), dino.testInterval());
        assertNotEquals(cells.get(2).testInterval(), dino.testInterval());

        Aggregates.RelativeGain dinoGain = gain(agg, "dinov2-vitb14"), samGain = gain(agg, "sam-vitb"), base = gain(agg, "deit-b16");
        assertTrue(dinoGain.significant(), dinoGain.toString());
        assertTrue(dinoGain.interval().low() > 0 && dinoGain.interval().low() <= dinoGain.meanGainPercent() + 1e-9);
        // Paired: identical scores give a gain of 0 on every resample, so the interval is [0, 0], not a wide one.
        assertEquals(0.0, samGain.interval().low(), 0);
        assertEquals(0.0, samGain.interval().high(), 0);
        assertFalse(samGain.significant());
        assertFalse(base.significant());

        ReportWriter.write(cells, out, options);
        String md = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        String dinoRow = md.lines().filter(l -> l.contains("DINOv2 ViT-B/14 · frozen + linear |") && l.contains("%")).findFirst().orElseThrow();
        assertTrue(dinoRow.contains("] " + ReportTables.SIGNIFICANT + " |"), dinoRow);
        String samRow = md.lines().filter(l -> l.contains("SAM ViT-B · frozen + linear |") && l.contains("%")).findFirst().orElseThrow();
        assertTrue(samRow.contains("| [+0.00 %, +0.00 %] |"), samRow);
        assertTrue(md.contains("| " + ReportTables.interval(deit.testInterval(), 4) + " |"), md);
        String svg = Files.readString(out.resolve(ReportWriter.GAIN_SVG));
        assertTrue(svg.contains("whiskers: paired bootstrap 95 % CI"), "the chart says what the whiskers are");
        assertTrue(svg.contains(" % " + ReportTables.SIGNIFICANT + "<") || svg.contains(" % " + ReportTables.SIGNIFICANT + "</"),
                "the significant bar's label carries the marker");
        String html = Files.readString(out.resolve(ReportWriter.HTML));
        assertTrue(html.contains("95 % CI (paired)"));
        String csv = Files.readString(out.resolve(ReportWriter.CSV));
        assertTrue(csv.lines().findFirst().orElseThrow().contains("test_primary_ci_low,test_primary_ci_high"));
        assertTrue(csv.contains(Double.toString(cells.get(0).testInterval().low())), csv);

        // results.json carries the intervals and reads back.
        ResultsDocument doc = ReportWriter.readResultsJson(out.resolve(ReportWriter.JSON));
        assertEquals(dinoGain.interval(), doc.aggregates().gains().stream().filter(g -> g.model().equals("dinov2-vitb14"))
                .findFirst().orElseThrow().interval());
        assertEquals(cells.get(1).testPredictions(), doc.cells().get(1).testPredictions());
    }

    @Test
    void withoutStoredPredictionsOrOnTheValSplitThereIsNoPairedInterval() {
        List<CellResult> cells = new ArrayList<>(cells());
        // A result written before predictions were stored: its bar, and the groups it belongs to, have none.
        CellResult old = cells.remove(3);
        cells.add(old.withTestPredictions(null, null));
        Aggregates agg = Aggregates.compute(cells, ReportOptions.builder().baseline("deit-b16", "frozen-linear").build());
        assertNull(gain(agg, "sam-vitb").interval());
        assertNull(group(agg, "sam-vitb").testInterval());
        assertNotNull(gain(agg, "dinov2-vitb14").interval());

        Aggregates val = Aggregates.compute(cells(), ReportOptions.builder().baseline("deit-b16", "frozen-linear")
                .split(ReportOptions.MetricSplit.VAL).build());
        assertTrue(val.gains().stream().allMatch(g -> g.interval() == null), "gains on val have no test resamples");
    }

    private static Aggregates.GroupSummary group(Aggregates agg, String model) {
        return agg.groups().stream().filter(g -> g.model().equals(model)).findFirst().orElseThrow();
    }

    private static Aggregates.RelativeGain gain(Aggregates agg, String model) {
        return agg.gains().stream().filter(g -> g.model().equals(model)).findFirst().orElseThrow();
    }
}
