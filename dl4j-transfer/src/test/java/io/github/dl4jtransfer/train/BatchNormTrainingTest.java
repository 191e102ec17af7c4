package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNorm in training mode against PyTorch's {@code model.train()} on the tiny torchvision-layout ResNet
 * (fixtures/batchnorm_train, made by tools/reference/make_batchnorm_train_fixtures.py from fixtures/tiny/resnet152).
 */
class BatchNormTrainingTest {

    private static final Path RESNET = Fixtures.tiny("resnet152");
    private static final Path REF = Fixtures.ROOT.resolve("batchnorm_train");
    private static final TrainingGraphOptions BN = new TrainingGraphOptions(true, 0.0);

    private static INDArray input() {
        return Fixtures.npy(RESNET.resolveSibling("input_b4.npy"));
    }

    private static INDArray ref(String name) {
        return Fixtures.npy(REF.resolve(name + ".npy"));
    }

    private static TransferModel model(Scenario scenario, TrainingGraphOptions options) {
        return TransferModel.build(BackboneLoader.load(RESNET), scenario, HeadSpec.singleLabel(3), null, 11, options);
    }

    /** The training forward's features (B, 256), with no update of the running statistics. */
    private static INDArray trainingFeatures(TransferModel m, INDArray x) {
        String f = m.trainingName("features");
        Map<String, INDArray> feed = new HashMap<>(m.trainingFeed(x.size(0)));
        feed.put(m.inputName(), x);
        return m.sameDiff().output(feed, f).get(f);
    }

    private static INDArray evalFeatures(TransferModel m, INDArray x) {
        return m.sameDiff().output(Map.of(m.inputName(), x), "features").get("features");
    }

    private static INDArray labels(long n) {
        INDArray y = Nd4j.create(DataType.INT32, n);
        for (int i = 0; i < n; i++) y.putScalar(i, i % 3);
        return y;
    }

    /** One train-mode forward equals torch's (batch statistics), and differs from the eval-mode output. */
    @Test
    void trainingForwardMatchesTorchTrainMode() {
        TransferModel m = model(Scenario.UNFROZEN_LINEAR, BN);
        assertEquals(BN, m.trainingGraphOptions());
        INDArray train = trainingFeatures(m, input());
        double err = Fixtures.relativeL2(train, ref("features_train"));
        assertTrue(err < 1e-4, "train-mode features vs torch: rel L2 " + err);
        assertTrue(Fixtures.relativeL2(train, ref("features_eval")) > 0.1, "train mode must not equal eval mode");
        // Inference is untouched: the eval graph still gives torch's eval output.
        assertTrue(Fixtures.relativeL2(evalFeatures(m, input()), ref("features_eval")) < 1e-4);
    }

    /**
     * Under NONE the training forward is the exported eval graph: its loss is the one computed from torch's
     * eval-mode output, not from the train-mode one.
     */
    @Test
    void noneTrainsOnRunningStatistics() {
        TransferModel m = model(Scenario.UNFROZEN_LINEAR, TrainingGraphOptions.NONE);
        assertEquals(TrainingGraphOptions.NONE, m.trainingGraphOptions());
        assertEquals("features", m.trainingName("features"));
        assertEquals(List.of(TransferModel.LOSS), m.trainingOutputs());
        assertTrue(m.buffers().isEmpty());
        INDArray train = trainingFeatures(m, input());
        assertTrue(Fixtures.relativeL2(train, ref("features_eval")) < 1e-4);
        assertTrue(Fixtures.relativeL2(train, ref("features_train")) > 0.1);
    }

    /**
     * One training step updates every BatchNorm's running mean and variance as torch (momentum 0.1, unbiased batch
     * variance), and inference then uses them: eval features equal torch's eval output after the step.
     */
    @Test
    void runningStatisticsAfterOneStepMatchTorch() throws IOException {
        TransferModel m = model(Scenario.UNFROZEN_LINEAR, BN);
        INDArray x = input();
        Trainer.Step s = Trainer.gradients(m, x, m.labelMatrix(labels(x.size(0))), 0);
        assertTrue(Double.isFinite(s.loss()));

        List<String> layers = new ArrayList<>();
        for (String line : Files.readAllLines(REF.resolve("batchnorms.txt"))) layers.add(line.split(" ")[0]);
        assertEquals(20, layers.size());
        Map<String, INDArray> buffers = m.buffers();
        List<INDArray> means = new ArrayList<>(), vars = new ArrayList<>();
        for (String l : layers) {
            means.add(buffers.get(l + ".running_mean"));
            vars.add(buffers.get(l + ".running_var"));
        }
        INDArray mean = Nd4j.concat(0, means.toArray(new INDArray[0]));
        INDArray var = Nd4j.concat(0, vars.toArray(new INDArray[0]));
        assertTrue(Fixtures.relativeL2(mean, ref("running_mean")) < 1e-5, "running_mean rel L2 " + Fixtures.relativeL2(mean, ref("running_mean")));
        assertTrue(Fixtures.relativeL2(var, ref("running_var")) < 1e-5, "running_var rel L2 " + Fixtures.relativeL2(var, ref("running_var")));

        // The step also changed the weights; put back the imported ones to compare the eval graph with torch's.
        TransferModel fresh = model(Scenario.UNFROZEN_LINEAR, TrainingGraphOptions.NONE);
        for (String p : fresh.backbone().parameters().keySet()) m.parameter(p).assign(fresh.parameter(p));
        double err = Fixtures.relativeL2(evalFeatures(m, x), ref("features_eval_after"));
        assertTrue(err < 1e-4, "eval after the step vs torch: rel L2 " + err);
    }

    /** The running statistics are checkpointed with the weights: a restored checkpoint restores them too. */
    @Test
    void checkpointCarriesRunningStatistics() {
        TransferModel m = model(Scenario.UNFROZEN_LINEAR, BN);
        Map<String, INDArray> before = new HashMap<>();
        m.buffers().forEach((k, v) -> before.put(k, v.dup()));
        assertEquals(60, before.size()); // 20 layers × running_mean, running_var, inv_std
        Map<String, INDArray> state = new HashMap<>(m.buffers());
        BestCheckpoint cp = new BestCheckpoint(state, io.github.dl4jtransfer.eval.MetricKind.ACCURACY);
        cp.onEpoch(new EpochRecord(0, 1.0, 0.5, 1e-3, 1));
        INDArray x = input();
        // A training forward without the backward pass: the batch statistics, then the update a step makes.
        List<String> stats = m.trainingOutputs().subList(1, m.trainingOutputs().size());
        m.afterTrainingForward(m.sameDiff().output(Map.of(m.inputName(), x), stats.toArray(new String[0])), x.size(0));
        assertTrue(Fixtures.relativeL2(m.buffers().get("bn1.running_mean"), before.get("bn1.running_mean")) > 1e-3);
        cp.restore();
        for (Map.Entry<String, INDArray> e : before.entrySet()) {
            assertArrayEquals(e.getValue().toFloatVector(), m.buffers().get(e.getKey()).toFloatVector(), e.getKey());
        }
    }

    /**
     * The study switches nothing unless the whole backbone trains (defaults/models.py:188-189 puts a frozen or
     * partially unfrozen backbone in eval mode on every forward): frozen and last-k scenarios build as NONE, and
     * their logits are bit-identical to a model built without options.
     */
    @Test
    void onlyUnfrozenScenariosSwitch() {
        for (Scenario s : List.of(Scenario.FROZEN_LINEAR, Scenario.parse("last1-linear"))) {
            TransferModel m = model(s, BN);
            assertEquals(TrainingGraphOptions.NONE, m.trainingGraphOptions(), s.name());
            assertEquals("features", m.trainingName("features"));
        }
        INDArray x = input();
        INDArray with = model(Scenario.UNFROZEN_LINEAR, BN).logits(x);
        INDArray without = model(Scenario.UNFROZEN_LINEAR, TrainingGraphOptions.NONE).logits(x);
        assertArrayEquals(without.ravel().toFloatVector(), with.ravel().toFloatVector(), 0f, "inference must not change");
    }
}
