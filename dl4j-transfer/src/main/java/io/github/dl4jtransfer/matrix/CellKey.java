package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.split.TrainSubset;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One cell of a benchmark matrix: a backbone transferred to a dataset under a scenario with a seed.
 *
 * @param model    backbone name as the plan gives it ("dinov2-vitb14")
 * @param dataset  dataset name as the plan gives it ("aptos")
 * @param scenario scenario name ("frozen-linear", "unfrozen-deit", "last2-linear"…)
 * @param seed     training seed (head initialisation, shuffling, augmentation)
 * @param subset   how much of the training set the cell trains on, as {@link TrainSubset#id()}: {@code all}
 *                 (also for results written before the label-efficiency axis), {@code f0.1}, {@code k5}
 */
public record CellKey(String model, String dataset, String scenario, long seed, String subset) {

    public CellKey {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(scenario, "scenario");
        subset = TrainSubset.parse(subset).id(); // one spelling per subset ("f0.10" → "f0.1"), "all" when absent
    }

    /** A cell on the whole training set. */
    public CellKey(String model, String dataset, String scenario, long seed) {
        this(model, dataset, scenario, seed, TrainSubset.ALL.id());
    }

    /** The training subset this cell trains on. */
    public TrainSubset trainSubset() {
        return TrainSubset.parse(subset);
    }

    /**
     * File-name-safe id, unique per cell: {@code model__dataset__scenario__s1}, plus {@code __f0.1} / {@code __k5} for
     * a cell on part of the training set (a cell on all of it keeps the id it had before that axis existed). Distinct
     * cells have distinct ids (see {@link #safe}); ids of names made only of letters, digits, '.', '-' and single inner
     * '_' are the names themselves, as results written before ids were made injective named them, so those runs
     * still resume.
     */
    public String id() {
        String base = safe(model) + SEPARATOR + safe(dataset) + SEPARATOR + safe(scenario) + SEPARATOR + "s" + seed;
        return trainSubset().isAll() ? base : base + SEPARATOR + subset;
    }

    /** "dinov2-vitb14 × aptos × frozen-linear seed 1" (+ " on 10% of the training set"), for progress lines and errors. */
    public String describe() {
        String base = model + " × " + dataset + " × " + scenario + " seed " + seed;
        return trainSubset().isAll() ? base : base + " on " + trainSubset().describe();
    }

    private static final String SEPARATOR = "__";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9.-]+(_[A-Za-z0-9.-]+)*");

    /**
     * {@code s} as a file-name part, injectively: a plain name (letters, digits, '.', '-', and '_' only between
     * two of those, so never "__" nor at an end) is kept as it is; any other name has every byte of its UTF-8
     * form outside letters, digits, '.' and '-' written as {@code %XX} ('x/y' → 'x%2Fy', 'a__b' → 'a%5F%5Fb').
     * Encoded names contain '%', which plain names never do, and no '_' at all, so no two names share a part and
     * the "__" between the parts of {@link #id()} is never ambiguous. (Replacing characters by '_', as before, sent
     * 'x/y' and 'x_y' to one file: the second cell overwrote the first.)
     */
    static String safe(String s) {
        if (PLAIN.matcher(s).matches()) return s;
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-')) out.append((char) c);
            else out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
        }
        return out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
