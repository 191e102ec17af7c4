package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.eval.Bootstrap;
import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.Evaluator;
import io.github.dl4jtransfer.eval.ScoredImages;
import io.github.dl4jtransfer.eval.UndefinedLabelAuc;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.TestPredictions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The report's bootstrap intervals, from the test predictions each cell stores: per dataset one set of resampled
 * test images ({@link ScoredImages#resamples}, the same draws each cell's own interval used), shared by every model,
 * so a gain is compared on the same images for both sides — a <em>paired</em> bootstrap, whose interval leaves out
 * the test set's difficulty that both models share. Where a group ran several seeds, each resample also draws the
 * seeds with replacement (per group, independently), so the interval covers training noise as well as test-set
 * noise; with one seed it is the cell's own interval.
 *
 * <p>A group has no interval when one of its finished cells has no stored predictions (results written before they
 * were), or its test images differ from the dataset's others (another split); a gain has none when any of its tasks
 * lacks the group's or the reference's.
 */
final class PairedBootstrap {

    /** dataset|model|scenario → the group's headline per resample (mean over the seeds drawn). */
    private final Map<String, double[]> means = new HashMap<>();

    private PairedBootstrap() {
    }

    static PairedBootstrap of(List<CellResult> results) {
        PairedBootstrap out = new PairedBootstrap();
        Map<String, List<CellResult>> byDataset = new LinkedHashMap<>();
        for (CellResult r : results) if (r.isDone()) byDataset.computeIfAbsent(r.key().dataset(), k -> new ArrayList<>()).add(r);
        for (Map.Entry<String, List<CellResult>> d : byDataset.entrySet()) {
            TestPredictions first = d.getValue().stream().map(CellResult::testPredictions).filter(p -> p != null).findFirst().orElse(null);
            if (first == null) continue;
            int[][] resamples = first.decode().resamples(Bootstrap.RESAMPLES, Bootstrap.SEED);
            Map<String, List<CellResult>> groups = new LinkedHashMap<>();
            for (CellResult r : d.getValue()) groups.computeIfAbsent(key(d.getKey(), r.key().model(), r.key().scenario()), k -> new ArrayList<>()).add(r);
            for (Map.Entry<String, List<CellResult>> g : groups.entrySet()) {
                List<CellResult> cells = new ArrayList<>(g.getValue());
                if (cells.stream().anyMatch(c -> c.testPredictions() == null || c.task() == null
                        || !c.testPredictions().idsSha256().equals(first.idsSha256()))) continue;
                cells.sort(Comparator.comparingLong(c -> c.key().seed()));
                double[][] values = new double[cells.size()][];
                for (int i = 0; i < values.length; i++) {
                    CellResult c = cells.get(i);
                    values[i] = Bootstrap.headlines(c.testPredictions().decode(), evaluator(c), resamples);
                }
                int[][] draws = seedDraws(values.length, resamples.length, Bootstrap.SEED ^ g.getKey().hashCode());
                out.means.put(g.getKey(), seedMeans(values, draws));
            }
        }
        return out;
    }

    /** The 95 % interval of a group's mean headline test metric; null when it has none (see the class comment). */
    ConfidenceInterval group(String dataset, String model, String scenario) {
        double[] m = means.get(key(dataset, model, scenario));
        if (m == null) return null;
        ConfidenceInterval ci = Bootstrap.interval(m, Bootstrap.LEVEL, Bootstrap.SEED);
        return Double.isNaN(ci.low()) ? null : ci;
    }

    /**
     * The paired 95 % interval of a bar's mean relative gain (in %) over a reference, over the tasks in
     * {@code barScenarioByDataset} (dataset → the bar's scenario there; the reference's in {@code referenceScenarioByDataset}).
     */
    ConfidenceInterval gain(String model, Map<String, String> barScenarioByDataset, String referenceModel,
                            Map<String, String> referenceScenarioByDataset, Map<String, String> metricByDataset) {
        if (barScenarioByDataset.isEmpty()) return null;
        List<double[]> bar = new ArrayList<>(), ref = new ArrayList<>();
        List<Boolean> higher = new ArrayList<>();
        for (Map.Entry<String, String> d : barScenarioByDataset.entrySet()) {
            String refScenario = referenceScenarioByDataset.get(d.getKey());
            double[] b = means.get(key(d.getKey(), model, d.getValue()));
            double[] r = refScenario == null ? null : means.get(key(d.getKey(), referenceModel, refScenario));
            if (b == null || r == null) return null;
            bar.add(b);
            ref.add(r);
            higher.add(Aggregates.higherIsBetter(metricByDataset.get(d.getKey())));
        }
        ConfidenceInterval ci = Bootstrap.interval(meanGain(bar, ref, higher), Bootstrap.LEVEL, Bootstrap.SEED);
        return Double.isNaN(ci.low()) ? null : ci;
    }

    /** Which seed (0..seeds-1) each resample draws, {@code seeds} draws with replacement; the identity for one seed. */
    static int[][] seedDraws(int seeds, int resamples, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] out = new int[resamples][seeds];
        for (int b = 0; b < resamples; b++) {
            for (int s = 0; s < seeds; s++) out[b][s] = seeds == 1 ? 0 : rnd.nextInt(seeds);
        }
        return out;
    }

    /** Per resample b, the mean of {@code values[s][b]} over the seeds s drawn for b (NaN if one of them is). */
    static double[] seedMeans(double[][] values, int[][] draws) {
        double[] out = new double[draws.length];
        for (int b = 0; b < draws.length; b++) {
            double sum = 0;
            for (int s : draws[b]) sum += values[s][b];
            out[b] = sum / draws[b].length;
        }
        return out;
    }

    /**
     * Per resample, the relative gain in % averaged over the tasks: (bar − reference) / |reference| × 100 per task,
     * the sign flipped where lower is better, as {@link Aggregates} computes the bar itself; NaN where a reference
     * value is 0 or undefined.
     */
    static double[] meanGain(List<double[]> bar, List<double[]> reference, List<Boolean> higherIsBetter) {
        int resamples = bar.get(0).length;
        double[] out = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sum = 0;
            for (int d = 0; d < bar.size(); d++) {
                double r = reference.get(d)[b];
                double g = r == 0 ? Double.NaN : (bar.get(d)[b] - r) / Math.abs(r) * 100.0;
                sum += higherIsBetter.get(d) ? g : -g;
            }
            out[b] = sum / bar.size();
        }
        return out;
    }

    /** The evaluator that produced a cell's headline metric: its task, its protocol's undefined-label rule, its score kind. */
    static Evaluator evaluator(CellResult c) {
        int outputs = c.task().classNames().size();
        EvalTask task = "multi_label".equals(c.task().type()) ? EvalTask.multiLabel(outputs) : EvalTask.singleLabel(outputs);
        return Evaluator.of(task.withPrimary(c.task().metric())).withUndefinedLabelAuc(undefinedLabelAuc(c))
                .withScores(c.testPredictions().kind());
    }

    private static UndefinedLabelAuc undefinedLabelAuc(CellResult c) {
        Object settings = c.provenance() == null || c.provenance().config() == null ? null : c.provenance().config().get("protocolSettings");
        Object rule = settings instanceof Map<?, ?> m ? m.get("undefinedLabelAuc") : null;
        return rule == null ? UndefinedLabelAuc.SKIP : UndefinedLabelAuc.valueOf(rule.toString().toUpperCase(Locale.ROOT));
    }

    private static String key(String dataset, String model, String scenario) {
        return dataset + "|" + model + "|" + scenario;
    }
}
