package io.github.dl4jtransfer.train;

/**
 * Optimiser and schedule. Defaults are the study's: AdamW lr 1e-4, weight decay 1e-5 (none on biases,
 * norm weights and token/position embeddings), batch 64, linear warm-up for 5 epochs (capped at 1000
 * iterations for large sets), up to 100 epochs, cosine decay after warm-up, gradient clipping at 1.0,
 * validation every epoch, best checkpoint by the task's metric. {@code microBatchSize} (0 = off) computes each
 * batch's gradient in slices of that many images and sums them before the one optimiser step (gradient
 * accumulation): the update of the whole batch with the activation memory of a slice.
 */
public record TrainerConfig(double learningRate, double weightDecay, int batchSize, int epochs, int warmupEpochs,
                            int warmupIterationsCap, Schedule schedule, double clipNorm, int patience, long seed,
                            double beta1, double beta2, double epsilon, int microBatchSize) {

    public enum Schedule { COSINE, CONSTANT }

    public TrainerConfig {
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        if (weightDecay < 0) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (warmupEpochs < 0 || warmupIterationsCap < 0) throw new IllegalArgumentException("warm-up must be >= 0");
        if (clipNorm < 0) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off), got " + clipNorm);
        if (microBatchSize < 0) throw new IllegalArgumentException("micro-batch size must be >= 0 (0 = whole batch), got " + microBatchSize);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TrainerConfig defaults() {
        return builder().build();
    }

    /** Warm-up steps for a given number of steps per epoch. */
    public int warmupSteps(int stepsPerEpoch) {
        return Math.min(warmupEpochs * stepsPerEpoch, warmupIterationsCap);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.warmupEpochs = warmupEpochs;
        b.warmupIterationsCap = warmupIterationsCap;
        b.schedule = schedule;
        b.clipNorm = clipNorm;
        b.patience = patience;
        b.seed = seed;
        b.microBatchSize = microBatchSize;
        return b;
    }

    public static final class Builder {
        private double learningRate = 1e-4;
        private double weightDecay = 1e-5;
        private int batchSize = 64;
        private int epochs = 100;
        private int warmupEpochs = 5;
        private int warmupIterationsCap = 1000;
        private Schedule schedule = Schedule.COSINE;
        private double clipNorm = 1.0;
        private int patience = 0;
        private long seed = 1;
        private int microBatchSize = 0;

        public Builder optLearningRate(double v) { learningRate = v; return this; }
        public Builder optWeightDecay(double v) { weightDecay = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optEpochs(int v) { epochs = v; return this; }
        public Builder optWarmupEpochs(int v) { warmupEpochs = v; return this; }
        public Builder optWarmupIterationsCap(int v) { warmupIterationsCap = v; return this; }
        public Builder optSchedule(Schedule v) { schedule = v; return this; }
        public Builder optClipNorm(double v) { clipNorm = v; return this; }
        /** Early stopping after this many epochs without improvement; 0 = off. */
        public Builder optPatience(int v) { patience = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        /** Gradient accumulation: slices of this many images per batch, one optimiser step per batch; 0 = off. */
        public Builder optMicroBatchSize(int v) { microBatchSize = v; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(learningRate, weightDecay, batchSize, epochs, warmupEpochs, warmupIterationsCap,
                    schedule, clipNorm, patience, seed, 0.9, 0.999, 1e-8, microBatchSize);
        }
    }
}
