package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.train.EpochRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic small matrix: 2 models × 2 datasets × 2 scenarios × 2 seeds, plus one failed cell (a third seed
 * of dinov2 × isic × unfrozen-linear that must not move any mean). Headline values are chosen so that the
 * expected relative gains can be worked out by hand in the tests.
 */
final class ReportFixtures {

    static final String DINO = "dinov2-vitb14";
    static final String DEIT = "deit-b16";
    static final String APTOS = "aptos";
    static final String ISIC = "isic";
    static final String FL = "frozen-linear";
    static final String UL = "unfrozen-linear";

    static final String FAILED_ERROR = "java.lang.OutOfMemoryError: off-heap, limit 12G\n"
            + "  fix: raise <jvmArgs> -Dorg.bytedeco.javacpp.maxbytes, or lower batchSize\n"
            + "  detail: \"quoted\", <script>alert(1)</script>";

    /** Headline test metric per (model, dataset, scenario): seed 1, seed 2. */
    static final Map<String, double[]> TEST = new LinkedHashMap<>();

    static {
        // aptos: quadratic kappa
        TEST.put(DINO + "|" + APTOS + "|" + FL, new double[] {0.75, 0.77});
        TEST.put(DINO + "|" + APTOS + "|" + UL, new double[] {0.81, 0.83});
        TEST.put(DEIT + "|" + APTOS + "|" + FL, new double[] {0.70, 0.72});
        TEST.put(DEIT + "|" + APTOS + "|" + UL, new double[] {0.78, 0.80});
        // isic: balanced accuracy
        TEST.put(DINO + "|" + ISIC + "|" + FL, new double[] {0.66, 0.66});
        TEST.put(DINO + "|" + ISIC + "|" + UL, new double[] {0.70, 0.72});
        TEST.put(DEIT + "|" + ISIC + "|" + FL, new double[] {0.50, 0.60});
        TEST.put(DEIT + "|" + ISIC + "|" + UL, new double[] {0.60, 0.62});
    }

    static final String RESNET = "resnet152";
    static final String SAM = "sam-vitb";
    static final String FD = "frozen-deit";
    static final String UD = "unfrozen-deit";
    static final String LAST2 = "last2-linear";

    /**
     * The poster's layout in small: two ImageNet baselines (deit-b16, resnet152) and two foundation models
     * (dinov2, sam) × both classifiers × frozen/unfrozen × 2 datasets × 2 seeds (at mean ∓ 0.01). Mean headline
     * metric per model|scenario: {aptos, isic}. Traps: deit-b16 × frozen-deit and dinov2 × last2-linear score
     * highest of all and must stay out of the chart; deit's frozen-linear beats its unfrozen-linear on isic only,
     * and sam's linear classifier is better frozen on aptos but unfrozen on isic, so the per-task rule differs from
     * a per-model one.
     */
    static final Map<String, double[]> POSTER = new LinkedHashMap<>();

    static {
        POSTER.put(DEIT + "|" + FL, new double[] {0.70, 0.66});
        POSTER.put(DEIT + "|" + UL, new double[] {0.80, 0.65});
        POSTER.put(DEIT + "|" + FD, new double[] {0.95, 0.95});
        POSTER.put(RESNET + "|" + FL, new double[] {0.72, 0.58});
        POSTER.put(RESNET + "|" + UL, new double[] {0.76, 0.62});
        POSTER.put(DINO + "|" + FL, new double[] {0.78, 0.66});
        POSTER.put(DINO + "|" + UL, new double[] {0.84, 0.70});
        POSTER.put(DINO + "|" + FD, new double[] {0.82, 0.68});
        POSTER.put(DINO + "|" + UD, new double[] {0.86, 0.72});
        POSTER.put(DINO + "|" + LAST2, new double[] {0.97, 0.97});
        POSTER.put(SAM + "|" + FL, new double[] {0.76, 0.50});
        POSTER.put(SAM + "|" + UL, new double[] {0.72, 0.63});
        POSTER.put(SAM + "|" + FD, new double[] {0.60, 0.55});
        POSTER.put(SAM + "|" + UD, new double[] {0.64, 0.52});
    }

    private ReportFixtures() {
    }

    /** {@link #POSTER} as cells, models in the order deit, resnet, dinov2, sam. */
    static List<CellResult> posterMatrix() {
        List<CellResult> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : POSTER.entrySet()) {
            String[] k = e.getKey().split("\\|");
            for (int d = 0; d < 2; d++) {
                String dataset = d == 0 ? APTOS : ISIC;
                double m = e.getValue()[d];
                out.add(done(k[0], dataset, k[1], 1, m - 0.01));
                out.add(done(k[0], dataset, k[1], 2, m + 0.01));
            }
        }
        return out;
    }

    /** The mean of {@link #POSTER} for model × dataset × scenario. */
    static double posterMean(String model, String dataset, String scenario) {
        return POSTER.get(model + "|" + scenario)[dataset.equals(APTOS) ? 0 : 1];
    }

    static String metricOf(String dataset) {
        return dataset.equals(APTOS) ? "quadratic_kappa" : "balanced_accuracy";
    }

    /** Order: models dinov2 then deit, so the default baseline rule picks dinov2 × frozen-linear. */
    static List<CellResult> matrix() {
        List<CellResult> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : TEST.entrySet()) {
            String[] k = e.getKey().split("\\|");
            for (int s = 0; s < 2; s++) out.add(done(k[0], k[1], k[2], s + 1, e.getValue()[s]));
        }
        out.add(failed(new CellKey(DINO, ISIC, UL, 3)));
        return out;
    }

    static CellResult done(String model, String dataset, String scenario, long seed, double test) {
        String metric = metricOf(dataset);
        CellResult.TaskInfo task = new CellResult.TaskInfo(dataset.equals(APTOS) ? "aptos2019" : "isic2019",
                "single_label", dataset.equals(APTOS) ? List.of("0", "1", "2", "3", "4") : List.of("MEL", "NV", "BCC"),
                metric);
        // Validation a little above test, other metrics derived, so every column differs.
        double val = test + 0.02;
        Map<String, Double> valMetrics = new LinkedHashMap<>();
        valMetrics.put(metric, val);
        valMetrics.put("accuracy", val + 0.05);
        Map<String, Double> testMetrics = new LinkedHashMap<>();
        testMetrics.put(metric, test);
        testMetrics.put("accuracy", test + 0.05);
        testMetrics.put("macro_f1", test - 0.03);
        boolean unfrozen = scenario.startsWith("unfrozen");
        int epochs = unfrozen ? 5 : 4;
        int best = (int) (epochs - 1 - (seed % 2));
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            // Rises to the best epoch, then dips: a real-looking curve whose argmax is bestEpoch.
            double v = e <= best ? val - 0.05 * (best - e) : val - 0.01 * (e - best);
            history.add(new EpochRecord(e, 1.5 / (e + 1), v, 1e-3 * (epochs - e) / epochs, 1200 + 10L * e));
        }
        long trainable = unfrozen ? 86_000_000L : 3_845L;
        long frozen = unfrozen ? 0L : 86_000_000L;
        CellResult.Timings timings = new CellResult.Timings(unfrozen ? 95_000 : 12_000, unfrozen ? 0 : 8_000,
                unfrozen ? 90_000 : 3_000, 1_000, unfrozen ? 42.5 : 900.0, !unfrozen && seed > 1);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("epochs", epochs);
        config.put("lr", 1e-3);
        config.put("scenario", scenario);
        CellResult.Provenance prov = new CellResult.Provenance("exports/" + model + "/model.onnx", "sha-" + model, null,
                dataset.equals(APTOS) ? "aptos2019" : "isic2019", "/data/" + dataset, "dh-" + dataset, "sh-" + dataset,
                config, seed, Map.of("java", "17"), "CPU", "host (2 cores)", "2026-11-25T10:00:00Z", 0);
        return new CellResult(new CellKey(model, dataset, scenario, seed), CellResult.Status.DONE, null, task, valMetrics,
                testMetrics, history, best, false, timings, 3_500_000_000L, trainable, frozen, prov);
    }

    static CellResult failed(CellKey key) {
        // A worker that died: no metrics, a partial history with an undefined (NaN) validation value.
        List<EpochRecord> partial = List.of(new EpochRecord(0, 2.0, Double.NaN, 1e-3, 5000));
        return new CellResult(key, CellResult.Status.FAILED, FAILED_ERROR, null, Map.of(), Map.of(), partial, -1, false,
                new CellResult.Timings(30_000, 0, 30_000, 0, 0.0, false), 0L, 0L, 0L, null);
    }

    static double mean(double[] v) {
        return (v[0] + v[1]) / 2;
    }
}
