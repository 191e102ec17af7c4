package io.github.dl4jtransfer.eval;

import java.util.Arrays;

/**
 * Bootstrap confidence intervals over test images: the headline metric recomputed on resamples of the test set
 * ({@link ScoredImages#resamples}), and the 2.5th and 97.5th percentiles of what comes out. 1,000 resamples from a
 * fixed seed, so a cell's interval is reproducible from its stored predictions; every model scored on the same test
 * set gets the same resamples, which is what makes a paired comparison of two models paired.
 */
public final class Bootstrap {

    public static final int RESAMPLES = 1000;
    public static final long SEED = 20240107L;
    public static final double LEVEL = 0.95;

    private Bootstrap() {
    }

    /** The 95 % interval of {@code evaluator}'s headline metric on {@code images}, from the default resamples. */
    public static ConfidenceInterval interval(ScoredImages images, Evaluator evaluator) {
        return interval(headlines(images, evaluator, images.resamples(RESAMPLES, SEED)), LEVEL, SEED);
    }

    /** The headline metric on each resample (NaN where it is undefined there). */
    public static double[] headlines(ScoredImages images, Evaluator evaluator, int[][] resamples) {
        double[] out = new double[resamples.length];
        for (int b = 0; b < resamples.length; b++) out[b] = images.subset(resamples[b]).headline(evaluator);
        return out;
    }

    /** The percentile interval of {@code values} at {@code level}, NaN values left out and counted. */
    public static ConfidenceInterval interval(double[] values, double level, long seed) {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        double[] finite = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int undefined = values.length - finite.length;
        if (finite.length == 0) return new ConfidenceInterval(Double.NaN, Double.NaN, level, values.length, undefined, seed);
        return new ConfidenceInterval(percentile(finite, (1 - level) / 2), percentile(finite, (1 + level) / 2), level,
                values.length, undefined, seed);
    }

    /**
     * The q-quantile of ascending {@code sorted} values by linear interpolation between the two nearest ranks, as
     * numpy's {@code percentile} does by default (position q·(n − 1)).
     */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double t = pos - lo;
        double a = sorted[lo], b = sorted[hi];
        // numpy's lerp: from the nearer end, so that t = 1 gives b exactly.
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    }
}
