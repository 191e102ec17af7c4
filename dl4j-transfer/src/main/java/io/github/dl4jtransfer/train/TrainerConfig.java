package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.config.RecordSettings;

import static io.github.dl4jtransfer.config.ConfigException.require;

/**
 * Optimiser and schedule. Defaults are the study's: AdamW lr 1e-4, weight decay 1e-5 (none on biases,
 * norm weights and token/position embeddings), batch 64, linear warm-up for 5 epochs (capped at 1000
 * iterations for large sets), up to 100 epochs, cosine decay after warm-up, gradient clipping at 1.0,
 * validation every epoch, best checkpoint by the task's metric. {@code microBatchSize} (0 = off) computes each
 * batch's gradient in slices of that many images and sums them before the one optimiser step (gradient
 * accumulation): the update of the whole batch with the activation memory of a slice. {@code knnK} and
 * {@code knnTemperature} are the {@code frozen-knn} scenario's (it trains nothing, so the optimiser settings do not
 * apply to it): they sit here so that they are set, overridden per cell and recorded like every other setting.
 *
 * <p>The study's code warms up differently ({@code utils/_utils.py:116-165} of the study): from 1e-8, one
 * increment of (peak − 1e-8)/W per step accumulated in double, one increment more than W (so it settles at
 * peak + (peak − 1e-8)/W), then constant, over W = 5 epochs (APTOS2019, DDSM, uncapped) or 1000 iterations (ISIC2019,
 * CheXpert). {@code warmupStartLearningRate = 1e-8}, {@code warmupOvershoot = true}, {@code schedule = CONSTANT}
 * and {@code warmupIterations = 1000} or {@code warmupEpochs = 5} with {@code warmupIterationsCap = 0} give that
 * sequence exactly; see {@link LearningRateSchedule}.
 */
public record TrainerConfig(double learningRate, double weightDecay, int batchSize, int epochs, int warmupEpochs,
                            int warmupIterationsCap, int warmupIterations, double warmupStartLearningRate,
                            boolean warmupOvershoot, Schedule schedule, double minLearningRate, double clipNorm, int patience,
                            long seed, double beta1, double beta2, double epsilon, int microBatchSize, int knnK,
                            double knnTemperature, boolean activationCheckpointing) {

    public enum Schedule { COSINE, CONSTANT }

    /**
     * The user settings of this record — every component but the seed, which each cell sets — as POM elements
     * ({@code <training>}, {@code <override>}), {@code -Dtransfer.<name>} properties and provenance keys. A new
     * component is a new setting everywhere; docs/configuration.md lists each (a test checks it).
     */
    public static final RecordSettings<TrainerConfig> SETTINGS = RecordSettings.of(TrainerConfig.class, "seed");

    /** Each check names its component, so a bad value is reported where the user set it. */
    public TrainerConfig {
        require(learningRate > 0 && Double.isFinite(learningRate), "<learningRate>", learningRate + " must be a positive number", "AdamW's peak rate, e.g. 1e-4");
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "<weightDecay>", weightDecay + " must be >= 0", "e.g. 1e-5; 0 turns it off");
        require(batchSize >= 1, "<batchSize>", batchSize + " must be at least 1", "e.g. 64");
        require(epochs >= 1, "<epochs>", epochs + " must be at least 1", "e.g. 100");
        require(warmupEpochs >= 0, "<warmupEpochs>", warmupEpochs + " must be >= 0", "0 turns warm-up off");
        require(warmupIterationsCap >= 0, "<warmupIterationsCap>", warmupIterationsCap + " must be >= 0", "e.g. 1000; 0 = no cap");
        require(warmupIterations >= 0, "<warmupIterations>", warmupIterations + " must be >= 0",
                "e.g. 1000; 0 takes the length from <warmupEpochs>");
        require(warmupStartLearningRate >= 0 && Double.isFinite(warmupStartLearningRate), "<warmupStartLearningRate>",
                warmupStartLearningRate + " must be >= 0", "e.g. 1e-8; 0 climbs from zero");
        require(schedule != null, "<schedule>", "is missing", "use cosine or constant");
        require(minLearningRate >= 0 && Double.isFinite(minLearningRate), "<minLearningRate>", minLearningRate + " must be >= 0",
                "e.g. 1e-6; 0 decays to zero");
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "<clipNorm>", clipNorm + " must be >= 0", "0 turns clipping off");
        require(patience >= 0, "<patience>", patience + " must be >= 0", "0 turns early stopping off");
        require(beta1 >= 0 && beta1 < 1, "<beta1>", beta1 + " must be in [0, 1)", "e.g. 0.9");
        require(beta2 >= 0 && beta2 < 1, "<beta2>", beta2 + " must be in [0, 1)", "e.g. 0.999");
        require(epsilon > 0 && Double.isFinite(epsilon), "<epsilon>", epsilon + " must be a positive number", "e.g. 1e-8");
        require(microBatchSize >= 0, "<microBatchSize>", microBatchSize + " must be >= 0", "0 computes each batch whole");
        require(knnK >= 1, "<knnK>", knnK + " must be at least 1", "e.g. 11 (MedMNIST+'s choice), 20 (DINO's)");
        require(knnTemperature >= 0 && Double.isFinite(knnTemperature), "<knnTemperature>", knnTemperature + " must be >= 0",
                "0 counts one vote per neighbour; DINO's kNN weighs by exp(similarity / 0.07)");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TrainerConfig defaults() {
        return builder().build();
    }

    /**
     * Warm-up steps for a given number of steps per epoch: {@code warmupIterations} when set, else
     * {@code warmupEpochs} epochs capped at {@code warmupIterationsCap} (0 = no cap).
     */
    public int warmupSteps(int stepsPerEpoch) {
        if (warmupIterations > 0) return warmupIterations;
        long epochSteps = (long) warmupEpochs * stepsPerEpoch;
        long cap = warmupIterationsCap == 0 ? Integer.MAX_VALUE : warmupIterationsCap;
        return (int) Math.min(epochSteps, cap);
    }

    /**
     * This configuration with the study's learning-rate schedule for {@code dataset} (a format name such as
     * aptos2019, ddsm, isic2019, chexpert; case and separators ignored): warm-up from 1e-8 with the study's
     * overshoot, then constant, over 5 uncapped epochs for APTOS2019 and DDSM, 1000 iterations for ISIC2019 and
     * CheXpert ({@code classification.py:103-112}), and, for any other dataset (Camelyon among them), the one step
     * the study's {@code LinearWarmup} falls back to when neither is set ({@code utils/_utils.py:124-126}), after
     * which the rate is twice the peak less 1e-8. The other settings are kept.
     */
    public TrainerConfig withStudyWarmup(String dataset) {
        String key = dataset == null ? "" : dataset.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
        Builder b = toBuilder().optWarmupStartLearningRate(1e-8).optWarmupOvershoot(true).optSchedule(Schedule.CONSTANT);
        switch (key) {
            case "aptos2019", "ddsm" -> b.optWarmupEpochs(5).optWarmupIterations(0).optWarmupIterationsCap(0);
            case "isic2019", "chexpert" -> b.optWarmupEpochs(0).optWarmupIterations(1000);
            default -> b.optWarmupEpochs(0).optWarmupIterations(1);
        }
        return b.build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.warmupEpochs = warmupEpochs;
        b.warmupIterationsCap = warmupIterationsCap;
        b.warmupIterations = warmupIterations;
        b.warmupStartLearningRate = warmupStartLearningRate;
        b.warmupOvershoot = warmupOvershoot;
        b.schedule = schedule;
        b.minLearningRate = minLearningRate;
        b.clipNorm = clipNorm;
        b.patience = patience;
        b.seed = seed;
        b.microBatchSize = microBatchSize;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.knnK = knnK;
        b.knnTemperature = knnTemperature;
        b.activationCheckpointing = activationCheckpointing;
        return b;
    }

    public static final class Builder {
        private double learningRate = 1e-4;
        private double weightDecay = 1e-5;
        private int batchSize = 64;
        private int epochs = 100;
        private int warmupEpochs = 5;
        private int warmupIterationsCap = 1000;
        private int warmupIterations = 0;
        private double warmupStartLearningRate = 0;
        private boolean warmupOvershoot = false;
        private Schedule schedule = Schedule.COSINE;
        private double minLearningRate = 0;
        private double clipNorm = 1.0;
        private int patience = 0;
        private long seed = 1;
        private int microBatchSize = 0;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private int knnK = 11;
        private double knnTemperature = 0;
        private boolean activationCheckpointing = false;

        public Builder optLearningRate(double v) { learningRate = v; return this; }
        public Builder optWeightDecay(double v) { weightDecay = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optEpochs(int v) { epochs = v; return this; }
        public Builder optWarmupEpochs(int v) { warmupEpochs = v; return this; }
        /** Most warm-up steps when the length comes from {@code warmupEpochs}; 0 = no cap. */
        public Builder optWarmupIterationsCap(int v) { warmupIterationsCap = v; return this; }
        /** Warm-up length in optimiser steps, whatever the epochs; 0 (default) = {@code warmupEpochs}, capped. */
        public Builder optWarmupIterations(int v) { warmupIterations = v; return this; }
        /** The rate warm-up climbs from (the first step already takes one increment); default 0, the study's 1e-8. */
        public Builder optWarmupStartLearningRate(double v) { warmupStartLearningRate = v; return this; }
        /** The study's warm-up arithmetic: one increment past the peak, accumulated step by step; default off. */
        public Builder optWarmupOvershoot(boolean v) { warmupOvershoot = v; return this; }
        public Builder optSchedule(Schedule v) { schedule = v; return this; }
        /** Where cosine decay ends (timm's {@code min_lr}); 0 = decay to zero. */
        public Builder optMinLearningRate(double v) { minLearningRate = v; return this; }
        public Builder optClipNorm(double v) { clipNorm = v; return this; }
        /** Early stopping after this many epochs without improvement; 0 = off. */
        public Builder optPatience(int v) { patience = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        /** Gradient accumulation: slices of this many images per batch, one optimiser step per batch; 0 = off. */
        public Builder optMicroBatchSize(int v) { microBatchSize = v; return this; }
        public Builder optBeta1(double v) { beta1 = v; return this; }
        public Builder optBeta2(double v) { beta2 = v; return this; }
        public Builder optEpsilon(double v) { epsilon = v; return this; }
        /** Neighbours that vote in {@code frozen-knn} cells; default 11 (MedMNIST+). */
        public Builder optKnnK(int v) { knnK = v; return this; }
        /** {@code frozen-knn} votes weighted by exp(cosine / T) as in DINO's kNN evaluation (T = 0.07 there); 0 = one vote each. */
        public Builder optKnnTemperature(double v) { knnTemperature = v; return this; }

        /**
         * Activation checkpointing for steps that train backbone weights (unfrozen, last-k): the tensors between blocks
         * are kept, each block's forward is recomputed in its backward; default off.
         */
        public Builder optActivationCheckpointing(boolean v) { activationCheckpointing = v; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(learningRate, weightDecay, batchSize, epochs, warmupEpochs, warmupIterationsCap,
                    warmupIterations, warmupStartLearningRate, warmupOvershoot, schedule, minLearningRate, clipNorm, patience, seed, beta1, beta2, epsilon, microBatchSize,
                    knnK, knnTemperature, activationCheckpointing);
        }
    }
}
