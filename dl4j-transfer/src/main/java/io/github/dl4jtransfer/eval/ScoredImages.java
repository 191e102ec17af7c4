package io.github.dl4jtransfer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A model's scores and the targets for each image of an evaluation set, as plain arrays: what a metric (and a
 * bootstrap resample of it) is computed from.
 *
 * @param scores  (N, K) per-class (or per-label) scores, logits or probabilities
 * @param classes single-label: the class index of each image; null for multi-label sets
 * @param targets multi-label: (N, L) 0/1 rows; null for single-label sets
 */
public record ScoredImages(double[][] scores, int[] classes, int[][] targets) {

    /** Redraws of a multi-label resample that lost a label's only positives (or negatives) before it is kept as is. */
    static final int MAX_REDRAWS = 100;

    public ScoredImages {
        if (scores == null || (classes == null) == (targets == null)) {
            throw new IllegalArgumentException("scores and exactly one of classes / targets are required");
        }
        int n = classes != null ? classes.length : targets.length;
        if (n != scores.length) throw new IllegalArgumentException(scores.length + " score rows but " + n + " targets");
    }

    public static ScoredImages singleLabel(double[][] scores, int[] classes) {
        return new ScoredImages(scores, classes, null);
    }

    public static ScoredImages multiLabel(double[][] scores, int[][] targets) {
        return new ScoredImages(scores, null, targets);
    }

    public int size() {
        return scores.length;
    }

    public boolean multiLabel() {
        return targets != null;
    }

    /** The images at {@code indices} (repeats allowed), in that order. */
    public ScoredImages subset(int[] indices) {
        double[][] z = new double[indices.length][];
        for (int i = 0; i < indices.length; i++) z[i] = scores[indices[i]];
        if (classes != null) {
            int[] y = new int[indices.length];
            for (int i = 0; i < indices.length; i++) y[i] = classes[indices[i]];
            return singleLabel(z, y);
        }
        int[][] t = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) t[i] = targets[indices[i]];
        return multiLabel(z, t);
    }

    /**
     * The headline metric of {@code evaluator}'s task on these images (a fresh copy of it is filled), or NaN where it is
     * undefined on them.
     */
    public double headline(Evaluator evaluator) {
        Evaluator e = evaluator.empty();
        if (classes != null) e.add(scores, classes);
        else e.add(scores, targets);
        return e.report().value(e.task().primary()).orElse(Double.NaN);
    }

    /**
     * {@code count} bootstrap resamples of the image indices, drawn from {@code seed}; each has N indices.
     * Single-label sets are resampled within each class (position i draws among the images of i's class), so every
     * resample keeps the test set's class counts: the class mix is the test set's design, not sampling noise, and
     * every class stays present, so AUCs and balanced accuracy stay defined. Multi-label sets are resampled whole,
     * and a resample in which a label that has both classes in the full set lost one is drawn again (up to
     * {@value #MAX_REDRAWS} times, then kept and scored by the evaluator's undefined-label rule): each label's AUC
     * stays defined without freezing the label combinations, most of which occur once.
     */
    public int[][] resamples(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = size();
        int[][] out = new int[count][];
        if (classes != null) {
            int max = Arrays.stream(classes).max().orElse(-1);
            List<List<Integer>> members = new ArrayList<>();
            for (int c = 0; c <= max; c++) members.add(new ArrayList<>());
            for (int i = 0; i < n; i++) members.get(classes[i]).add(i);
            for (int b = 0; b < count; b++) {
                int[] r = new int[n];
                for (int i = 0; i < n; i++) {
                    List<Integer> m = members.get(classes[i]);
                    r[i] = m.get(rnd.nextInt(m.size()));
                }
                out[b] = r;
            }
            return out;
        }
        boolean[] defined = bothClasses(targets, null);
        for (int b = 0; b < count; b++) {
            int[] r = new int[n];
            for (int attempt = 0; attempt <= MAX_REDRAWS; attempt++) {
                for (int i = 0; i < n; i++) r[i] = rnd.nextInt(n);
                if (keepsDefinedLabels(defined, r)) break;
            }
            out[b] = r;
        }
        return out;
    }

    private boolean keepsDefinedLabels(boolean[] defined, int[] r) {
        boolean[] now = bothClasses(targets, r);
        for (int l = 0; l < defined.length; l++) if (defined[l] && !now[l]) return false;
        return true;
    }

    /** Per label: both 0 and 1 occur among the rows {@code r} (all rows when null). */
    private static boolean[] bothClasses(int[][] t, int[] r) {
        int labels = t.length == 0 ? 0 : t[0].length;
        boolean[] pos = new boolean[labels], neg = new boolean[labels], out = new boolean[labels];
        int n = r == null ? t.length : r.length;
        for (int i = 0; i < n; i++) {
            int[] row = t[r == null ? i : r[i]];
            for (int l = 0; l < labels; l++) {
                if (row[l] == 1) pos[l] = true;
                else neg[l] = true;
            }
        }
        for (int l = 0; l < labels; l++) out[l] = pos[l] && neg[l];
        return out;
    }
}
