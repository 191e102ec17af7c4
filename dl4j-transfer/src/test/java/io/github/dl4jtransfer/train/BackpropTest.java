package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.ReleasingMemoryMgr;
import io.github.dl4jtransfer.graph.Sessions;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Backprop} releases intermediates while the gradient function runs; it must return exactly what
 * SameDiff's own {@code calculateGradientsAndOutputs} returns, for every family, on repeated calls (the
 * second runs on the session state the first left) and for every trainable weight.
 */
class BackpropTest {

    @TestFactory
    List<DynamicTest> sameGradientsAsTheStockCallForEveryFamily() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : TransferScenarioTest.FAMILIES) {
            tests.add(DynamicTest.dynamicTest(family, () -> compare(family, Scenario.UNFROZEN_DEIT, HeadSpec.singleLabel(3))));
        }
        return tests;
    }

    @Test
    void sameGradientsForAMultiLabelLinearHead() {
        compare("deit-b16", Scenario.UNFROZEN_LINEAR, HeadSpec.multiLabel(4));
    }

    @Test
    void releasesIntermediatesWhileTheGradientFunctionRuns() {
        // What the stock call cannot do: hold less than everything it allocated. A tiny ViT at batch 4
        // allocates every forward activation and backward intermediate once; the live set at any time is
        // the activations still needed by the backward pass plus one frontier.
        TransferModel m = model("deit-b16", Scenario.UNFROZEN_LINEAR, HeadSpec.singleLabel(3));
        TrainFixtures.ImageSet data = TrainFixtures.images(m.backbone(), 4, 3, 5);
        Map<String, INDArray> feed = Map.of(m.inputName(), data.images(), TransferModel.LABELS, m.labelMatrix(data.labels()));
        Backprop.Result r = Backprop.run(m.sameDiff(), feed, List.of(TransferModel.LOSS), m.trainableNames());
        long allocated = Sessions.forGradients(m.sameDiff().getFunction(Backprop.GRAD_FUNCTION)).allocatedBytes();
        assertTrue(r.sessionPeakBytes() > 0, "the session allocated through the releasing manager");
        assertTrue(r.sessionPeakBytes() < allocated / 2, "peak " + r.sessionPeakBytes() + " bytes of " + allocated + " allocated");
        r.close();
        assertTrue(r.gradients().values().iterator().next().wasClosed(), "close() frees the returned gradients");
    }

    @Test
    void laterStepsReuseTheBuffersOfEarlierOnes() {
        // libnd4j zero-fills each fresh buffer: a step that reuses the last step's buffers skips that (and the page
        // faults). The values are the stock call's (sameGradientsAsTheStockCallForEveryFamily runs two calls).
        TransferModel m = model("resnet152", Scenario.UNFROZEN_LINEAR, HeadSpec.singleLabel(3));
        TrainFixtures.ImageSet data = TrainFixtures.images(m.backbone(), 4, 3, 5);
        Map<String, INDArray> feed = Map.of(m.inputName(), data.images(), TransferModel.LABELS, m.labelMatrix(data.labels()));
        Backprop.run(m.sameDiff(), feed, List.of(TransferModel.LOSS), m.trainableNames()).close();
        ReleasingMemoryMgr mmgr = Sessions.forGradients(m.sameDiff().getFunction(Backprop.GRAD_FUNCTION));
        long allocated = mmgr.allocatedBytes(), reused = mmgr.reusedBytes();
        Backprop.run(m.sameDiff(), feed, List.of(TransferModel.LOSS), m.trainableNames()).close();
        long stepAllocated = mmgr.allocatedBytes() - allocated, stepReused = mmgr.reusedBytes() - reused;
        // all but the returned gradients (the caller's, fresh each step): three quarters of this tiny net's bytes
        assertTrue(stepReused > 0.6 * stepAllocated, "second step reused " + stepReused + " of " + stepAllocated + " bytes");
        assertTrue(mmgr.pooledBytes() <= mmgr.poolLimit(), mmgr.pooledBytes() + " B pooled, limit " + mmgr.poolLimit());
        Backprop.freeKeptBuffers(m.sameDiff());
        assertEquals(0, mmgr.pooledBytes(), "nothing kept once training is over");
    }

    @Test
    void reluBackwardRunsAsLibnd4jsVectorisedOp() {
        // values: sameGradientsAsTheStockCallForEveryFamily compares ResNet's gradients with M2.1's own op's, exactly
        TransferModel m = model("resnet152", Scenario.UNFROZEN_LINEAR, HeadSpec.singleLabel(3));
        TrainFixtures.ImageSet data = TrainFixtures.images(m.backbone(), 2, 3, 5);
        Backprop.run(m.sameDiff(), Map.of(m.inputName(), data.images(), TransferModel.LABELS, m.labelMatrix(data.labels())),
                List.of(TransferModel.LOSS), m.trainableNames()).close();
        Map<String, Long> ops = new java.util.TreeMap<>();
        for (var op : m.sameDiff().getFunction(Backprop.GRAD_FUNCTION).getOps().values()) ops.merge(op.getOp().opName(), 1L, Long::sum);
        assertTrue(ops.getOrDefault("relu_bp", 0L) > 0 && !ops.containsKey("thresholdedrelu_bp"), ops.toString());
    }

    private static void compare(String family, Scenario scenario, HeadSpec head) {
        TransferModel stock = model(family, scenario, head);
        TransferModel eager = model(family, scenario, head);
        TrainFixtures.ImageSet data = TrainFixtures.images(stock.backbone(), 6, head.outputs(), 5);
        List<String> names = stock.trainableNames();
        assertEquals(names, eager.trainableNames());
        for (int call = 0; call < 2; call++) {
            // two different batches in a row: the second call reuses the session the first one set up
            INDArray x = data.images().get(NDArrayIndex.interval(call * 3, call * 3 + 3)).dup();
            INDArray labels = head.multiLabel() ? multiHot(3, head.outputs(), call) : data.labels().get(NDArrayIndex.interval(call * 3, call * 3 + 3)).dup();
            Map<String, INDArray> feed = Map.of(stock.inputName(), x, TransferModel.LABELS, stock.labelMatrix(labels));
            OutAndGrad expected = stock.sameDiff().calculateGradientsAndOutputs(feed, List.of(TransferModel.LOSS), names);
            Backprop.Result actual = Backprop.run(eager.sameDiff(), feed, List.of(TransferModel.LOSS), names);

            assertEquals(expected.getOutputs().get(TransferModel.LOSS).getDouble(0),
                    actual.outputs().get(TransferModel.LOSS).getDouble(0), 0.0, family + " loss, call " + call);
            assertEquals(expected.getGradients().keySet(), actual.gradients().keySet(), family + ": same parameters get gradients");
            for (String n : names) {
                INDArray e = expected.getGradients().get(n), a = actual.gradients().get(n);
                if (e == null) continue;
                assertNotNull(a, family + " " + n);
                assertTrue(e.equalsWithEps(a, 0.0), family + " " + n + " gradient differs on call " + call
                        + ": max |diff| " + e.sub(a).amaxNumber());
            }
        }
    }

    private static TransferModel model(String family, Scenario scenario, HeadSpec head) {
        Backbone b = BackboneLoader.load(Fixtures.tiny(family));
        return TransferModel.build(b, scenario, head, TrainFixtures.DEIT_TAIL, 7);
    }

    private static INDArray multiHot(int rows, int labels, int salt) {
        INDArray y = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, rows, labels);
        for (int i = 0; i < rows; i++) for (int j = 0; j < labels; j++) if ((i + j + salt) % 2 == 0) y.putScalar(i, j, 1f);
        return y;
    }
}
