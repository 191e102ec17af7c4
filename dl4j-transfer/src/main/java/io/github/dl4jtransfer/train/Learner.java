package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * One set of weights under training, as {@link TrainingLoop} drives it: a {@link TransferModel} under its
 * optimiser ({@link Trainer}), or one head of a {@link LinearProbe} grid. The loop owns epochs, validation,
 * checkpoints and stopping; a learner only knows its schedule, how to take a step and how to predict, so that
 * several learners can share one pass over each batch.
 */
public interface Learner {

    /** The learning rate of the learner's {@code step}-th optimiser step (0-based). */
    double learningRate(int step);

    /**
     * One optimiser step on {@code batch} at {@code learningRate}; returns the batch's mean loss. A non-finite
     * loss leaves the weights as they were: the loop then stops with {@link NonFiniteLossException}.
     */
    double step(Batch batch, double learningRate);

    /** Logits (B, outputs) for one validation batch's inputs, owned by the caller. */
    INDArray logits(INDArray inputs);

    /** The weights a checkpoint copies and restores, by name (live arrays, not copies). */
    Map<String, INDArray> parameters();
}
