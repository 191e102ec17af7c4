package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.eval.MetricKind;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * A copy of a learner's weights at its best validation epoch, by {@link MetricKind#isBetter} (ties keep the
 * earliest epoch), put back when training ends: the model that is tested is the one validation chose.
 */
final class BestCheckpoint implements EpochListener {

    private final Map<String, INDArray> parameters;
    private final MetricKind metric;
    private Map<String, INDArray> best;
    private int bestEpoch = -1;
    private double bestMetric = Double.NEGATIVE_INFINITY;

    BestCheckpoint(Map<String, INDArray> parameters, MetricKind metric) {
        this.parameters = parameters;
        this.metric = metric;
    }

    @Override
    public void onEpoch(EpochRecord record) {
        // The first epoch is always kept, whatever its metric, so that there is a checkpoint to restore.
        if (best == null || metric.isBetter(record.valMetric(), bestMetric)) {
            bestMetric = record.valMetric();
            bestEpoch = record.epoch();
            best = new HashMap<>();
            for (Map.Entry<String, INDArray> e : parameters.entrySet()) best.put(e.getKey(), e.getValue().dup());
        }
    }

    /** Puts the best epoch's weights back into the learner's parameters. */
    void restore() {
        if (best == null) return;
        for (Map.Entry<String, INDArray> e : best.entrySet()) parameters.get(e.getKey()).assign(e.getValue());
    }

    /** 0-based best epoch; -1 before the first epoch. */
    int bestEpoch() {
        return bestEpoch;
    }

    double bestMetric() {
        return bestMetric;
    }
}
