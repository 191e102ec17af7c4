package io.github.dl4jtransfer.data;

/**
 * How to split a dataset that does not ship its own split (fractions of samples, seeded), and whether
 * to keep a shipped one. In {@code data} with {@link Split} because each reader sets its format's default
 * ({@link Dataset#defaultSplit()}); {@code data.split.DatasetSplit} carries it out.
 *
 * @param keepShipped use the dataset's own split when it has one (DDSM lists, MedMNIST arrays); a
 *                    shipped split without a validation part gets {@code val} carved out of its train part
 */
public record SplitSpec(double train, double val, double test, long seed, boolean keepShipped) {

    /** Seed of the study defaults; any fixed value works, what matters is that it is recorded. */
    public static final long DEFAULT_SEED = 42L;

    public SplitSpec {
        if (train <= 0 || val < 0 || test < 0 || Math.abs(train + val + test - 1.0) > 1e-9) {
            throw new IllegalArgumentException("split fractions must be positive and sum to 1, got train="
                    + train + " val=" + val + " test=" + test);
        }
    }

    public static SplitSpec of(double train, double val, double test, long seed) {
        return new SplitSpec(train, val, test, seed, true);
    }

    /** APTOS 2019 in the study: 70/15/15. */
    public static SplitSpec aptos() {
        return of(0.70, 0.15, 0.15, DEFAULT_SEED);
    }

    /** ISIC 2019 in the study (and our default for everything else without a shipped split): 80/10/10. */
    public static SplitSpec eightyTenTen() {
        return of(0.80, 0.10, 0.10, DEFAULT_SEED);
    }

    public SplitSpec withSeed(long s) {
        return new SplitSpec(train, val, test, s, keepShipped);
    }

    public SplitSpec withKeepShipped(boolean k) {
        return new SplitSpec(train, val, test, seed, k);
    }

    public double fraction(Split s) {
        return switch (s) {
            case TRAIN -> train;
            case VAL -> val;
            case TEST -> test;
        };
    }
}
