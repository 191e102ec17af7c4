package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient accumulation ({@code optMicroBatchSize}): a batch computed in slices gives the whole batch's loss and
 * gradients, for uneven slices and multi-label losses too, and training with it follows the same path.
 */
class GradientAccumulationTest {

    @Test
    void slicesGiveTheWholeBatchGradient() {
        check(HeadSpec.singleLabel(3), null);
    }

    @Test
    void slicesGiveTheWholeBatchGradientForMultiLabelLoss() {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 7, 4);
        for (int i = 0; i < 7; i++) for (int j = 0; j < 4; j++) if ((i * 3 + j) % 3 == 0) y.putScalar(i, j, 1f);
        check(HeadSpec.multiLabel(4), y);
    }

    private static void check(HeadSpec head, INDArray multiHot) {
        TransferModel m = TransferModel.build(BackboneLoader.load(Fixtures.tiny("sam-vitb")), Scenario.UNFROZEN_LINEAR, head, null, 3);
        TrainFixtures.ImageSet data = TrainFixtures.images(m.backbone(), 7, 3, 9);
        INDArray labels = m.labelMatrix(multiHot != null ? multiHot : data.labels());
        Trainer.Step whole = Trainer.gradients(m, data.images(), labels, 0);
        Trainer.Step sliced = Trainer.gradients(m, data.images(), labels, 3); // 3 + 3 + 1 images
        assertEquals(whole.loss(), sliced.loss(), 1e-6 * Math.abs(whole.loss()));
        assertEquals(whole.gradients().keySet(), sliced.gradients().keySet());
        for (String n : whole.gradients().keySet()) {
            INDArray a = whole.gradients().get(n), b = sliced.gradients().get(n);
            double scale = Math.max(a.norm2Number().doubleValue(), 1e-12);
            double rel = a.sub(b).norm2Number().doubleValue() / scale;
            assertTrue(rel < 1e-5, n + ": relative L2 difference " + rel);
        }
    }

    @Test
    void trainingWithMicroBatchesFollowsTheSamePath() {
        TrainerConfig plain = TransferScenarioTest.quick(2);
        TrainerConfig micro = plain.toBuilder().optMicroBatchSize(3).build();
        assertEquals(3, micro.microBatchSize());
        TrainingOutcome a = fit(plain), b = fit(micro);
        for (int e = 0; e < 2; e++) {
            assertEquals(a.history().get(e).trainLoss(), b.history().get(e).trainLoss(), 1e-4, "epoch " + e + " loss");
        }
    }

    private static TrainingOutcome fit(TrainerConfig config) {
        TransferModel m = TransferModel.build(BackboneLoader.load(Fixtures.tiny("deit-b16")), Scenario.UNFROZEN_LINEAR, HeadSpec.singleLabel(3), null, 5);
        TrainFixtures.ImageSet data = TrainFixtures.images(m.backbone(), 16, 3, 4);
        return new Trainer(config).fit(m, data.source(8, true, 2), data.source(8, false, 0), TrainFixtures::accuracy);
    }

    @Test
    void negativeMicroBatchIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optMicroBatchSize(-1).build());
        assertTrue(e.getMessage().startsWith("<microBatchSize>: -1 must be >= 0"), e.getMessage());
    }
}
