package io.github.dl4jtransfer.train;

/** One epoch of a training run: the convergence-curve data. */
public record EpochRecord(int epoch, double trainLoss, double valMetric, double learningRate, long millis) {
}
