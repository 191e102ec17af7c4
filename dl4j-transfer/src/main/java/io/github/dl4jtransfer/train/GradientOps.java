package io.github.dl4jtransfer.train;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;

/**
 * Swaps slow backward ops in a freshly made gradient function for equal, faster ones of libnd4j's.
 *
 * <p>ReLU: M2.1 differentiates {@code relu} into {@code thresholdedrelu_bp}, which calls a {@code std::function}
 * per element — 29.6 ms for an 8×256×56×56 tensor at two threads, 0.29 s of ResNet-152's training step — while
 * libnd4j's {@code relu_bp} is a vectorised pairwise transform giving the same values (dL/dy where x &gt; 0, else 0)
 * in 5.7 ms (docs/performance.md, "Training steps"). Only a cutoff of zero is swapped: {@code relu_bp} has none.
 * The op is replaced in place (same name, inputs, outputs), before the function first runs.
 * {@code -Dtransfer.fastReluBackward=false} keeps M2.1's op.
 */
final class GradientOps {

    static final boolean FAST_RELU_BACKWARD = Boolean.parseBoolean(System.getProperty("transfer.fastReluBackward", "true"));

    private GradientOps() {
    }

    /** Rewrites {@code grad} (a gradient function) in place; returns how many ops were swapped. */
    static int speedUp(SameDiff grad) {
        if (!FAST_RELU_BACKWARD) return 0;
        int swapped = 0;
        for (SameDiffOp op : grad.getOps().values()) {
            if (op.getOp() instanceof ThresholdReluBp t && t.tArgs().length == 1 && t.tArgs()[0] == 0.0) {
                op.setOp(reluBackward(grad, t));
                swapped++;
            }
        }
        return swapped;
    }

    private static DifferentialFunction reluBackward(SameDiff grad, ThresholdReluBp original) {
        RectifiedLinearDerivative r = new RectifiedLinearDerivative();
        r.setSameDiff(grad);
        r.setOwnName(original.getOwnName());
        return r;
    }
}
