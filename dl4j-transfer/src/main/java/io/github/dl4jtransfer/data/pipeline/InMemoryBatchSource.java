package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Batches over arrays held in memory: preprocessed images for small sets, or cached backbone features
 * (then the "images" are feature vectors). Shuffled per (seed, epoch) when {@code shuffle} is set.
 */
public final class InMemoryBatchSource implements BatchSource {

    private final INDArray inputs;
    private final INDArray labels;
    private final List<String> ids;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;

    public InMemoryBatchSource(INDArray inputs, INDArray labels, List<String> ids, int batchSize, boolean shuffle, long seed) {
        if (inputs.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("inputs have " + inputs.size(0) + " rows but labels " + labels.size(0));
        }
        this.inputs = inputs;
        this.labels = labels;
        this.ids = ids;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    @Override
    public Iterable<Batch> epoch(int epoch) {
        int n = sampleCount();
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) order.add(i);
        if (shuffle) java.util.Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
        List<Batch> batches = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            long[] idx = new long[end - start];
            List<String> bid = new ArrayList<>(idx.length);
            for (int i = start; i < end; i++) {
                idx[i - start] = order.get(i);
                bid.add(ids == null ? Integer.toString(order.get(i)) : ids.get(order.get(i)));
            }
            batches.add(new Batch(rows(inputs, idx), rows(labels, idx), bid));
        }
        return batches;
    }

    /**
     * Rows {@code idx} of {@code a} (any rank), copied, as one native gather over a 2-D view: ND4J's
     * SpecifiedIndex copies element by element in Java and took seconds per epoch on cached features.
     */
    static INDArray rows(INDArray a, long[] idx) {
        INDArray src = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
        long rowLength = src.length() / Math.max(1, src.size(0));
        INDArray flat = src.reshape('c', src.size(0), rowLength);
        int[] ix = new int[idx.length];
        for (int i = 0; i < ix.length; i++) ix[i] = Math.toIntExact(idx[i]);
        INDArray picked = Nd4j.pullRows(flat, 1, ix, 'c');
        long[] shape = a.shape().clone();
        shape[0] = idx.length;
        return picked.reshape('c', shape);
    }

    @Override
    public int sampleCount() {
        return (int) inputs.size(0);
    }

    @Override
    public int batchCount() {
        return (sampleCount() + batchSize - 1) / batchSize;
    }
}
