package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Activation checkpointing gives the gradients of the whole graph — for every study family, with the DeiT classifier
 * appended (its body is cut too), under partial unfreezing, and with BatchNorm in training mode and drop-path — while
 * a step holds less at once.
 */
class ActivationCheckpointsTest {

    @ParameterizedTest
    @ValueSource(strings = {"deit-b16", "dinov2-vitb14", "sam-vitb", "openclip-vitb16", "blip-vitb16", "dino-vitb16",
            "seem-focalnet-t", "resnet152"})
    void everyFamilyGetsTheWholeGraphsGradients(String family) {
        Pair p = pair(family, Scenario.UNFROZEN_LINEAR, TrainingGraphOptions.NONE, 0);
        assertTrue(p.checkpointed().checkpointSegments() >= 2, family + ": no cut between blocks");
        assertSame(p);
    }

    /**
     * Other architectures a user may bring (torchvision's, tiny): squeeze-excitation products, depthwise blocks,
     * shifted windows, dense concatenations. A network without identity residual blocks has nowhere to cut and trains
     * whole.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v2-tiny", "efficientnet_b0-tiny", "regnet_y-tiny", "convnext-tiny", "swin-tiny",
            "vit-tiny", "densenet-tiny", "squeezenet-tiny"})
    void otherArchitecturesToo(String name) {
        java.nio.file.Path onnx = Fixtures.ROOT.resolve("torchvision").resolve(name).resolve("model.onnx");
        TransferModel plain = TransferModel.build(BackboneLoader.load(onnx), Scenario.UNFROZEN_LINEAR, HeadSpec.singleLabel(3),
                null, 7, TrainingGraphOptions.NONE, false);
        TransferModel cut = TransferModel.build(BackboneLoader.load(onnx), Scenario.UNFROZEN_LINEAR, HeadSpec.singleLabel(3),
                null, 7, TrainingGraphOptions.NONE, true);
        TrainFixtures.ImageSet data = TrainFixtures.images(plain.backbone(), 4, 3, 5);
        INDArray y = plain.labelMatrix(data.labels());
        assertSame(new Pair(cut, Trainer.gradients(plain, data.images(), y, 0), Trainer.gradients(cut, data.images(), y, 0)));
        // densenet concatenates, squeezenet has no residual sums, the tiny RegNet's stages are one projection block each
        boolean blocks = !name.startsWith("densenet") && !name.startsWith("squeezenet") && !name.startsWith("regnet");
        assertEquals(blocks, cut.checkpointSegments() >= 2, name + ": " + cut.checkpointSegments() + " segments");
    }

    @Test
    void theAppendedDeitClassifierIsCutToo() {
        Pair p = pair("dino-vitb16", Scenario.parse("unfrozen-deit"), TrainingGraphOptions.NONE, 0);
        Pair linear = pair("dino-vitb16", Scenario.UNFROZEN_LINEAR, TrainingGraphOptions.NONE, 0);
        assertTrue(p.checkpointed().checkpointSegments() > linear.checkpointed().checkpointSegments(),
                p.checkpointed().checkpointSegments() + " segments with the DeiT classifier");
        assertSame(p);
    }

    @Test
    void partialUnfreezingRecomputesOnlyWhatTrains() {
        assertSame(pair("deit-b16", Scenario.parse("last1-linear"), TrainingGraphOptions.NONE, 0));
    }

    @Test
    void batchNormTrainingAndDropPathMatchToo() {
        // same seed: the same drop-path masks in both models; the batch statistics come back for the running update
        assertSame(pair("resnet152", Scenario.UNFROZEN_LINEAR, new TrainingGraphOptions(true, 0.0), 0));
        assertSame(pair("seem-focalnet-t", Scenario.UNFROZEN_LINEAR, new TrainingGraphOptions(false, 0.3), 0));
    }

    @Test
    void microBatchesCombine() {
        assertSame(pair("deit-b16", Scenario.UNFROZEN_LINEAR, TrainingGraphOptions.NONE, 3));
    }

    @Test
    void aStepHoldsLessAtOnce() {
        Pair p = pair("deit-b16", Scenario.UNFROZEN_LINEAR, TrainingGraphOptions.NONE, 0);
        assertTrue(p.cut().sessionPeakBytes() < p.whole().sessionPeakBytes(),
                "checkpointed peak " + p.cut().sessionPeakBytes() + " B vs whole " + p.whole().sessionPeakBytes() + " B");
    }

    @Test
    void frozenScenariosAreNotCut() {
        TransferModel m = TransferModel.build(BackboneLoader.load(Fixtures.tiny("deit-b16")), Scenario.FROZEN_LINEAR,
                HeadSpec.singleLabel(3), null, 1, TrainingGraphOptions.NONE, true);
        assertEquals(0, m.checkpointSegments());
    }

    private record Pair(TransferModel checkpointed, Trainer.Step whole, Trainer.Step cut) {
    }

    private static Pair pair(String family, Scenario scenario, TrainingGraphOptions options, int micro) {
        TransferModel plain = TransferModel.build(BackboneLoader.load(Fixtures.tiny(family)), scenario, HeadSpec.singleLabel(3),
                TrainFixtures.DEIT_TAIL, 7, options, false);
        TransferModel cut = TransferModel.build(BackboneLoader.load(Fixtures.tiny(family)), scenario, HeadSpec.singleLabel(3),
                TrainFixtures.DEIT_TAIL, 7, options, true);
        assertEquals(plain.trainableNames(), cut.trainableNames());
        TrainFixtures.ImageSet data = TrainFixtures.images(plain.backbone(), 6, 3, 11);
        INDArray y = plain.labelMatrix(data.labels());
        Trainer.Step a = Trainer.gradients(plain, data.images(), y, micro);
        Trainer.Step b = Trainer.gradients(cut, data.images(), y, micro);
        // BatchNorm: both models folded the same batch statistics into their running statistics
        for (Map.Entry<String, INDArray> e : plain.buffers().entrySet()) {
            double rel = Fixtures.relativeL2(cut.buffers().get(e.getKey()), e.getValue());
            assertTrue(rel < 1e-5, e.getKey() + ": " + rel);
        }
        return new Pair(cut, a, b);
    }

    private static void assertSame(Pair p) {
        Trainer.Step a = p.whole(), b = p.cut();
        assertEquals(a.loss(), b.loss(), 1e-6 * Math.max(1, Math.abs(a.loss())));
        assertEquals(a.gradients().keySet(), b.gradients().keySet());
        for (String n : a.gradients().keySet()) {
            double rel = Fixtures.relativeL2(b.gradients().get(n), a.gradients().get(n));
            assertTrue(rel < 1e-5, n + ": relative L2 difference " + rel);
        }
    }
}
