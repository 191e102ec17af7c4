package io.github.dl4jtransfer.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The linear probe's Java loss and gradients equal those of the SameDiff graph the through-backbone scenarios train
 * (TransferModel's head and loss, differentiated by SameDiff), for a single-label and a multi-label head.
 */
class HeadStepTest {

    @Test
    void softmaxCrossEntropyMatchesTheTrainingGraph() {
        check(HeadSpec.singleLabel(5), false);
    }

    @Test
    void sigmoidBceMatchesTheTrainingGraph() {
        check(HeadSpec.multiLabel(4), true);
    }

    private static void check(HeadSpec head, boolean multi) {
        int n = 8, d = 48, k = (int) head.outputs();
        SplittableRandom r = new SplittableRandom(3);
        TransferModel model = TransferModel.forFeatures(d, head, 1);
        // Weights large enough that the logits spread out (a loss far from ln k), features with zeros in them.
        model.parameter("head.weight").assign(Nd4j.rand(DataType.FLOAT, d, k).subi(0.5).muli(2));
        model.parameter("head.bias").assign(Nd4j.rand(DataType.FLOAT, k).subi(0.5));
        float[] x = new float[n * d], y = new float[n * k];
        for (int i = 0; i < x.length; i++) x[i] = i % 7 == 0 ? 0 : (float) r.nextGaussian();
        for (int i = 0; i < n; i++) {
            if (multi) for (int c = 0; c < k; c++) y[i * k + c] = r.nextBoolean() ? 1 : 0;
            else y[i * k + r.nextInt(k)] = 1;
        }
        INDArray xs = Nd4j.create(x, new long[]{n, d}, 'c'), ys = Nd4j.create(y, new long[]{n, k}, 'c');
        Trainer.Step graph = Trainer.gradients(model, xs, ys, 0);

        FloatBuffer w = FloatBuffer.wrap(flat(model.parameter("head.weight"))), b = FloatBuffer.wrap(flat(model.parameter("head.bias")));
        float[] gw = new float[d * k], gb = new float[k];
        FloatBuffer xb = FloatBuffer.wrap(x), yb = FloatBuffer.wrap(y);
        double loss = multi ? HeadStep.sigmoidBce(xb, w, b, yb, n, d, k, FloatBuffer.wrap(gw), FloatBuffer.wrap(gb))
                : HeadStep.softmaxCrossEntropy(xb, w, b, yb, n, d, k, FloatBuffer.wrap(gw), FloatBuffer.wrap(gb));
        assertTrue(loss > 0.2, "a loss with something to learn: " + loss);
        assertEquals(graph.loss(), loss, 1e-5 * Math.max(1, graph.loss()));
        assertClose(flat(graph.gradients().get("head.weight")), gw, "weight");
        assertClose(flat(graph.gradients().get("head.bias")), gb, "bias");
    }

    private static float[] flat(INDArray a) {
        return Nd4j.toFlattened('c', a).toFloatVector();
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        double maxAbs = 0;
        for (float v : want) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertTrue(maxAbs > 1e-3, what + ": gradients not all ~0");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * maxAbs + 1e-7, what + "[" + i + "]");
        }
    }
}
