package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureCacheTest {

    @TempDir
    Path dir;

    private static FeatureCache.Key key(Backbone b, String preprocessing, boolean tokens) {
        return new FeatureCache.Key(b.sha256(), "dataset-hash", "train", "split-hash", preprocessing, tokens);
    }

    @Test
    void secondLookupIsAHitWithIdenticalArrays() {
        Backbone backbone = BackboneLoader.load(Fixtures.tiny("dinov2-vitb14"));
        TrainFixtures.ImageSet data = TrainFixtures.images(backbone, 12, 3, 4);
        FeatureCache cache = new FeatureCache(dir);
        FeatureCache.Entry first = cache.getOrCompute(key(backbone, "pp1", true), backbone, data.source(5, false, 0));
        FeatureCache.Entry second = cache.getOrCompute(key(backbone, "pp1", true), backbone, data.source(5, false, 0));
        assertFalse(first.hit());
        assertTrue(second.hit());
        assertEquals(first.features(), second.features());
        assertEquals(first.tokens(), second.tokens());
        assertEquals(data.ids(), second.ids());
        assertEquals(backbone.forward(data.images()).get(backbone.outputName(BackboneOutput.FEATURES)), second.features());
        // Another preprocessing is another entry: never serve features computed from other pixels.
        assertFalse(cache.contains(key(backbone, "pp2", true)));
        assertNotEquals(key(backbone, "pp1", true).digest(), key(backbone, "pp1", false).digest());
    }

    @Test
    void cachedFrozenLinearMatchesTrainingThroughTheBackbone() {
        TrainerConfig config = TrainerConfig.builder().optLearningRate(1e-2).optEpochs(3).optWarmupEpochs(1).optBatchSize(6).optSeed(9).build();
        Backbone backbone = BackboneLoader.load(Fixtures.tiny("deit-b16"));
        TrainFixtures.ImageSet data = TrainFixtures.images(backbone, 18, 3, 5);
        FeatureCache.Entry feats = new FeatureCache(dir).getOrCompute(key(backbone, "pp", false), backbone, data.source(6, false, 0));

        LinearProbe.Result cached = LinearProbe.fit(feats.source(false, 6, true, 9), feats.source(false, 6, false, 0),
                feats.features().size(1), HeadSpec.singleLabel(3), config, null, TrainFixtures::accuracy);

        TransferModel full = TransferModel.build(backbone, Scenario.FROZEN_LINEAR, HeadSpec.singleLabel(3), null, 9);
        TrainingOutcome direct = new Trainer(config).fit(full, data.source(6, true, 9), data.source(6, false, 0), TrainFixtures::accuracy);

        assertEquals(direct.history().size(), cached.outcome().history().size());
        for (int e = 0; e < direct.history().size(); e++) {
            assertEquals(direct.history().get(e).trainLoss(), cached.outcome().history().get(e).trainLoss(), 1e-4, "epoch " + e);
            assertEquals(direct.history().get(e).valMetric(), cached.outcome().history().get(e).valMetric(), 1e-9, "epoch " + e);
        }
        assertEquals(full.parameter("head.weight").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE),
                cached.model().parameter("head.weight").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
    }

    @Test
    void cachedFrozenDeitMatchesTrainingThroughTheBackbone() {
        TrainerConfig config = TrainerConfig.builder().optLearningRate(1e-3).optEpochs(2).optWarmupEpochs(0).optBatchSize(6).optSeed(4).build();
        Backbone backbone = BackboneLoader.load(Fixtures.tiny("dinov2-vitb14"));
        TrainFixtures.ImageSet data = TrainFixtures.images(backbone, 12, 3, 8);
        FeatureCache.Entry cached = new FeatureCache(dir).getOrCompute(key(backbone, "pp", true), backbone, data.source(6, false, 0));

        TransferModel onTokens = TransferModel.forTokens(cached.tokens().size(1), cached.tokens().size(2), HeadSpec.singleLabel(3),
                TrainFixtures.DEIT_TAIL, 4);
        TrainingOutcome viaCache = new Trainer(config).fit(onTokens, cached.source(true, 6, true, 4), cached.source(true, 6, false, 0),
                TrainFixtures::accuracy);
        TransferModel full = TransferModel.build(backbone, Scenario.FROZEN_DEIT, HeadSpec.singleLabel(3), TrainFixtures.DEIT_TAIL, 4);
        TrainingOutcome direct = new Trainer(config).fit(full, data.source(6, true, 4), data.source(6, false, 0), TrainFixtures::accuracy);

        for (int e = 0; e < 2; e++) {
            assertEquals(direct.history().get(e).trainLoss(), viaCache.history().get(e).trainLoss(), 1e-4, "epoch " + e);
        }
        assertEquals(full.trainableParameterCount(), onTokens.trainableParameterCount());
    }

    @Test
    void gridPicksTheLearningRateThatLearns() {
        Backbone backbone = BackboneLoader.load(Fixtures.tiny("resnet152"));
        TrainFixtures.ImageSet data = TrainFixtures.images(backbone, 24, 3, 6);
        FeatureCache.Entry feats = FeatureCache.compute(backbone, data.source(8, false, 0), false, System.nanoTime());
        TrainerConfig config = TrainerConfig.builder().optEpochs(6).optWarmupEpochs(0).optBatchSize(8).optSeed(2).build();
        LinearProbe.Result r = LinearProbe.fit(feats.source(false, 8, true, 2), feats.source(false, 8, false, 0),
                feats.features().size(1), HeadSpec.singleLabel(3), config, new double[]{1e-7, 3e-2}, TrainFixtures::accuracy);
        assertEquals(2, r.grid().size());
        assertEquals(3e-2, r.learningRate());
        assertTrue(r.grid().get(1).bestValMetric() >= r.grid().get(0).bestValMetric(), r.grid().toString());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), r.outcome().history().stream().map(EpochRecord::epoch).toList());
    }
}
