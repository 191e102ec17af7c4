package io.github.dl4jtransfer.data.synth;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The "done when": a simple baseline (logistic regression on 16×16 pixels, {@link Baseline})
 * beats chance on every synthmed task, on the study's split, scored with the study's metric on the
 * test part. Margins are well inside what the baseline reaches (see the printed numbers), so the test
 * fails when a generator stops putting its label into the pixels, not on noise.
 */
class SynthMedBaselineTest {

    static List<SynthMed.Entry> entries;

    @BeforeAll
    static void generate() {
        entries = SharedSynthMed.entries();
    }

    private static DatasetSplit split(int i) {
        Dataset ds = Datasets.read(entries.get(i).format(), entries.get(i).path());
        return DatasetSplit.of(ds);
    }

    private static Baseline fitted(DatasetSplit s, Baseline.Data train) {
        Baseline b = new Baseline(s.dataset().task().isMultiLabel(), s.dataset().task().numClasses());
        b.fit(train, 200, 0.05, 1e-2);
        return b;
    }

    private static int[] argmax(double[][] p) {
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) out[i] = Baseline.argmax(p[i]);
        return out;
    }

    private static void report(String task, String metric, double value, double chance) {
        System.out.printf(Locale.ROOT, "synthmed baseline %-9s %-17s %.3f (chance %.3f)%n", task, metric, value, chance);
    }

    @Test
    void aptosKappaAboveChance() {
        DatasetSplit s = split(0);
        Baseline.Data train = Baseline.load(s.dataset(), s.train()), test = Baseline.load(s.dataset(), s.test());
        double kappa = Baseline.quadraticKappa(test.label(), argmax(fitted(s, train).predict(test)), 5);
        report("aptos2019", "quadratic_kappa", kappa, 0);
        assertTrue(kappa > 0.3, "kappa " + kappa);
    }

    @Test
    void isicBalancedAccuracyAboveChance() {
        DatasetSplit s = split(1);
        Baseline.Data train = Baseline.load(s.dataset(), s.train()), test = Baseline.load(s.dataset(), s.test());
        double bacc = Baseline.balancedAccuracy(test.label(), argmax(fitted(s, train).predict(test)), 8);
        report("isic2019", "balanced_accuracy", bacc, 1 / 8.0);
        assertTrue(bacc > 0.3, "balanced accuracy " + bacc);
    }

    @Test
    void ddsmAucAboveChance() {
        DatasetSplit s = split(2);
        Baseline.Data train = Baseline.load(s.dataset(), s.train()), test = Baseline.load(s.dataset(), s.test());
        double[][] p = fitted(s, train).predict(test);
        double[] score = new double[p.length];
        boolean[] pos = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            score[i] = p[i][1];
            pos[i] = test.label()[i] == 1;
        }
        double auc = Baseline.auc(score, pos);
        report("ddsm", "roc_auc", auc, 0.5);
        assertTrue(auc > 0.6, "AUC " + auc);
    }

    @Test
    void chexpertMeanAucAboveChance() {
        DatasetSplit s = split(3);
        Baseline.Data train = Baseline.load(s.dataset(), s.train()), test = Baseline.load(s.dataset(), s.test());
        double[][] p = fitted(s, train).predict(test);
        List<Double> aucs = new ArrayList<>();
        for (int k = 0; k < 14; k++) {
            double[] score = new double[p.length];
            boolean[] pos = new boolean[p.length];
            for (int i = 0; i < p.length; i++) {
                score[i] = p[i][k];
                pos[i] = test.y()[i][k] > 0.5f;
            }
            double a = Baseline.auc(score, pos);
            if (!Double.isNaN(a)) aucs.add(a);
        }
        double mean = aucs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        report("chexpert", "mean_roc_auc", mean, 0.5);
        System.out.println("  (over the " + aucs.size() + " labels with both classes in the test split)");
        assertTrue(aucs.size() >= 10, "labels scored: " + aucs.size());
        assertTrue(mean > 0.6, "mean AUC " + mean);
    }
}
