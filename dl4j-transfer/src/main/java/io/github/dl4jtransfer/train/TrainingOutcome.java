package io.github.dl4jtransfer.train;

import java.util.List;

/**
 * What training did: per-epoch history, the best epoch by validation metric (whose weights the model
 * now holds), and timing.
 */
public record TrainingOutcome(List<EpochRecord> history, int bestEpoch, double bestValMetric, boolean stoppedEarly,
                              long trainMillis, int steps) {
}
