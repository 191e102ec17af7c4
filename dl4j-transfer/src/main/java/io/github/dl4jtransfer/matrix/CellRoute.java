package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.image.Augmentation;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.train.EpochRecord;
import io.github.dl4jtransfer.train.HeadSpec;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.Scorer;
import io.github.dl4jtransfer.train.TrainerConfig;
import io.github.dl4jtransfer.train.TrainingGraphOptions;
import io.github.dl4jtransfer.train.TrainingOutcome;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One way of training a cell's model: on cached features ({@link CachedProbeRoute}), on cached tokens
 * ({@link CachedTailRoute}) or through the backbone ({@link EndToEndRoute}); or of fitting none ({@link KnnRoute}). {@link CellRoutes#choose} picks
 * it; {@link CellRunner} loads what every route needs, and evaluates and records what the route returns.
 */
interface CellRoute {

    /** Trains the cell's model, leaving it on its best checkpoint. */
    Trained train(Cell cell);

    /** What a route trains from: the cell and what {@link CellRunner} loaded for it. */
    record Cell(CellKey key, TrainerConfig config, Scenario scenario, Dataset dataset, DatasetSplit split, String splitHash,
                Backbone backbone, Preprocessing prep, Optional<Augmentation> augmentation, TrainingGraphOptions graphOptions,
                HeadSpec head, Scorer scorer, Consumer<String> log, Set<String> trainIds) {

        /** The split the cell trains on: {@code split} with its training set narrowed to {@code trainIds} (null: all). */
        DatasetSplit trainSplit() {
            return split.withTrainOnly(trainIds);
        }

        /** The progress line of one epoch. */
        void logEpoch(EpochRecord r) {
            log.accept(String.format("  epoch %d: loss %.4f, val %.4f (lr %.2e, %d ms)", r.epoch() + 1, r.trainLoss(), r.valMetric(),
                    r.learningRate(), r.millis()));
        }
    }

    /**
     * What a route hands back.
     *
     * @param model            trained, holding its best checkpoint (or the kNN probe)
     * @param outcome          its history and best epoch
     * @param val              the validation data the model reads (cached outputs or images)
     * @param test             the test data, likewise
     * @param trainImages      images per training epoch
     * @param trainMillis      training, per-epoch validation included
     * @param featureMillis    running the backbone to fill the feature cache (0 on hits, and without the cache)
     * @param cacheHit         every split's outputs came from the cache
     * @param frozenParameters backbone parameters held constant
     * @param config           settings the route chose, for the provenance (the grid's learning rate)
     */
    record Trained(CellModel model, TrainingOutcome outcome, BatchSource val, BatchSource test, int trainImages,
                   long trainMillis, long featureMillis, boolean cacheHit, long frozenParameters, Map<String, Object> config) {
    }
}
