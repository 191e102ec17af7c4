package io.github.dl4jtransfer.report;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.Collection;
import java.util.Locale;

/**
 * Summary of one quantity measured over several seeds (a metric, epochs to best…).
 *
 * <p>The standard deviation is the <em>sample</em> one (n − 1 in the denominator): the seeds are a sample of
 * possible training runs, and the study reports the spread one should expect from a rerun. With a single
 * seed there is no spread to estimate, so {@code std} and the confidence interval are NaN (shown as "—"),
 * never 0, which would claim a certainty the data does not have.
 *
 * @param n        finite values used
 * @param mean     their mean; NaN when {@code n == 0}
 * @param std      sample standard deviation; NaN when {@code n < 2}
 * @param ci95     half-width of the two-sided 95 % confidence interval of the mean (Student's t with n − 1
 *                 degrees of freedom); NaN when {@code n < 2}
 * @param skipped  values left out because they were NaN or infinite (undefined metric, failed run)
 */
public record SeedStats(int n, double mean, double std, double ci95, int skipped) {

    /** Two-sided 95 % Student-t quantiles t(0.975, df) for df = 1..30; larger df use the normal 1.96. */
    private static final double[] T975 = {
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    public static final SeedStats EMPTY = new SeedStats(0, Double.NaN, Double.NaN, Double.NaN, 0);

    public static SeedStats of(double... values) {
        int n = 0;
        int skipped = 0;
        double sum = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                n++;
                sum += v;
            } else {
                skipped++;
            }
        }
        if (n == 0) return new SeedStats(0, Double.NaN, Double.NaN, Double.NaN, skipped);
        double mean = sum / n;
        if (n == 1) return new SeedStats(1, mean, Double.NaN, Double.NaN, skipped);
        // Two-pass variance: the values are close to each other (same model, different seeds), where the
        // one-pass sum-of-squares formula loses most of its digits to cancellation.
        double ss = 0;
        for (double v : values) {
            if (Double.isFinite(v)) ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        double ci = tQuantile975(n - 1) * std / Math.sqrt(n);
        return new SeedStats(n, mean, std, ci, skipped);
    }

    public static SeedStats of(Collection<? extends Number> values) {
        double[] a = new double[values.size()];
        int i = 0;
        for (Number v : values) a[i++] = v == null ? Double.NaN : v.doubleValue();
        return of(a);
    }

    /** t(0.975, df); df beyond the table uses 1.96 (the t quantile is within 2 % of it from df = 30 on). */
    static double tQuantile975(int df) {
        if (df < 1) return Double.NaN;
        return df <= T975.length ? T975[df - 1] : 1.96;
    }

    @JsonIgnore // not a component: keep it out of results.json
    public boolean isEmpty() {
        return n == 0;
    }

    /** "0.8123 ± 0.0150", "0.8123 ± —" for one seed, "—" for none; {@code decimals} digits after the point. */
    public String format(int decimals) {
        if (n == 0) return "—";
        return fmt(mean, decimals) + " ± " + (Double.isNaN(std) ? "—" : fmt(std, decimals));
    }

    static String fmt(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "—";
    }
}
