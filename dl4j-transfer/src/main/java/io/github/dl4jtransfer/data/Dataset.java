package io.github.dl4jtransfer.data;

import io.github.dl4jtransfer.io.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A labelled image collection as one reader found it: the task, the samples in file order, the split
 * the dataset ships (if any), the images skipped under {@code skipBadImages}, and a content hash.
 *
 * <p><b>Content hash</b> (SHA-256, hex): over the format, the task (name, type, classes) and, for every
 * sample sorted by id: id, label(s), group, shipped split and an image fingerprint. The fingerprint is
 * the file size and modification time by default — stat calls only, so hashing 25k ISIC images is
 * instant — or the image bytes with {@code hashImageBytes}. Any relabelled, added, removed, regrouped or
 * rewritten image changes the hash, so it can key the feature cache; copying a dataset (new mtimes)
 * changes it too, which costs a cache miss but never serves stale features. Paths are not hashed:
 * moving a dataset to another root keeps its hash only with {@code hashImageBytes}.
 */
public final class Dataset {

    private final String format;
    private final Path root;
    private final Task task;
    private final List<Sample> samples;
    private final Map<String, Sample> byId;
    private final Map<String, Split> shippedSplit;
    private final List<SkippedImage> skipped;
    private final SplitSpec defaultSplit;
    private final boolean hashImageBytes;
    private final Map<String, String> origins;
    private volatile String contentHash;

    private Dataset(Builder b) {
        this.format = b.format;
        this.root = b.root;
        this.task = b.task;
        this.samples = List.copyOf(b.samples);
        this.shippedSplit = Collections.unmodifiableMap(new LinkedHashMap<>(b.shipped));
        this.skipped = List.copyOf(b.skipped);
        this.defaultSplit = b.defaultSplit;
        this.hashImageBytes = b.hashImageBytes;
        this.origins = Map.copyOf(b.origins);
        Map<String, Sample> ids = new HashMap<>();
        for (Sample s : samples) {
            if (ids.put(s.id(), s) != null) {
                throw new DatasetException(root + ": sample id '" + s.id() + "' occurs twice; ids must be unique (duplicate row or image?)");
            }
            if (task.isMultiLabel()) {
                if (!s.isMultiLabel() || s.labels().length != task.numClasses()) {
                    throw new IllegalArgumentException("sample " + s.id() + " needs " + task.numClasses() + " labels for task " + task.name());
                }
            } else if (s.isMultiLabel() || s.label() >= task.numClasses()) {
                throw new IllegalArgumentException("sample " + s.id() + " has label " + s.label()
                        + " outside the " + task.numClasses() + " classes of task " + task.name());
            }
        }
        this.byId = Collections.unmodifiableMap(ids);
        if (samples.isEmpty()) {
            throw new DatasetException(root + ": no samples found for format '" + format + "'"
                    + (skipped.isEmpty() ? "" : " (all " + skipped.size() + " images were skipped as bad; first: " + skipped.get(0) + ")")
                    + ". Check that the path points at the dataset's root folder.");
        }
    }

    public static Builder builder(String format, Path root, Task task) {
        return new Builder(format, root, task);
    }

    public String format() {
        return format;
    }

    public Path root() {
        return root;
    }

    public Task task() {
        return task;
    }

    public List<Sample> samples() {
        return samples;
    }

    public int size() {
        return samples.size();
    }

    /** The sample with this id, or null. */
    public Sample sample(String id) {
        return byId.get(id);
    }

    /** Sample id → split as the dataset ships it; empty when it ships none. */
    public Map<String, Split> shippedSplit() {
        return shippedSplit;
    }

    public boolean hasShippedSplit() {
        return !shippedSplit.isEmpty();
    }

    /** The study's split for this dataset (ignored where {@link #hasShippedSplit()} and the spec keeps it). */
    public SplitSpec defaultSplit() {
        return defaultSplit;
    }

    /**
     * Where the sample was listed ("…/train.csv line 17"), for errors raised long after reading (a file
     * that vanished or got truncated before the pipeline decoded it); null when the reader recorded none.
     */
    public String origin(String id) {
        return origins.get(id);
    }

    public List<SkippedImage> skipped() {
        return skipped;
    }

    public int skippedCount() {
        return skipped.size();
    }

    /** Samples per class (single-label) or positives per label (multi-label). */
    public long[] classCounts() {
        long[] c = new long[task.numClasses()];
        for (Sample s : samples) {
            if (s.isMultiLabel()) {
                for (int k = 0; k < c.length; k++) if (s.labelAt(k) > 0.5f) c[k]++;
            } else {
                c[s.label()]++;
            }
        }
        return c;
    }

    /** See the class comment for what is hashed. Computed once, on first call. */
    public String contentHash() {
        String h = contentHash;
        if (h == null) {
            synchronized (this) {
                h = contentHash;
                if (h == null) contentHash = h = computeHash();
            }
        }
        return h;
    }

    private String computeHash() {
        MessageDigest md = Sha256.newDigest();
        StringBuilder head = new StringBuilder("dl4j-transfer dataset v1\n").append(format).append('\n')
                .append(task.name()).append('\n').append(task.type()).append('\n')
                .append(String.join("\u001f", task.classNames())).append('\n');
        md.update(head.toString().getBytes(StandardCharsets.UTF_8));
        List<Sample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparing(Sample::id));
        for (Sample s : sorted) {
            StringBuilder line = new StringBuilder(s.id()).append('\t');
            if (s.isMultiLabel()) {
                for (int k = 0; k < task.numClasses(); k++) line.append(s.labelAt(k)).append(',');
            } else {
                line.append(s.label());
            }
            line.append('\t').append(Objects.toString(s.group(), "")).append('\t')
                    .append(shippedSplit.containsKey(s.id()) ? shippedSplit.get(s.id()).key() : "").append('\t');
            md.update(line.toString().getBytes(StandardCharsets.UTF_8));
            imageFingerprint(s.image(), md);
            md.update((byte) '\n');
        }
        return Sha256.hex(md);
    }

    private void imageFingerprint(ImageSource src, MessageDigest md) {
        try {
            if (src instanceof ImageSource.FileImage f) {
                if (hashImageBytes) {
                    try (InputStream in = Files.newInputStream(f.path())) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
                    }
                } else {
                    md.update((Files.size(f.path()) + ":" + Files.getLastModifiedTime(f.path()).toMillis())
                            .getBytes(StandardCharsets.UTF_8));
                }
            } else if (src instanceof ImageSource.ArrayImage a) {
                if (hashImageBytes) {
                    md.update(a.array().uint8Row(a.index()));
                } else {
                    Path p = a.array().file();
                    md.update((Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis() + ":"
                            + a.array().key() + ":" + a.index()).getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot fingerprint " + src.describe() + " for the dataset hash: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + format + " " + root + ", task=" + task.name() + ", " + samples.size() + " samples"
                + (shippedSplit.isEmpty() ? "" : ", shipped split") + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped") + "]";
    }

    /** Collects samples in reading order; {@link #build()} checks ids are unique and labels fit the task. */
    public static final class Builder {
        private final String format;
        private final Path root;
        private final Task task;
        private final List<Sample> samples = new ArrayList<>();
        private final Map<String, Split> shipped = new LinkedHashMap<>();
        private final List<SkippedImage> skipped = new ArrayList<>();
        private SplitSpec defaultSplit = SplitSpec.eightyTenTen();
        private boolean hashImageBytes;
        private final Map<String, String> origins = new HashMap<>();

        private Builder(String format, Path root, Task task) {
            this.format = Objects.requireNonNull(format, "format");
            this.root = Objects.requireNonNull(root, "root");
            this.task = Objects.requireNonNull(task, "task");
        }

        public Builder add(Sample s) {
            samples.add(s);
            return this;
        }

        /** Adds a sample that the dataset itself places in {@code split}. */
        public Builder add(Sample s, Split split) {
            samples.add(s);
            shipped.put(s.id(), split);
            return this;
        }

        /** Records where sample {@code id} was listed (see {@link Dataset#origin(String)}). */
        public Builder origin(String id, Path file, int line) {
            origins.put(id, line > 0 ? file + " line " + line : file.toString());
            return this;
        }

        public Builder skip(SkippedImage s) {
            skipped.add(s);
            return this;
        }

        public Builder optDefaultSplit(SplitSpec spec) {
            defaultSplit = Objects.requireNonNull(spec);
            return this;
        }

        public Builder optHashImageBytes(boolean v) {
            hashImageBytes = v;
            return this;
        }

        public Dataset build() {
            if (!shipped.isEmpty() && shipped.size() != samples.size()) {
                throw new IllegalStateException("either every sample or none has a shipped split");
            }
            return new Dataset(this);
        }
    }
}
