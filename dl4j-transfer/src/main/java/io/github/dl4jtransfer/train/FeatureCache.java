package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.data.pipeline.InMemoryBatchSource;
import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.io.Npy;
import io.github.dl4jtransfer.io.Sha256;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneOutput;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Frozen-backbone outputs on disk, so that a frozen backbone runs once per image however many scenarios,
 * seeds, learning rates and reruns use it (DINOv2's linear evaluation, DL4J's TransferLearningHelper).
 *
 * <p>An entry is keyed by everything that determines the numbers: the ONNX file's SHA-256, the dataset's
 * content hash, the split and its manifest hash, the preprocessing fingerprint, and which outputs are stored.
 * Change any of them and the key changes, so a stale entry is never served. Entries are folders
 * ({@code features.npy}, optional {@code tokens.npy}, {@code labels.npy}, {@code ids.txt}) written to a
 * temporary folder and renamed into place, so a crash mid-write leaves no half entry behind.
 *
 * <p>Features are computed from the evaluation pipeline (no augmentation): a cached frozen run trains on the
 * same view of each image every epoch, as linear probes usually do. Runs that want augmentation through a
 * frozen backbone turn the cache off.
 */
public final class FeatureCache {

    /**
     * What identifies one cache entry.
     *
     * @param modelSha256    the backbone ONNX file's hash
     * @param datasetHash    the dataset's content hash
     * @param split          "train", "val", "test"
     * @param splitHash      hash of the split manifest (which ids are in the split)
     * @param preprocessing  the preprocessing fingerprint (sizes, interpolation, mean/std)
     * @param withTokens     tokens are stored as well as features (DeiT-classifier scenarios)
     * @param outputs        the graph outputs read ({@link Backbone#outputName}: a protocol's taps), or null for the
     *                       sidecar's own
     */
    public record Key(String modelSha256, String datasetHash, String split, String splitHash, String preprocessing,
                      boolean withTokens, String outputs) {

        public Key(String modelSha256, String datasetHash, String split, String splitHash, String preprocessing, boolean withTokens) {
            this(modelSha256, datasetHash, split, splitHash, preprocessing, withTokens, null);
        }

        /** Hex digest of all fields: the entry's folder name (unchanged for the sidecar's own outputs). */
        public String digest() {
            String base = String.join("\n", modelSha256, datasetHash, split, splitHash, preprocessing,
                    (withTokens ? BackboneOutput.TOKENS : BackboneOutput.FEATURES).key(), "v1");
            return Sha256.of(outputs == null ? base : base + "\n" + outputs);
        }
    }

    /**
     * Backbone outputs for one split, in the source's order.
     *
     * @param features (N, C) pooled features
     * @param tokens   (N, T, D) patch tokens, or null when not requested
     * @param labels   (N) class indices or (N, L) multi-hot, as the source delivered them
     * @param ids      sample ids in row order
     * @param hit      read from the cache rather than computed
     * @param millis   time to read or compute
     */
    public record Entry(INDArray features, INDArray tokens, INDArray labels, List<String> ids, boolean hit, long millis) {

        /** A training or evaluation source over the cached features (or tokens). */
        public InMemoryBatchSource source(boolean useTokens, int batchSize, boolean shuffle, long seed) {
            return new InMemoryBatchSource(useTokens ? tokens : features, labels, ids, batchSize, shuffle, seed);
        }

        public int size() {
            return ids.size();
        }

        /**
         * The rows of the samples in {@code keep}, in this entry's order (a cell on part of the training set trains
         * on the rows of its subset; the cache itself always holds the whole split). Null keeps every row.
         */
        public Entry subset(java.util.Set<String> keep) {
            if (keep == null || keep.containsAll(ids)) return this;
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) if (keep.contains(ids.get(i))) rows.add(i);
            if (rows.isEmpty()) throw new IllegalArgumentException("none of the " + ids.size() + " cached samples is in the training subset");
            int[] r = rows.stream().mapToInt(Integer::intValue).toArray();
            List<String> keptIds = rows.stream().map(ids::get).toList();
            return new Entry(rows(features, r), tokens == null ? null : rows(tokens, r), rows(labels, r), keptIds, hit, millis);
        }

        private static INDArray rows(INDArray a, int[] rows) {
            INDArray[] picked = new INDArray[rows.length];
            for (int i = 0; i < rows.length; i++) picked[i] = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(rows[i]));
            // point() drops the first axis: stack the rows back along a new one
            return Nd4j.stack(0, picked).castTo(a.dataType());
        }
    }

    private final Path dir;

    public FeatureCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public boolean contains(Key key) {
        return Files.isRegularFile(dir.resolve(key.digest()).resolve("ids.txt"));
    }

    /** The entry for {@code key}: read from disk when present, else computed by running the backbone over {@code source}. */
    public Entry getOrCompute(Key key, Backbone backbone, BatchSource source) {
        long start = System.nanoTime();
        Path entry = dir.resolve(key.digest());
        if (contains(key)) {
            try {
                return read(entry, key.withTokens(), true, start);
            } catch (RuntimeException e) {
                // A damaged entry (disk full, manual edits) is recomputed rather than trusted.
                AtomicFiles.deleteTreeQuietly(entry);
            }
        }
        Entry computed = compute(backbone, source, key.withTokens(), start);
        write(entry, computed);
        return computed;
    }

    /** Runs the backbone once over every batch (no cache involved). */
    public static Entry compute(Backbone backbone, BatchSource source, boolean withTokens, long startNanos) {
        String f = backbone.outputName(BackboneOutput.FEATURES);
        String t = backbone.outputName(BackboneOutput.TOKENS);
        List<String> outputs = withTokens ? List.of(f, t) : List.of(f);
        List<INDArray> feats = new ArrayList<>(), toks = new ArrayList<>(), labels = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Batch b : source.epoch(0)) {
            Map<String, INDArray> out = backbone.forward(b.images(), outputs);
            feats.add(out.get(f).dup());
            if (withTokens) toks.add(out.get(t).dup());
            labels.add(b.labels());
            ids.addAll(b.ids());
        }
        if (ids.isEmpty()) throw new IllegalArgumentException("no samples to compute features for");
        return new Entry(concat(feats), withTokens ? concat(toks) : null, concat(labels), List.copyOf(ids), false,
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static INDArray concat(List<INDArray> parts) {
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    private void write(Path entry, Entry e) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempDirectory(dir, ".tmp-");
            Nd4j.writeAsNumpy(e.features().castTo(DataType.FLOAT), tmp.resolve(file(BackboneOutput.FEATURES)).toFile());
            if (e.tokens() != null) Nd4j.writeAsNumpy(e.tokens().castTo(DataType.FLOAT), tmp.resolve(file(BackboneOutput.TOKENS)).toFile());
            Nd4j.writeAsNumpy(e.labels().castTo(DataType.FLOAT), tmp.resolve("labels.npy").toFile());
            // ids last: its presence marks a complete entry.
            Files.write(tmp.resolve("ids.txt"), e.ids(), StandardCharsets.UTF_8);
            try {
                AtomicFiles.move(tmp, entry);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException ex) {
                AtomicFiles.deleteTreeQuietly(tmp); // another worker wrote the same entry first: identical by construction
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write feature cache entry in " + dir
                    + " (check free disk space, or turn the feature cache off)", ex);
        }
    }

    private static Entry read(Path entry, boolean withTokens, boolean hit, long startNanos) {
        try {
            List<String> ids = Files.readAllLines(entry.resolve("ids.txt"), StandardCharsets.UTF_8);
            INDArray features = Npy.read(entry.resolve(file(BackboneOutput.FEATURES)));
            INDArray tokens = withTokens ? Npy.read(entry.resolve(file(BackboneOutput.TOKENS))) : null;
            INDArray labels = Npy.read(entry.resolve("labels.npy"));
            if (features.size(0) != ids.size() || labels.size(0) != ids.size()) {
                throw new IllegalStateException("feature cache entry " + entry + " is inconsistent");
            }
            return new Entry(features, tokens, labels, List.copyOf(ids), hit, (System.nanoTime() - startNanos) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature cache entry " + entry, e);
        }
    }

    /** An output's array file in an entry: {@code features.npy}, {@code tokens.npy}. */
    private static String file(BackboneOutput output) {
        return output.key() + ".npy";
    }
}
