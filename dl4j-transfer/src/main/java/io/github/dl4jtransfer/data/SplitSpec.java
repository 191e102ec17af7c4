package io.github.dl4jtransfer.data;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How to split a dataset that does not ship its own split (fractions of samples, seeded, and the
 * {@link SplitStrategy}), and whether to keep a shipped one. In {@code data} with {@link Split} because each
 * reader sets its format's default ({@link Dataset#defaultSplit()}); {@code data.split.DatasetSplit} carries
 * it out.
 *
 * @param keepShipped use the dataset's own split when it has one (DDSM lists, MedMNIST arrays); a
 *                    shipped split without a validation part gets {@code val} carved out of its train part
 * @param strategy    how the cut is made; {@link SplitStrategy#STRATIFIED_GROUPS} unless a study's own
 *                    cut is asked for ({@link #study(String)})
 */
public record SplitSpec(double train, double val, double test, long seed, boolean keepShipped, SplitStrategy strategy) {

    /** Seed of the study defaults; any fixed value works, what matters is that it is recorded. */
    public static final long DEFAULT_SEED = 42L;

    public SplitSpec {
        Objects.requireNonNull(strategy, "strategy");
        if (train <= 0 || val < 0 || test < 0 || Math.abs(train + val + test - 1.0) > 1e-9) {
            throw new IllegalArgumentException("split fractions must be positive and sum to 1, got train="
                    + train + " val=" + val + " test=" + test);
        }
        if ((strategy == SplitStrategy.STUDY_SHUFFLE || strategy == SplitStrategy.STUDY_SORTED_PATHS) && val != test) {
            throw new IllegalArgumentException("split strategy " + strategy.key() + " halves the held-out part into val and"
                    + " test, so val must equal test; got val=" + val + " test=" + test);
        }
    }

    /** A {@link SplitStrategy#STRATIFIED_GROUPS} spec (the form this record had before strategies). */
    public SplitSpec(double train, double val, double test, long seed, boolean keepShipped) {
        this(train, val, test, seed, keepShipped, SplitStrategy.STRATIFIED_GROUPS);
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

    /**
     * The cut the study itself made of a format's data, image for image: {@code aptos2019} 70/15/15 and
     * {@code isic2019} 80/10/10 by {@link SplitStrategy#STUDY_SHUFFLE} with seed 42, {@code chexpert}
     * 80/10/10 by {@link SplitStrategy#STUDY_SORTED_PATHS}, {@code ddsm} its shipped list files (as our
     * default). Why it is not our default: it ignores patients and lesions (ISIC images of one lesion and, at
     * the cut, CheXpert studies of one patient land in two parts) and depends on the CSV's row order.
     *
     * @throws IllegalArgumentException for a format the study did not use
     */
    public static SplitSpec study(String format) {
        return studyOf(format).orElseThrow(() -> new IllegalArgumentException("the study split aptos2019, isic2019, chexpert and ddsm;"
                + " it has no split for '" + format + "'. Use the format's default split, or DatasetSplit.fromFile with the split you have"));
    }

    /** {@link #study(String)}, or empty for a format the study did not use. */
    public static Optional<SplitSpec> studyOf(String format) {
        return Optional.ofNullable(switch (format.toLowerCase(Locale.ROOT)) {
            case "aptos2019" -> new SplitSpec(0.70, 0.15, 0.15, DEFAULT_SEED, true, SplitStrategy.STUDY_SHUFFLE);
            case "isic2019" -> new SplitSpec(0.80, 0.10, 0.10, DEFAULT_SEED, true, SplitStrategy.STUDY_SHUFFLE);
            case "chexpert" -> new SplitSpec(0.80, 0.10, 0.10, DEFAULT_SEED, true, SplitStrategy.STUDY_SORTED_PATHS);
            case "ddsm" -> eightyTenTen();
            default -> null;
        });
    }

    public SplitSpec withSeed(long s) {
        return new SplitSpec(train, val, test, s, keepShipped, strategy);
    }

    public SplitSpec withKeepShipped(boolean k) {
        return new SplitSpec(train, val, test, seed, k, strategy);
    }

    public SplitSpec withStrategy(SplitStrategy s) {
        return new SplitSpec(train, val, test, seed, keepShipped, s);
    }

    public double fraction(Split s) {
        return switch (s) {
            case TRAIN -> train;
            case VAL -> val;
            case TEST -> test;
        };
    }
}
