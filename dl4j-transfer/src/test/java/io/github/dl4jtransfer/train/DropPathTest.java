package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.TrainingForward;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stochastic depth in the training forward, on the real tiny exports: SEEM's FocalNet (the study's 0.3) and DeiT.
 */
class DropPathTest {

    private static final Path FOCAL = Fixtures.tiny("seem-focalnet-t");
    private static final Path DEIT = Fixtures.tiny("deit-b16");

    private static TransferModel model(Path onnx, Scenario scenario, long seed, TrainingGraphOptions options) {
        return TransferModel.build(BackboneLoader.load(onnx), scenario, HeadSpec.singleLabel(3), TrainFixtures.DEIT_TAIL, seed, options);
    }

    private static INDArray input(Path onnx) {
        return Fixtures.npy(onnx.resolveSibling("input_b4.npy"));
    }

    private static INDArray trainingFeatures(TransferModel m, INDArray x, Map<String, INDArray> masks) {
        String f = m.trainingName("features");
        Map<String, INDArray> feed = new HashMap<>(masks);
        feed.put(m.inputName(), x);
        return m.sameDiff().output(feed, f).get(f);
    }

    private static INDArray evalFeatures(TransferModel m, INDArray x) {
        return m.sameDiff().output(Map.of(m.inputName(), x), "features").get("features");
    }

    private static float[] flat(INDArray a) {
        return a.ravel().toFloatVector();
    }

    /** torch.linspace(0, rate, depth) as float32, item() by item(): values printed by torch 1.13. */
    @Test
    void blockRatesAreTorchLinspace() {
        assertArrayEquals(new double[]{0.0, 0.10000000149011612, 0.20000001788139343, 0.30000001192092896},
                TrainingGraphOptions.blockRates(0.3, 4));
        assertArrayEquals(new double[]{0.0, 0.027272729203104973, 0.054545458406209946, 0.08181818574666977,
                0.10909091681241989, 0.13636364042758942, 0.16363637149333954, 0.19090908765792847, 0.2181818187236786,
                0.2454545497894287, 0.27272728085517883, 0.30000001192092896}, TrainingGraphOptions.blockRates(0.3, 12));
        double[] r36 = TrainingGraphOptions.blockRates(0.2, 36);
        assertEquals(0.0057142856530845165, r36[1]);
        assertEquals(0.1257142871618271, r36[22]);
        assertEquals(0.20000000298023224, r36[35]);
        assertArrayEquals(new double[]{0.0}, TrainingGraphOptions.blockRates(0.3, 1));
    }

    /**
     * SEEM (focal_dw.py:426, rate 0.3): one mask per branch of blocks 1..3 at their block's rate; block 0's rate is
     * 0, where torch has an Identity instead of DropPath, so it gets no mask.
     */
    @Test
    void masksSitOnTheBranchesAtTheirBlocksRate() {
        TransferModel m = model(FOCAL, Scenario.UNFROZEN_LINEAR, 1, new TrainingGraphOptions(false, 0.3));
        assertEquals(new TrainingGraphOptions(false, 0.3), m.trainingGraphOptions());
        List<TrainingForward.DropPathMask> masks = m.dropPathMasks();
        assertEquals(List.of("layers.1.blocks.0", "layers.1.blocks.0", "layers.2.blocks.0", "layers.2.blocks.0",
                "layers.3.blocks.0", "layers.3.blocks.0"), masks.stream().map(k -> k.branch().block()).toList());
        double[] rates = TrainingGraphOptions.blockRates(0.3, 4);
        for (TrainingForward.DropPathMask k : masks) assertEquals(rates[k.branch().blockIndex()], k.rate(), k.toString());
        // BatchNorm training asked for on a backbone without BatchNorm: only drop-path is in effect.
        assertEquals(new TrainingGraphOptions(false, 0.3),
                model(FOCAL, Scenario.UNFROZEN_LINEAR, 1, new TrainingGraphOptions(true, 0.3)).trainingGraphOptions());
    }

    /**
     * Every ViT family takes masks on its 2 × blocks branches (blocks 1.. at rate > 0) and runs a training forward
     * with them, whatever its token layout (OpenCLIP runs sequence-first, SAM on windows).
     */
    @ParameterizedTest
    @CsvSource({"dino-vitb16, 2", "dinov2-vitb14, 2", "blip-vitb16, 2", "openclip-vitb16, 2", "sam-vitb, 4"})
    void everyViTFamilyRunsWithMasks(String family, int masks) {
        Path onnx = Fixtures.tiny(family);
        TransferModel m = model(onnx, Scenario.UNFROZEN_LINEAR, 1, new TrainingGraphOptions(false, 0.5));
        // 2 blocks: block 0 at rate 0 (no mask), block 1 at 0.5 (SAM's export runs block 1 twice)
        assertEquals(masks, m.dropPathMasks().size(), family);
        for (TrainingForward.DropPathMask k : m.dropPathMasks()) assertEquals(0.5, k.rate(), family);
        INDArray x = input(onnx);
        Map<String, INDArray> ones = new HashMap<>();
        for (TrainingForward.DropPathMask k : m.dropPathMasks()) {
            long[] shape = new long[k.rank()];
            java.util.Arrays.fill(shape, 1);
            shape[k.batchAxis()] = x.size(0);
            ones.put(k.placeholder(), Nd4j.ones(DataType.FLOAT, shape));
        }
        INDArray eval = evalFeatures(m, x);
        assertArrayEquals(flat(eval), flat(trainingFeatures(m, x, ones)), 0f, family);
        assertTrue(Double.isFinite(trainingFeatures(m, x, m.trainingFeed(x.size(0))).sumNumber().doubleValue()), family);
    }

    /** Rate 0 (or NONE): no training copy; the training forward is the eval forward, exactly. */
    @Test
    void rateZeroIsTheEvalForward() {
        for (TrainingGraphOptions o : List.of(TrainingGraphOptions.NONE, new TrainingGraphOptions(false, 0.0),
                new TrainingGraphOptions(true, 0.0))) { // the last: a ViT has no BatchNorm to switch
            TransferModel m = model(DEIT, Scenario.UNFROZEN_LINEAR, 1, o);
            assertEquals(TrainingGraphOptions.NONE, m.trainingGraphOptions(), o.toString());
            assertEquals("features", m.trainingName("features"));
            assertTrue(m.trainingFeed(4).isEmpty());
            assertEquals(List.of(TransferModel.LOSS), m.trainingOutputs());
        }
    }

    /**
     * Masks are drawn from the model's seed: the same seed gives the same masks and training outputs, another seed
     * others; the eval forward (validation, prediction) is bit-identical to a model built without drop-path.
     */
    @Test
    void masksDifferPerSeedAndReproduce() {
        TrainingGraphOptions o = new TrainingGraphOptions(false, 0.5);
        TransferModel a = model(DEIT, Scenario.UNFROZEN_LINEAR, 1, o);
        TransferModel a2 = model(DEIT, Scenario.UNFROZEN_LINEAR, 1, o);
        TransferModel b = model(DEIT, Scenario.UNFROZEN_LINEAR, 2, o);
        INDArray x = input(DEIT);
        INDArray fa = trainingFeatures(a, x, a.trainingFeed(4));
        INDArray fa2 = trainingFeatures(a2, x, a2.trainingFeed(4));
        INDArray fb = trainingFeatures(b, x, b.trainingFeed(4));
        assertArrayEquals(flat(fa), flat(fa2), 0f);
        assertFalse(java.util.Arrays.equals(flat(fa), flat(fb)), "another seed must draw other masks");
        // The next draw of the same model differs from its first.
        assertFalse(java.util.Arrays.equals(flat(fa), flat(trainingFeatures(a, x, a.trainingFeed(4)))));

        INDArray eval = model(DEIT, Scenario.UNFROZEN_LINEAR, 1, TrainingGraphOptions.NONE).logits(x);
        assertArrayEquals(flat(eval), flat(a.logits(x)), 0f, "inference must not change");
        assertTrue(Fixtures.relativeL2(fa, evalFeatures(a, x)) > 1e-3, "drop-path must change the training forward");
    }

    /** Per sample and branch: dropped with the block's rate, else scaled by 1/(1 - rate). */
    @Test
    void maskStatistics() {
        TransferModel m = model(FOCAL, Scenario.UNFROZEN_LINEAR, 3, new TrainingGraphOptions(false, 0.9));
        int n = 4000;
        Map<String, INDArray> feed = m.trainingFeed(n);
        for (TrainingForward.DropPathMask k : m.dropPathMasks()) {
            INDArray mask = feed.get(k.placeholder());
            assertEquals(k.rank(), mask.rank());
            assertEquals(n, mask.size(k.batchAxis()));
            float kept = (float) (1 / (1 - k.rate()));
            int dropped = 0;
            for (float v : flat(mask)) {
                assertTrue(v == 0f || v == kept, "mask value " + v);
                if (v == 0f) dropped++;
            }
            double sigma = Math.sqrt(k.rate() * (1 - k.rate()) / n);
            assertEquals(k.rate(), dropped / (double) n, 4 * sigma, k.toString());
        }
    }

    /**
     * A block whose branches are dropped reduces to its shortcut: with both masks of the last block at 0 (others
     * at 1) the training forward equals the eval forward of the same network with that block's layer-scales
     * (gamma_1, gamma_2, which multiply its branches) set to 0; with all masks at 1 it is the eval forward exactly.
     */
    @Test
    void droppedBlockReducesToItsShortcut() {
        TransferModel m = model(FOCAL, Scenario.UNFROZEN_LINEAR, 1, new TrainingGraphOptions(false, 0.3));
        INDArray x = input(FOCAL);
        Map<String, INDArray> ones = new HashMap<>(), lastDropped = new HashMap<>();
        for (TrainingForward.DropPathMask k : m.dropPathMasks()) {
            long[] shape = new long[k.rank()];
            java.util.Arrays.fill(shape, 1);
            shape[k.batchAxis()] = 4;
            ones.put(k.placeholder(), Nd4j.ones(DataType.FLOAT, shape));
            boolean last = k.branch().block().equals("layers.3.blocks.0");
            lastDropped.put(k.placeholder(), last ? Nd4j.zeros(DataType.FLOAT, shape) : Nd4j.ones(DataType.FLOAT, shape));
        }
        INDArray eval = evalFeatures(m, x);
        assertArrayEquals(flat(eval), flat(trainingFeatures(m, x, ones)), 0f);
        INDArray dropped = trainingFeatures(m, x, lastDropped);
        assertTrue(Fixtures.relativeL2(dropped, eval) > 1e-3);
        for (String g : List.of("layers.3.blocks.0.gamma_1", "layers.3.blocks.0.gamma_2")) {
            assertNotNull(m.parameter(g), g);
            m.parameter(g).assign(0);
        }
        assertArrayEquals(flat(evalFeatures(m, x)), flat(dropped), 1e-6f);
    }

    /**
     * A training step runs through the masked copy (gradients reach the masked blocks), also under the DeiT
     * classifier, whose second application shares the first one's weights.
     */
    @Test
    void stepsThroughTheTrainingCopy() {
        for (Scenario s : List.of(Scenario.UNFROZEN_LINEAR, Scenario.UNFROZEN_DEIT)) {
            TransferModel m = model(DEIT, s, 5, new TrainingGraphOptions(false, 0.2));
            assertEquals(2, m.dropPathMasks().size(), s.name());
            INDArray x = input(DEIT);
            INDArray y = Nd4j.createFromArray(0, 1, 2, 0);
            Trainer.Step step = Trainer.gradients(m, x, m.labelMatrix(y), 0);
            assertTrue(Double.isFinite(step.loss()), s.name());
            INDArray g = step.gradients().get("blocks.1.mlp.fc2.weight");
            assertNotNull(g, s.name());
            assertTrue(g.norm2Number().doubleValue() > 0, s.name());
            assertEquals(m.trainableNames().size(), step.gradients().size(), s.name());
        }
    }
}
