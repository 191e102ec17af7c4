package io.github.dl4jtransfer.data.split;

import io.github.dl4jtransfer.data.Sample;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How much of a split's training set a cell trains on — the label-efficiency axis: all of it, a fraction of it
 * (stratified: each class keeps {@code ceil(fraction × its count)} images, at least one) or k images per class
 * ("k-shot"). Validation and test sets are never touched.
 * <p>
 * <b>Nested by construction</b>: the training units (images, or whole groups — patients, lesions — where the split
 * keeps groups together) are ranked once per seed by a seeded permutation; each stratum (a class; for multi-label
 * tasks each label's positives, and the images with no positive label) lists its members in that rank order and
 * contributes the units of its first {@code t} members; a subset is the union of those units. A larger target takes
 * a longer prefix of every stratum's list, so for the same seed a subset contains every subset whose per-class
 * targets are no larger: the 1% set is inside the 10% set, the 1-shot inside the 5-shot and inside the 1% set (a
 * 5-shot and a 10% set are not comparable where a class has fewer than 50 images). A unit pulled in by one stratum brings its other images along (a group's, or a multi-label image's
 * other labels), so a stratum can get more than its target, never less.
 *
 * @param fraction the share of each class to keep, in (0, 1]; 1 with {@code shots == 0} is the whole training set
 * @param shots    images per class (per label's positives for multi-label tasks), or 0 for a fraction
 */
public record TrainSubset(double fraction, int shots) {

    public static final TrainSubset ALL = new TrainSubset(1.0, 0);

    public TrainSubset {
        if (shots < 0) throw new IllegalArgumentException("shots must be >= 1, got " + shots);
        if (shots > 0) fraction = 1.0;
        else if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("a training fraction must be in (0, 1], got " + fraction);
    }

    public static TrainSubset fraction(double f) {
        return new TrainSubset(f, 0);
    }

    public static TrainSubset shots(int k) {
        if (k < 1) throw new IllegalArgumentException("shots must be >= 1, got " + k);
        return new TrainSubset(1.0, k);
    }

    public boolean isAll() {
        return shots == 0 && fraction == 1.0;
    }

    /**
     * The short name used in cell ids and results: {@code all}, {@code f0.01} (a fraction), {@code k5} (5 per
     * class). {@link #parse} reads it back.
     */
    public String id() {
        if (isAll()) return "all";
        if (shots > 0) return "k" + shots;
        return "f" + trim(fraction);
    }

    /** "1% of the training set", "5 per class", "the whole training set": for progress lines and reports. */
    public String describe() {
        if (isAll()) return "the whole training set";
        if (shots > 0) return shots + " per class";
        return trim(fraction * 100) + "% of the training set";
    }

    public static TrainSubset parse(String id) {
        if (id == null || id.isBlank() || id.equals("all")) return ALL;
        try {
            if (id.startsWith("k")) return shots(Integer.parseInt(id.substring(1)));
            if (id.startsWith("f")) return fraction(Double.parseDouble(id.substring(1)));
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("not a training subset: '" + id + "' (all, f<fraction> or k<shots per class>)");
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * The ids of the training samples this subset keeps, drawn for {@code seed}; all of them for {@link #ALL}.
     *
     * @param train      the split's training samples
     * @param seed       the cell's seed: each seed draws its own (nested) subsets
     * @param keepGroups draw whole groups (patients), as a group-aware split does
     */
    public Set<String> select(List<Sample> train, long seed, boolean keepGroups) {
        Set<String> all = new LinkedHashSet<>();
        for (Sample s : train) all.add(s.id());
        if (isAll()) return all;
        // Units in a seeded order: the sample itself, or its group where groups stay whole.
        Map<String, List<Sample>> units = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (Sample s : train) {
            String u = keepGroups ? s.groupOrId() : s.id();
            units.computeIfAbsent(u, k -> {
                order.add(k);
                return new ArrayList<>();
            }).add(s);
        }
        order.sort(null); // the draw must not depend on the reader's order, only on the seed
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x5DEECE66DL);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < order.size(); i++) rank.put(order.get(i), i);
        // Each stratum's members in rank order (a unit's own samples by id): its first t members' units are kept.
        Map<String, List<Sample>> members = new HashMap<>();
        for (String u : order) {
            List<Sample> inUnit = new ArrayList<>(units.get(u));
            inUnit.sort(java.util.Comparator.comparing(Sample::id));
            for (Sample s : inUnit) for (String st : strata(s)) members.computeIfAbsent(st, k -> new ArrayList<>()).add(s);
        }
        Set<String> keptUnits = new java.util.HashSet<>();
        for (List<Sample> m : members.values()) {
            int t = target(m.size());
            for (int i = 0; i < t; i++) keptUnits.add(keepGroups ? m.get(i).groupOrId() : m.get(i).id());
        }
        Set<String> kept = new LinkedHashSet<>();
        for (Sample s : train) if (keptUnits.contains(keepGroups ? s.groupOrId() : s.id())) kept.add(s.id());
        return kept;
    }

    private int target(int n) {
        if (shots > 0) return Math.min(shots, n);
        return Math.max(1, (int) Math.ceil(fraction * n - 1e-9));
    }

    /** The strata a sample counts for: its class, or (multi-label) each positive label, or "none". */
    private static List<String> strata(Sample s) {
        if (!s.isMultiLabel()) return List.of("c" + s.label());
        List<String> out = new ArrayList<>();
        float[] l = s.labels();
        for (int k = 0; k < l.length; k++) if (l[k] > 0.5f) out.add("l" + k);
        return out.isEmpty() ? List.of("none") : out;
    }
}
