package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Batch;

/** Batches for one epoch; a training source reshuffles per epoch from its seed, an evaluation source does not. */
public interface BatchSource {

    Iterable<Batch> epoch(int epoch);

    int sampleCount();

    int batchCount();
}
