package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.image.Augmentation;
import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.image.RgbImage;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.data.Split;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Images from disk to {@link Batch}es: decodes and preprocesses on {@code threads} worker threads,
 * keeping at most {@code prefetch} batches in flight, so memory stays at about
 * {@code prefetch × batchSize × C·H·W × 4} bytes whatever the dataset size.
 *
 * <p><b>Order and determinism.</b> A training pipeline reshuffles per epoch from (seed, epoch) and draws
 * each sample's augmentation from its own generator seeded by (seed, epoch, sample id); an evaluation
 * pipeline keeps the sample order and does not augment. Batches are delivered in order whatever thread
 * finished first, so two runs with the same seed produce identical batches on any number of threads.
 *
 * <p><b>Labels</b> follow {@link Batch}: class indices as float, shape (B), for single-label tasks; multi-hot
 * (B, L) for multi-label tasks.
 *
 * <p><b>Errors.</b> An image that cannot be decoded (deleted or damaged since the dataset was read) fails
 * the epoch with the file, the list/CSV line it came from and the sample id. Readers with
 * {@code skipBadImages} already dropped (and counted) images whose header or end marker is bad.
 *
 * <p>Worker threads are daemons that exit after 30 s idle, so a pipeline needs no closing.
 */
public final class ImagePipeline implements BatchSource {

    private final List<Sample> samples;
    private final Task task;
    private final Dataset dataset;
    private final Preprocessing prep;
    private final int batchSize;
    private final boolean shuffle;
    private final Augmentation augmentation;
    private final long seed;
    private final int threads;
    private final int prefetch;
    private final boolean dropLast;
    private final ThreadPoolExecutor pool;

    private ImagePipeline(Builder b) {
        this.samples = List.copyOf(b.samples);
        this.task = b.dataset.task();
        this.dataset = b.dataset;
        this.prep = b.prep;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.augmentation = b.augmentation;
        this.seed = b.seed;
        this.threads = b.threads;
        this.prefetch = b.prefetch;
        this.dropLast = b.dropLast;
        if (samples.isEmpty()) throw new IllegalArgumentException("pipeline over " + dataset.root() + " has no samples (empty split?)");
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "image-pipeline-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** A pipeline over {@code samples} of {@code dataset} (e.g. one split); see the builder's defaults. */
    public static Builder builder(Dataset dataset, List<Sample> samples, Preprocessing prep) {
        return new Builder(dataset, samples, prep);
    }

    /** The training source: the train split, shuffled per epoch, augmented with {@link Augmentation#study()}. */
    public static ImagePipeline train(DatasetSplit split, Preprocessing prep, int batchSize, long seed) {
        return train(split, prep, Augmentation.study(), batchSize, seed);
    }

    /**
     * The training source with augmentation {@code aug}; the study's recipe as its code runs it is
     * {@code train(split, Preprocessing.study(stats), Augmentation.studyPipeline(), 64, seed)}.
     */
    public static ImagePipeline train(DatasetSplit split, Preprocessing prep, Augmentation aug, int batchSize, long seed) {
        return builder(split.dataset(), split.train(), prep).optBatchSize(batchSize).optShuffle(true)
                .optAugmentation(Objects.requireNonNull(aug, "augmentation")).optSeed(seed).build();
    }

    /** The training source, augmented with {@code aug} or, when it is empty, on un-augmented (evaluation-view) images. */
    public static ImagePipeline train(DatasetSplit split, Preprocessing prep, Optional<Augmentation> aug, int batchSize, long seed) {
        Builder b = builder(split.dataset(), split.train(), prep).optBatchSize(batchSize).optShuffle(true).optSeed(seed);
        aug.ifPresent(b::optAugmentation);
        return b.build();
    }

    /** An evaluation source over one split: dataset order, no augmentation. */
    public static ImagePipeline eval(DatasetSplit split, Split which, Preprocessing prep, int batchSize) {
        return builder(split.dataset(), split.samples(which), prep).optBatchSize(batchSize).build();
    }

    @Override
    public Iterable<Batch> epoch(int epoch) {
        return () -> new EpochIterator(epoch);
    }

    @Override
    public int sampleCount() {
        return dropLast ? batchCount() * batchSize : samples.size();
    }

    @Override
    public int batchCount() {
        return dropLast ? samples.size() / batchSize : (samples.size() + batchSize - 1) / batchSize;
    }

    public Preprocessing preprocessing() {
        return prep;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Sample indices in epoch order: identity for eval, a seeded Fisher–Yates shuffle for training. */
    int[] order(int epoch) {
        int[] o = new int[samples.size()];
        for (int i = 0; i < o.length; i++) o[i] = i;
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(mix(seed, epoch));
            for (int i = o.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
        }
        return o;
    }

    private final class Pending {
        final int[] members;
        final float[] images;
        final List<Future<?>> parts = new ArrayList<>();

        Pending(int[] members) {
            this.members = members;
            this.images = new float[members.length * prep.tensorSize()];
        }
    }

    private final class EpochIterator implements Iterator<Batch> {
        private final int epoch;
        private final int[] order;
        private final int batches;
        private final ArrayDeque<Pending> window = new ArrayDeque<>();
        private int submitted, delivered;

        EpochIterator(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.batches = batchCount();
            fill();
        }

        private void fill() {
            while (submitted < batches && window.size() < prefetch) {
                int from = submitted * batchSize, to = Math.min(order.length, from + batchSize);
                int[] members = java.util.Arrays.copyOfRange(order, from, to);
                Pending p = new Pending(members);
                // Split the batch over the threads, so one batch (small eval sets) still uses every core.
                int parts = Math.min(threads, members.length);
                for (int k = 0; k < parts; k++) {
                    int lo = k * members.length / parts, hi = (k + 1) * members.length / parts;
                    p.parts.add(pool.submit(() -> {
                        for (int i = lo; i < hi; i++) load(members[i], epoch, p.images, i * prep.tensorSize());
                    }));
                }
                window.add(p);
                submitted++;
            }
        }

        @Override
        public boolean hasNext() {
            return delivered < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            Pending p = window.poll();
            try {
                for (Future<?> f : p.parts) f.get();
            } catch (ExecutionException e) {
                window.forEach(q -> q.parts.forEach(f -> f.cancel(false)));
                delivered = batches;
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                throw new DatasetException("image pipeline failed: " + c, c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatasetException("interrupted while waiting for a batch", e);
            }
            delivered++;
            fill();
            return assemble(p);
        }
    }

    private Batch assemble(Pending p) {
        int b = p.members.length;
        long[] shape = {b, prep.channels(), prep.height(), prep.width()};
        INDArray images = Nd4j.create(p.images, shape, 'c');
        List<String> ids = new ArrayList<>(b);
        INDArray labels;
        if (task.isMultiLabel()) {
            int l = task.numClasses();
            float[] y = new float[b * l];
            for (int i = 0; i < b; i++) {
                Sample s = samples.get(p.members[i]);
                for (int k = 0; k < l; k++) y[i * l + k] = s.labelAt(k);
            }
            labels = Nd4j.create(y, new long[]{b, l}, 'c');
        } else {
            float[] y = new float[b];
            for (int i = 0; i < b; i++) y[i] = samples.get(p.members[i]).label();
            labels = Nd4j.create(y, new long[]{b}, 'c');
        }
        for (int m : p.members) ids.add(samples.get(m).id());
        return new Batch(images, labels, ids);
    }

    /** Decodes and preprocesses sample {@code index} into {@code out[offset …]}; runs on a worker thread. */
    private void load(int index, int epoch, float[] out, int offset) {
        Sample s = samples.get(index);
        RgbImage img = SampleImages.decode(dataset, s);
        if (augmentation == null) {
            prep.apply(img, out, offset);
        } else {
            prep.applyTrain(img, augmentation, new SplittableRandom(mix(mix(seed, epoch), s.id())), out, offset);
        }
    }

    static long mix(long seed, long v) {
        long z = seed * 0x9E3779B97F4A7C15L + v;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long mix(long seed, String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(seed, h);
    }

    public static final class Builder {
        private final Dataset dataset;
        private final List<Sample> samples;
        private final Preprocessing prep;
        private int batchSize = 32;
        private boolean shuffle;
        private Augmentation augmentation;
        private long seed = 42;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int prefetch = -1;
        private boolean dropLast;

        private Builder(Dataset dataset, List<Sample> samples, Preprocessing prep) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            this.samples = Objects.requireNonNull(samples, "samples");
            this.prep = Objects.requireNonNull(prep, "preprocessing");
        }

        public Builder optBatchSize(int v) {
            if (v <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + v);
            batchSize = v;
            return this;
        }

        /** Reshuffle every epoch from (seed, epoch). Default off (evaluation order). */
        public Builder optShuffle(boolean v) {
            shuffle = v;
            return this;
        }

        /** Training augmentation, or null (default) for the evaluation transform. */
        public Builder optAugmentation(Augmentation v) {
            augmentation = v;
            return this;
        }

        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        /** Decode threads; default: available processors. */
        public Builder optThreads(int v) {
            if (v <= 0) throw new IllegalArgumentException("threads must be > 0, got " + v);
            threads = v;
            return this;
        }

        /** Batches decoded ahead of the consumer (the memory bound); default threads + 1. */
        public Builder optPrefetch(int v) {
            if (v <= 0) throw new IllegalArgumentException("prefetch must be > 0, got " + v);
            prefetch = v;
            return this;
        }

        /** Drop a last incomplete batch (training with batch-size-sensitive layers). Default off. */
        public Builder optDropLast(boolean v) {
            dropLast = v;
            return this;
        }

        public ImagePipeline build() {
            if (prefetch < 0) prefetch = threads + 1;
            if (dropLast && samples.size() < batchSize) {
                throw new IllegalArgumentException("dropLast with " + samples.size() + " samples and batch size " + batchSize + " leaves no batch");
            }
            return new ImagePipeline(this);
        }
    }
}
