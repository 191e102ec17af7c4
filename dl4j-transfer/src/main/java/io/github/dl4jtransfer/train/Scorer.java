package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.eval.MetricKind;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The validation metric that picks the best checkpoint: logits (B, K) and labels. */
@FunctionalInterface
public interface Scorer {

    double score(INDArray logits, INDArray labels);

    /**
     * The metric scored, whose {@link MetricKind#isBetter} compares checkpoints. Every metric of the study is
     * higher-is-better, so a plain function is compared as accuracy is.
     */
    default MetricKind metric() {
        return MetricKind.ACCURACY;
    }

    /** A scorer that names its metric. */
    static Scorer of(MetricKind metric, Scorer score) {
        return new Scorer() {
            @Override
            public double score(INDArray logits, INDArray labels) {
                return score.score(logits, labels);
            }

            @Override
            public MetricKind metric() {
                return metric;
            }
        };
    }
}
