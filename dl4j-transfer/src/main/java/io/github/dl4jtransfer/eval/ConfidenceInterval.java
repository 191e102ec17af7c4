package io.github.dl4jtransfer.eval;

/**
 * A bootstrap percentile interval.
 *
 * @param low       the (1 − level) / 2 percentile of the resampled statistic (numpy's default, linear interpolation)
 * @param high      the (1 + level) / 2 percentile
 * @param level     0.95 for a 95 % interval
 * @param resamples resamples drawn
 * @param undefined resamples on which the statistic was undefined (NaN), left out of the percentiles
 * @param seed      the seed the resamples were drawn from
 */
public record ConfidenceInterval(double low, double high, double level, int resamples, int undefined, long seed) {

    /** Whether the interval lies wholly above or wholly below {@code value} (for a gain: the difference is not noise). */
    public boolean excludes(double value) {
        return low > value || high < value;
    }
}
