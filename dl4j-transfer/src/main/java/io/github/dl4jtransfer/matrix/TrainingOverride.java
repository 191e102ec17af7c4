package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.train.TrainerConfig;

import java.util.Objects;

/**
 * Training settings for the cells of one model, dataset or scenario (e.g. fewer epochs for a large dataset,
 * a smaller learning rate for unfrozen scenarios). Null fields keep the plan's value. Overrides apply in
 * plan order, so a later one wins.
 *
 * @param axis  "model", "dataset" or "scenario"
 * @param value the model, dataset or scenario name it applies to
 */
public record TrainingOverride(String axis, String value, Integer epochs, Double learningRate, Integer batchSize,
                               Double weightDecay, Integer warmupEpochs, Integer patience, Integer microBatchSize) {

    public TrainingOverride {
        Objects.requireNonNull(axis, "override axis");
        Objects.requireNonNull(value, "override value");
        if (!axis.equals("model") && !axis.equals("dataset") && !axis.equals("scenario")) {
            throw new IllegalArgumentException("override axis '" + axis + "' must be model, dataset or scenario");
        }
    }

    public boolean appliesTo(CellKey key) {
        return switch (axis) {
            case "model" -> value.equals(key.model());
            case "dataset" -> value.equals(key.dataset());
            default -> value.equals(key.scenario());
        };
    }

    public TrainerConfig applyTo(TrainerConfig c) {
        TrainerConfig.Builder b = c.toBuilder();
        if (epochs != null) b.optEpochs(epochs);
        if (learningRate != null) b.optLearningRate(learningRate);
        if (batchSize != null) b.optBatchSize(batchSize);
        if (weightDecay != null) b.optWeightDecay(weightDecay);
        if (warmupEpochs != null) b.optWarmupEpochs(warmupEpochs);
        if (patience != null) b.optPatience(patience);
        if (microBatchSize != null) b.optMicroBatchSize(microBatchSize);
        return b.build();
    }
}
