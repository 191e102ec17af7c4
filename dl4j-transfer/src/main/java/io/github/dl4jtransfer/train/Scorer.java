package io.github.dl4jtransfer.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The validation metric that picks the best checkpoint (higher is better): logits (B, K) and labels. */
@FunctionalInterface
public interface Scorer {
    double score(INDArray logits, INDArray labels);
}
