package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.SameDiffOps;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

/** The few layers the scenarios add, initialised as PyTorch does, from an explicit seed (reproducible). */
final class Layers {

    private Layers() {
    }

    /** PyTorch's nn.Linear default: weight and bias uniform in ±1/sqrt(fan_in); weight stored [in, out]. */
    static SDVariable linear(SameDiff sd, SDVariable x, String name, long in, long out, SplittableRandom rnd,
                             Map<String, SDVariable> params) {
        INDArray[] init = linearInit(rnd, in, out);
        SDVariable w = sd.var(name + ".weight", init[0]);
        SDVariable b = sd.var(name + ".bias", init[1]);
        params.put(w.name(), w);
        params.put(b.name(), b);
        return sd.mmul(x, w).add(b);
    }

    /**
     * {weight [in, out], bias [out]} as nn.Linear initialises them, drawn in that order from {@code rnd}: the
     * SameDiff head and the cached-feature probe start from the same weights for the same seed.
     */
    static INDArray[] linearInit(SplittableRandom rnd, long in, long out) {
        double bound = 1 / Math.sqrt(in);
        INDArray w = uniform(rnd, bound, in, out);
        return new INDArray[]{w, uniform(rnd, bound, out)};
    }

    /** LayerNorm over the last axis ({@code rank - 1}) with weight 1 and bias 0. */
    static SDVariable layerNorm(SameDiff sd, SDVariable x, int rank, String name, long dim, double eps, Map<String, SDVariable> params) {
        SDVariable g = sd.var(name + ".weight", Nd4j.ones(DataType.FLOAT, dim));
        SDVariable b = sd.var(name + ".bias", Nd4j.zeros(DataType.FLOAT, dim));
        params.put(g.name(), g);
        params.put(b.name(), b);
        return SameDiffOps.layerNorm(sd, x, g, b, eps, rank - 1);
    }

    static INDArray uniform(SplittableRandom rnd, double bound, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        return Nd4j.create(v, shape, 'c');
    }
}
