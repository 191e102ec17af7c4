package io.github.dl4jtransfer.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * AdamW (Loshchilov &amp; Hutter) as torch.optim.AdamW: decoupled weight decay {@code p *= 1 - lr·wd}, then the
 * bias-corrected Adam step. Written out rather than SameDiff's updaters so that weight decay can skip
 * biases, norm weights and token/position embeddings, as the study (and timm) do.
 * <p>
 * Float32 parameters are updated in one fused pass over {@code p, g, m, v} (torch's own single-tensor arithmetic,
 * in float): as ND4J ops the same step is twelve ops per parameter tensor, i.e. ~400 native calls per step for a
 * two-block ViT (more than its forward and backward together) and twelve passes over a ViT-B's 86 M weights
 * instead of one. Other data types and strided views take the op path.
 */
public final class AdamW {

    private static final Pattern NO_DECAY_NAMES = Pattern.compile("(pos_embed|cls_token|positional_embedding|class_embedding|rel_pos|register_tokens)");
    /** Tensors at least this long are updated in parallel chunks of this size. */
    static final int CHUNK = 1 << 16;

    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, INDArray> m = new HashMap<>();
    private final Map<String, INDArray> v = new HashMap<>();
    /** Buffer views of a parameter and its moments, kept while the parameter is the same array (small heads step often). */
    private final Map<String, Views> views = new HashMap<>();
    private int t;

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** With the configured betas, epsilon and weight decay. */
    public static AdamW of(TrainerConfig config) {
        return new AdamW(config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
    }

    /** Whether weight decay applies: matrices and kernels, not vectors (biases, norms) or embeddings. */
    public static boolean decays(String name, INDArray param) {
        return param.rank() >= 2 && !NO_DECAY_NAMES.matcher(name).find();
    }

    /** One step over all parameters with the same learning rate. */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            INDArray g = grads.get(name);
            if (g == null) continue;
            INDArray mi = m.computeIfAbsent(name, k -> p.like());
            INDArray vi = v.computeIfAbsent(name, k -> p.like());
            Views pv = views.get(name);
            if (pv == null || pv.param != p) views.put(name, pv = new Views(p, DenseFloats.of(p), DenseFloats.of(mi), DenseFloats.of(vi), decays(name, p)));
            double decay = weightDecay > 0 && pv.decays ? 1 - lr * weightDecay : 1;
            FloatBuffer gb = DenseFloats.of(g);
            if (pv.p != null && gb != null && pv.m != null && pv.v != null && p.length() == g.length()) {
                fused(pv.p, gb, pv.m, pv.v, (int) p.length(), (float) decay, (float) (lr / c1), (float) Math.sqrt(c2));
            } else {
                opStep(p, g, mi, vi, decay, lr, c1, c2);
            }
        }
    }

    /** torch's single-tensor AdamW in float: p·=decay; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= step·m / (√v/√c2 + ε). */
    private void fused(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, int n, float decay, float stepSize, float sqrtC2) {
        float b1 = (float) beta1, b2 = (float) beta2, a1 = (float) (1 - beta1), a2 = (float) (1 - beta2), e = (float) eps;
        Range body = (from, to) -> {
            for (int i = from; i < to; i++) {
                float gi = g.get(i);
                float mi = b1 * m.get(i) + a1 * gi;
                float vi = b2 * v.get(i) + a2 * gi * gi;
                m.put(i, mi);
                v.put(i, vi);
                float denom = (float) Math.sqrt(vi) / sqrtC2 + e;
                p.put(i, p.get(i) * decay - stepSize * mi / denom);
            }
        };
        chunked(n, body);
    }

    /** The same step as ND4J ops, for data types and layouts the fused pass does not read. */
    private void opStep(INDArray p, INDArray g, INDArray mi, INDArray vi, double decay, double lr, double c1, double c2) {
        if (decay != 1) p.muli(decay);
        // Each temporary is freed here rather than left to the garbage collector, which would let a ViT-B's worth of
        // native buffers pile up per step.
        INDArray tmp = g.mul(1 - beta1);
        mi.muli(beta1).addi(tmp);
        tmp.close();
        tmp = g.mul(g).muli(1 - beta2);
        vi.muli(beta2).addi(tmp);
        tmp.close();
        INDArray denom = Transforms.sqrt(vi.div(c2), false).addi(eps);
        tmp = mi.div(c1).divi(denom).muli(lr);
        p.subi(tmp);
        tmp.close();
        denom.close();
    }

    /** Runs {@code body} over [0, n): in one go when small, else in parallel chunks (the optimiser step runs alone). */
    static void chunked(int n, Range body) {
        if (n < 2 * CHUNK) {
            body.run(0, n);
            return;
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }

    /** A parameter array, buffer views of it and its moments (null where not dense float), and whether it decays. */
    private record Views(INDArray param, FloatBuffer p, FloatBuffer m, FloatBuffer v, boolean decays) {
    }

    /** A loop over [from, to). */
    interface Range {
        void run(int from, int to);
    }

    public int steps() {
        return t;
    }
}
