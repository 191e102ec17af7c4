package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.data.pipeline.ImagePipeline;
import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.train.FeatureCache;
import io.github.dl4jtransfer.train.TrainingOutcome;
import io.github.dl4jtransfer.train.TransferModel;

import java.nio.file.Path;
import java.util.Map;

/**
 * A cell's train/val/test backbone outputs from the feature cache (computed and stored on a miss), as the
 * cached routes train on them: the backbone itself never trains there, so all its parameters stay frozen.
 *
 * @param trainEntry       the training split's cached arrays (their shapes size the head)
 * @param train            shuffled per epoch from the cell's seed
 * @param val              validation, in order
 * @param test             test, in order
 * @param featureMillis    time spent computing entries that were not cached
 * @param hit              all three splits came from the cache
 * @param frozenParameters the whole backbone's: it only ran to fill the cache
 */
record CachedSplits(FeatureCache.Entry trainEntry, BatchSource train, BatchSource val, BatchSource test, long featureMillis,
                    boolean hit, long frozenParameters) {

    /** @param cacheDir the feature cache, or null to compute the outputs for this cell only, storing nothing */
    static CachedSplits load(Path cacheDir, CellRoute.Cell cell, BackboneOutput output) {
        boolean tokens = output == BackboneOutput.TOKENS;
        FeatureCache cache = cacheDir == null ? null : new FeatureCache(cacheDir);
        int batch = cell.config().batchSize();
        // The cache holds the whole training split (its key does not know the subset); a cell on part of it trains on
        // its subset's rows.
        FeatureCache.Entry tr = get(cache, cell, Split.TRAIN, tokens).subset(cell.trainIds());
        FeatureCache.Entry va = get(cache, cell, Split.VAL, tokens);
        FeatureCache.Entry te = get(cache, cell, Split.TEST, tokens);
        long featureMillis = (tr.hit() ? 0 : tr.millis()) + (va.hit() ? 0 : va.millis()) + (te.hit() ? 0 : te.millis());
        boolean hit = tr.hit() && va.hit() && te.hit();
        cell.log().accept("  features: " + (hit ? "from cache" : "computed in " + featureMillis + " ms") + " ("
                + tr.size() + "/" + va.size() + "/" + te.size() + " train/val/test)");
        return new CachedSplits(tr, tr.source(tokens, batch, true, cell.key().seed()), va.source(tokens, batch, false, 0),
                te.source(tokens, batch, false, 0), featureMillis, hit, cell.backbone().parameterCount());
    }

    private static FeatureCache.Entry get(FeatureCache cache, CellRoute.Cell cell, Split split, boolean tokens) {
        Backbone b = cell.backbone();
        String outputs = b.featureTaps() == Protocol.MODERN ? null
                : b.outputName(BackboneOutput.FEATURES) + "," + (tokens ? b.outputName(BackboneOutput.TOKENS) : "");
        FeatureCache.Key key = new FeatureCache.Key(b.sha256(), cell.dataset().contentHash(), split.name().toLowerCase(),
                cell.splitHash(), cell.prep().fingerprint(), tokens, outputs);
        BatchSource source = ImagePipeline.eval(cell.split(), split, cell.prep(), cell.config().batchSize());
        return cache == null ? FeatureCache.compute(cell.backbone(), source, tokens, System.nanoTime())
                : cache.getOrCompute(key, cell.backbone(), source);
    }

    /** The route's result for a model trained on these splits since {@code trainStartNanos}. */
    CellRoute.Trained trained(TransferModel model, TrainingOutcome outcome, long trainStartNanos, Map<String, Object> config) {
        return trained(CellModel.of(model), outcome, trainStartNanos, config);
    }

    /** Likewise for a model that is not a {@link TransferModel} (the kNN probe). */
    CellRoute.Trained trained(CellModel model, TrainingOutcome outcome, long trainStartNanos, Map<String, Object> config) {
        return new CellRoute.Trained(model, outcome, val, test, trainEntry.size(), (System.nanoTime() - trainStartNanos) / 1_000_000,
                featureMillis, hit, frozenParameters, config);
    }
}
