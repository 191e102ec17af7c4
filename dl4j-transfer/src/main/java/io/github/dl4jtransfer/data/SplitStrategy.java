package io.github.dl4jtransfer.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@code data.split.DatasetSplit} cuts a dataset that ships no split of its own ({@link SplitSpec#strategy()}).
 *
 * <p>{@link #STRATIFIED_GROUPS} is ours and the default: label-stratified, patient/lesion-disjoint and
 * independent of row order. The two {@code STUDY_*} strategies reproduce how Palés Huix et al. (WACV 2024)
 * cut their data, so that a result here is measured on the very images theirs was: neither is stratified
 * nor group-aware, and both depend on the row order of the dataset's CSV (see {@code docs/datasets.md},
 * "The study's splits and labels", for the lines of their code each rule comes from).
 */
public enum SplitStrategy {

    /** Ours: stratified by label, groups kept whole, a seeded hash order (see {@code DatasetSplit}). */
    STRATIFIED_GROUPS("stratified_groups"),

    /**
     * The study's APTOS 2019 and ISIC 2019 cut: {@code random.Random(seed).shuffle} of the row indices
     * 0..n-1 of the CSV (CPython's Mersenne Twister, bit for bit); the first {@code int(n * (val + test))}
     * shuffled rows are held out, the rest is train; the held-out list's first {@code int(len / 2)} rows are
     * val, the others test. Needs {@code val == test}.
     */
    STUDY_SHUFFLE("study_shuffle"),

    /**
     * The study's CheXpert cut: rows sorted by their path, the first {@code int(n * (val + test)) + 15} of
     * them held out and halved into val and test, the rest train — with pandas' label-based {@code .loc}
     * slicing on the unsorted row numbers, whose exact outcome {@code data.split.StudySplits} documents.
     * No seed. Needs {@code val == test}.
     */
    STUDY_SORTED_PATHS("study_sorted_paths"),

    /** Read from a file another study published ({@code DatasetSplit.fromFile}); nothing to compute. */
    FILE("file");

    private final String key;

    SplitStrategy(String key) {
        this.key = key;
    }

    /** The name used in split manifests. */
    public String key() {
        return key;
    }

    public static SplitStrategy ofKey(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (SplitStrategy s : values()) {
            if (s.key.equals(k)) return s;
        }
        throw new IllegalArgumentException("unknown split strategy '" + key + "'; expected one of "
                + Arrays.stream(values()).map(SplitStrategy::key).collect(Collectors.joining(", ")));
    }
}
