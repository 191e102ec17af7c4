package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.graph.Dim;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;

import java.util.function.Consumer;

/** The one place that decides how a cell trains. */
final class CellRoutes {

    /** Cached DeiT tokens are held in memory for training: use them only while they fit in a few GiB. */
    private static final double TOKEN_CACHE_LIMIT_BYTES = 4.0 * (1L << 30);

    private CellRoutes() {
    }

    /**
     * Frozen scenarios on un-augmented images train on cached backbone outputs when the plan has the feature cache
     * on (linear heads on features with the learning-rate grid, the DeiT classifier on tokens while they fit in
     * memory); every other cell trains through the backbone — frozen ones on the same un-augmented images, so the
     * route never changes what a cell learns from. Under the study's protocol frozen cells see augmented images,
     * so they never use the cache. {@code frozen-knn} always reads un-augmented features, through the cache when it
     * is on.
     */
    static CellRoute choose(BenchmarkPlan plan, Scenario scenario, CellRecipe recipe, Backbone backbone, DatasetSplit split,
                            Consumer<String> log) {
        if (scenario.head() == HeadKind.KNN) return new KnnRoute(plan.featureCache() ? plan.cacheDir() : null);
        if (plan.featureCache() && scenario.cacheable() && recipe.augmentation().isEmpty()) {
            if (scenario.head() == HeadKind.LINEAR) return new CachedProbeRoute(plan.cacheDir(), plan.learningRateGrid());
            if (tokensFitInMemory(backbone, split, log)) return new CachedTailRoute(plan.cacheDir(), plan.deitTail());
        }
        return new EndToEndRoute(plan.deitTail());
    }

    private static boolean tokensFitInMemory(Backbone backbone, DatasetSplit split, Consumer<String> log) {
        Dim[] t = backbone.outputShape(backbone.outputName(BackboneOutput.TOKENS));
        double bytes = (double) split.dataset().size() * t[1].value() * t[2].value() * 4;
        if (bytes <= TOKEN_CACHE_LIMIT_BYTES) return true;
        log.accept(String.format("  tokens of %d images need %.1f GiB: training through the frozen backbone instead of the cache",
                split.dataset().size(), bytes / (1L << 30)));
        return false;
    }
}
