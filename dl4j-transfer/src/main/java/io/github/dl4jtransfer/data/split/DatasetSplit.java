package io.github.dl4jtransfer.data.split;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.SplitSpec;
import io.github.dl4jtransfer.data.SplitStrategy;
import io.github.dl4jtransfer.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which split every sample of a dataset is in, how it was made, and its manifest file.
 *
 * <h2>How a split is made ({@link #of})</h2>
 * Splitting is over <b>groups</b> (patient, lesion, case: {@link Sample#groupOrId()}), so no group ever
 * lands in two splits. Groups are <b>stratified</b> by a label key (single-label: the group's most
 * common class; multi-label: its rarest positive label, or "none"), and each stratum is dealt out
 * greedily: every group goes to the split furthest below its target share of that stratum (ties go to
 * the split furthest below its target overall), so even three-group strata come out train/train/val
 * and the next one train/train/test. Within a stratum groups are visited in the order of a seeded hash
 * of their id, not of a shuffled list: adding or removing one group moves only a few others, and the
 * result does not depend on the order the reader listed samples in.
 *
 * <p>That is {@link SplitStrategy#STRATIFIED_GROUPS}, the default. {@link SplitStrategy#STUDY_SHUFFLE} and
 * {@link SplitStrategy#STUDY_SORTED_PATHS} instead reproduce the cuts of Palés Huix et al. image for image
 * ({@link StudySplits}, {@link SplitSpec#study(String)}): row-order dependent and neither stratified nor
 * group-aware, which {@link #leakingGroups()} shows. {@link #fromFile} imports a split another study published.
 *
 * <p>A dataset that ships a split keeps it when {@link SplitSpec#keepShipped()}; a part it does not ship
 * (no validation list, say) is carved out of its train part in the spec's proportions
 * ({@code val / (train + val)} of it), the same group-aware way.
 *
 * <h2>Manifest</h2>
 * {@link #write} records the assignment with the spec and the dataset's content hash as JSON;
 * {@link #loadOrCreate} reuses it on every later run, so all runs of a study share one split.
 */
public final class DatasetSplit {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MANIFEST_VERSION = 1;

    private final Dataset dataset;
    private final SplitSpec spec;
    private final Map<String, Split> assignment;

    private DatasetSplit(Dataset dataset, SplitSpec spec, Map<String, Split> assignment) {
        this.dataset = dataset;
        this.spec = spec;
        this.assignment = Map.copyOf(assignment);
    }

    /** The dataset's own default split ({@link Dataset#defaultSplit()}). */
    public static DatasetSplit of(Dataset ds) {
        return of(ds, ds.defaultSplit());
    }

    public static DatasetSplit of(Dataset ds, SplitSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Map<String, Split> a = new HashMap<>();
        if (spec.keepShipped() && ds.hasShippedSplit()) {
            a.putAll(ds.shippedSplit());
            // Parts the dataset does not ship (DDSM without val.txt, an ImageFolder with train/ only) are
            // carved out of its train part in the spec's proportions, group-aware like any other split.
            double[] carve = {spec.train(), 0, 0};
            if (!a.containsValue(Split.VAL)) carve[1] = spec.val();
            if (!a.containsValue(Split.TEST)) carve[2] = spec.test();
            if (carve[1] + carve[2] > 0) {
                double sum = carve[0] + carve[1] + carve[2];
                for (int k = 0; k < 3; k++) carve[k] /= sum;
                List<Sample> train = ds.samples().stream().filter(s -> a.get(s.id()) == Split.TRAIN).toList();
                a.putAll(assign(ds, train, carve, spec.seed()));
            }
        } else {
            switch (spec.strategy()) {
                case STRATIFIED_GROUPS -> a.putAll(assign(ds, ds.samples(), new double[]{spec.train(), spec.val(), spec.test()}, spec.seed()));
                case STUDY_SHUFFLE -> a.putAll(byRow(ds, StudySplits.shuffled(rowIds(ds, spec).size(), spec.val() + spec.test(), spec.seed())));
                case STUDY_SORTED_PATHS -> a.putAll(byRow(ds, sortedPaths(ds, spec)));
                case FILE -> throw new IllegalArgumentException("a split of strategy 'file' is read, not made: use DatasetSplit.fromFile");
            }
        }
        return new DatasetSplit(ds, spec, a);
    }

    /**
     * The study's cuts index the rows of the dataset's CSV, so the samples must be those rows, all of them, in
     * file order: a skipped image would shift every later row number and change the split.
     */
    private static List<String> rowIds(Dataset ds, SplitSpec spec) {
        if (ds.skippedCount() > 0) {
            throw new DatasetException(ds.root() + ": split strategy " + spec.strategy().key() + " numbers the rows of the"
                    + " dataset's file as the study did, but " + ds.skippedCount() + " image(s) were skipped as bad (first: "
                    + ds.skipped().get(0) + "), which would shift every later row. Restore or fix those images and read"
                    + " without skipBadImages, or use the stratified split");
        }
        return ds.samples().stream().map(Sample::id).toList();
    }

    private static StudySplits.Parts sortedPaths(Dataset ds, SplitSpec spec) {
        try {
            return StudySplits.sortedPaths(rowIds(ds, spec), spec.val() + spec.test(), StudySplits.CHEXPERT_EXTRA_ROWS);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(ds.root() + ": " + e.getMessage() + ". This cut is made for CheXpert's train.csv"
                    + " (200k rows); use the stratified split for a small dataset", e);
        }
    }

    private static Map<String, Split> byRow(Dataset ds, StudySplits.Parts parts) {
        Map<String, Split> a = new HashMap<>();
        List<Sample> samples = ds.samples();
        parts.assignment().forEach((row, s) -> a.put(samples.get(row).id(), s));
        return a;
    }

    /**
     * The split recorded in {@code manifest} when it exists (checked against the dataset and the spec),
     * otherwise a new one made with {@code spec} and written there.
     */
    public static DatasetSplit loadOrCreate(Path manifest, Dataset ds, SplitSpec spec) {
        if (Files.isRegularFile(manifest)) {
            DatasetSplit s = read(manifest, ds);
            if (!s.spec.equals(spec)) {
                throw new DatasetException(manifest + ": split manifest was made with " + describe(s.spec) + " but this run asks for "
                        + describe(spec) + ". Use the recorded spec, or delete the manifest to re-split (results made with the old split then no longer compare).");
            }
            return s;
        }
        DatasetSplit s = of(ds, spec);
        s.write(manifest);
        return s;
    }

    /**
     * The split another study published, read from {@code file} and matched to {@code ds}'s samples, so a
     * result here is measured on its test images:
     * <ul>
     *   <li>a CSV or TSV of {@code id,split} rows (split {@code train}, {@code val} or {@code test}; {@code valid},
     *       {@code eval}, ... are understood), with or without a header row naming a {@code split} column and an id
     *       column ({@code id}, {@code path}, {@code image}, ...);</li>
     *   <li>a folder with {@code train.txt}, {@code val.txt} and {@code test.txt}, one id per line
     *       ({@link #fromLists});</li>
     *   <li>our own manifest ({@code .json}, {@link #write}), as {@link #read}.</li>
     * </ul>
     * Ids match a sample's id exactly, or up to leading folders and the file extension where that names a
     * single sample. Every id must name a sample and every sample must be listed: both fail with the file,
     * examples and the fix, since a split that silently drops or adds images is no longer the other study's.
     * The resulting {@link #spec()} has strategy {@code file} and the fractions the file gives.
     */
    public static DatasetSplit fromFile(Path file, Dataset ds) {
        if (Files.isDirectory(file)) {
            return fromLists(ds, file.resolve("train.txt"), file.resolve("val.txt"), file.resolve("test.txt"));
        }
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) return read(file, ds);
        return imported(ds, SplitFiles.match(ds, SplitFiles.table(file), file.toString()));
    }

    /**
     * A split given as three list files, one sample id per line (blank lines and {@code #} comments skipped;
     * a line {@code <path> <label>}, as DDSM lists have, matches by its path). Coverage is checked as in
     * {@link #fromFile}.
     */
    public static DatasetSplit fromLists(Dataset ds, Path train, Path val, Path test) {
        List<SplitFiles.Entry> entries = new ArrayList<>(SplitFiles.list(train, Split.TRAIN));
        entries.addAll(SplitFiles.list(val, Split.VAL));
        entries.addAll(SplitFiles.list(test, Split.TEST));
        return imported(ds, SplitFiles.match(ds, entries, "split lists " + train + ", " + val.getFileName() + ", " + test.getFileName()));
    }

    private static DatasetSplit imported(Dataset ds, Map<String, Split> a) {
        int[] c = new int[3];
        a.values().forEach(s -> c[s.ordinal()]++);
        if (c[0] == 0) {
            throw new DatasetException(ds.root() + ": the imported split puts no sample in train; a split to train and"
                    + " compare on needs train samples. Check the split column or the train list");
        }
        double n = a.size();
        SplitSpec spec = new SplitSpec(c[0] / n, c[1] / n, c[2] / n, 0L, false, SplitStrategy.FILE);
        return new DatasetSplit(ds, spec, a);
    }

    public Dataset dataset() {
        return dataset;
    }

    /**
     * This split with its training set narrowed to {@code keep} (a label-efficiency subset, {@link TrainSubset});
     * validation and test unchanged; null keeps it whole. The training samples left out belong to no split.
     */
    public DatasetSplit withTrainOnly(Set<String> keep) {
        if (keep == null) return this;
        Map<String, Split> a = new java.util.HashMap<>(assignment);
        a.entrySet().removeIf(e -> e.getValue() == Split.TRAIN && !keep.contains(e.getKey()));
        return new DatasetSplit(dataset, spec, a);
    }

    public SplitSpec spec() {
        return spec;
    }

    public Split splitOf(String id) {
        return assignment.get(id);
    }

    /** The samples of {@code split}, in the dataset's order. */
    public List<Sample> samples(Split split) {
        return dataset.samples().stream().filter(s -> assignment.get(s.id()) == split).toList();
    }

    public List<Sample> train() {
        return samples(Split.TRAIN);
    }

    public List<Sample> val() {
        return samples(Split.VAL);
    }

    public List<Sample> test() {
        return samples(Split.TEST);
    }

    public Map<Split, Integer> counts() {
        Map<Split, Integer> c = new EnumMap<>(Split.class);
        for (Split s : Split.values()) c.put(s, 0);
        assignment.values().forEach(s -> c.merge(s, 1, Integer::sum));
        return c;
    }

    /**
     * Groups found in more than one split. Always empty for splits made here; a shipped split (DDSM
     * lists, a manifest's split column) can leak, and this is how to find out.
     */
    public Set<String> leakingGroups() {
        Map<String, Split> first = new HashMap<>();
        Set<String> leaks = new TreeSet<>();
        for (Sample s : dataset.samples()) {
            Split prev = first.putIfAbsent(s.groupOrId(), assignment.get(s.id()));
            if (prev != null && prev != assignment.get(s.id())) leaks.add(s.groupOrId());
        }
        return leaks;
    }

    // ---------------------------------------------------------------- the splitter

    private static Map<String, Split> assign(Dataset ds, List<Sample> samples, double[] frac, long seed) {
        Map<String, List<Sample>> groups = new TreeMap<>();
        for (Sample s : samples) groups.computeIfAbsent(s.groupOrId(), g -> new ArrayList<>()).add(s);
        long[] freq = ds.classCounts();
        Map<String, List<String>> strata = new TreeMap<>();
        for (Map.Entry<String, List<Sample>> g : groups.entrySet()) {
            strata.computeIfAbsent(stratum(g.getValue(), ds.task().isMultiLabel(), freq), k -> new ArrayList<>()).add(g.getKey());
        }
        Map<String, Split> out = new HashMap<>();
        double[] global = new double[3];
        double globalTotal = 0;
        // Largest strata first, so the small ones are dealt where the global tie-break can balance them.
        List<Map.Entry<String, List<String>>> order = new ArrayList<>(strata.entrySet());
        order.sort(Comparator.comparingInt((Map.Entry<String, List<String>> e) -> -e.getValue().size()).thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, List<String>> stratum : order) {
            List<String> ids = new ArrayList<>(stratum.getValue());
            ids.sort(Comparator.comparingLong((String g) -> mix(seed, g)).thenComparing(g -> g));
            double[] local = new double[3];
            double localTotal = 0;
            for (String g : ids) {
                int size = groups.get(g).size();
                int best = -1;
                double bestDeficit = Double.NEGATIVE_INFINITY, bestGlobal = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 3; k++) {
                    if (frac[k] <= 0) continue;
                    double deficit = frac[k] * (localTotal + size) - local[k];
                    double gDeficit = frac[k] * (globalTotal + size) - global[k];
                    if (deficit > bestDeficit + 1e-9 || (Math.abs(deficit - bestDeficit) <= 1e-9 && gDeficit > bestGlobal)) {
                        best = k;
                        bestDeficit = deficit;
                        bestGlobal = gDeficit;
                    }
                }
                local[best] += size;
                global[best] += size;
                localTotal += size;
                globalTotal += size;
                Split s = Split.values()[best];
                for (Sample x : groups.get(g)) out.put(x.id(), s);
            }
        }
        return out;
    }

    private static String stratum(List<Sample> group, boolean multi, long[] freq) {
        if (!multi) {
            int[] c = new int[freq.length];
            int best = 0;
            for (Sample s : group) {
                if (++c[s.label()] > c[best] || (c[s.label()] == c[best] && s.label() < best)) best = s.label();
            }
            return Integer.toString(best);
        }
        int rarest = -1;
        for (Sample s : group) {
            for (int k = 0; k < freq.length; k++) {
                if (s.labelAt(k) > 0.5f && (rarest < 0 || freq[k] < freq[rarest])) rarest = k;
            }
        }
        return rarest < 0 ? "none" : Integer.toString(rarest);
    }

    /** A seeded 64-bit hash of a group id (SplitMix64 finaliser over the seed and String.hashCode-free FNV-1a). */
    static long mix(long seed, String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---------------------------------------------------------------- manifest

    /** Writes the manifest (JSON: spec, dataset identity and hash, counts, id → split sorted by id) atomically. */
    public void write(Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", MANIFEST_VERSION);
        root.put("format", dataset.format());
        root.put("task", dataset.task().name());
        root.put("dataset_hash", dataset.contentHash());
        ObjectNode sp = root.putObject("spec");
        sp.put("train", spec.train());
        sp.put("val", spec.val());
        sp.put("test", spec.test());
        sp.put("seed", spec.seed());
        sp.put("keep_shipped", spec.keepShipped());
        sp.put("strategy", spec.strategy().key());
        ObjectNode counts = root.putObject("counts");
        counts().forEach((k, v) -> counts.put(k.key(), v));
        ObjectNode a = root.putObject("assignment");
        new TreeMap<>(assignment).forEach((id, s) -> a.put(id, s.key()));
        try {
            AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), root));
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot write split manifest: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a manifest for {@code ds}. Its ids must be exactly the dataset's: a sample the manifest does
     * not know (or the reverse) means the data changed since the split was made, and silently splitting
     * the newcomers would break comparability. A changed content hash with the same ids (relabelled or
     * re-encoded images) is allowed — the split is still the same split.
     */
    public static DatasetSplit read(Path file, Dataset ds) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DatasetException(file + ": not a readable split manifest (" + e.getMessage() + "). Delete it to re-split.", e);
        }
        if (root == null || root.path("version").asInt() != MANIFEST_VERSION || !root.has("assignment") || !root.has("spec")) {
            throw new DatasetException(file + ": not a version " + MANIFEST_VERSION + " split manifest (expected version, spec, assignment). Delete it to re-split.");
        }
        JsonNode sp = root.get("spec");
        SplitSpec spec;
        try {
            // Manifests written before strategies existed were all stratified.
            spec = new SplitSpec(sp.path("train").asDouble(), sp.path("val").asDouble(), sp.path("test").asDouble(),
                    sp.path("seed").asLong(), sp.path("keep_shipped").asBoolean(true),
                    SplitStrategy.ofKey(sp.path("strategy").asText(SplitStrategy.STRATIFIED_GROUPS.key())));
        } catch (IllegalArgumentException e) {
            throw new DatasetException(file + ": split manifest has an invalid spec (" + e.getMessage() + "). Delete it to re-split.", e);
        }
        Map<String, Split> a = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("assignment").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                a.put(e.getKey(), Split.ofKey(e.getValue().asText()));
            } catch (IllegalArgumentException ex) {
                throw new DatasetException(file + ": sample '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        List<String> unknown = ds.samples().stream().map(Sample::id).filter(id -> !a.containsKey(id)).limit(3).toList();
        long missing = a.keySet().stream().filter(id -> ds.sample(id) == null).count();
        if (!unknown.isEmpty() || missing > 0) {
            throw new DatasetException(file + ": split manifest does not match dataset " + ds.root() + " ("
                    + (unknown.isEmpty() ? "" : "samples not in the manifest, e.g. " + unknown + "; ")
                    + (missing == 0 ? "" : missing + " manifest ids no longer in the dataset; ")
                    + "manifest written for " + root.path("format").asText() + "/" + root.path("task").asText()
                    + "). Point at the dataset the manifest was made for, or delete the manifest to re-split.");
        }
        return new DatasetSplit(ds, spec, a);
    }

    static String describe(SplitSpec s) {
        return "train/val/test " + s.train() + "/" + s.val() + "/" + s.test()
                + " seed " + s.seed() + (s.keepShipped() ? " (shipped split kept)" : " (shipped split ignored)")
                + (s.strategy() == SplitStrategy.STRATIFIED_GROUPS ? "" : ", strategy " + s.strategy().key());
    }
}
