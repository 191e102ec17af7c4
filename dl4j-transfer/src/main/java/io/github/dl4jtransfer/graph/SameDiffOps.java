package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Building blocks written out from primitive SameDiff ops where M2.1's fused op is missing a parameter or
 * fails: shared by the ONNX rules and by the layers the scenarios add.
 */
public final class SameDiffOps {

    private SameDiffOps() {
    }

    /**
     * LayerNorm over {@code axes} with an explicit epsilon (libnd4j's layer_norm has none). Axes must be
     * non-negative: M2.1's keep-dims reductions over negative axes return garbage (and not even the same
     * garbage on every call).
     */
    public static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable scale, SDVariable bias, double eps, int... axes) {
        requireNonNegative(axes);
        SDVariable mean = sd.mean(x, true, axes);
        SDVariable d = x.sub(mean);
        SDVariable var = sd.mean(sd.math.square(d), true, axes);
        SDVariable y = d.mul(sd.math.rsqrt(var.add(eps)));
        if (scale != null) y = y.mul(scale);
        if (bias != null) y = y.add(bias);
        return y;
    }

    /**
     * log softmax along {@code axis} as z - max - log Σ exp(z - max): M2.1's LogSoftMax op fails when its
     * dimension is set ("Error setting property … Integer.values()").
     */
    public static SDVariable logSoftmax(SameDiff sd, SDVariable z, int axis) {
        requireNonNegative(axis);
        SDVariable shifted = z.sub(sd.max(z, true, axis));
        return shifted.sub(sd.math.log(sd.sum(sd.math.exp(shifted), true, axis)));
    }

    /** Exact GELU as torch computes it (erf form), or its tanh approximation. */
    public static SDVariable gelu(SameDiff sd, SDVariable x, boolean tanh) {
        if (tanh) {
            SDVariable inner = x.add(sd.math.square(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
            return x.mul(0.5).mul(sd.nn.tanh(inner).add(1.0));
        }
        return x.mul(0.5).mul(sd.math.erf(x.mul(1 / Math.sqrt(2))).add(1.0));
    }

    private static void requireNonNegative(int... axes) {
        for (int a : axes) {
            if (a < 0) throw new IllegalArgumentException("axis " + a + ": pass the non-negative axis (M2.1 mis-reduces negative axes)");
        }
    }
}
