package io.github.dl4jtransfer.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AdamW (Loshchilov & Hutter) as torch.optim.AdamW: decoupled weight decay {@code p *= 1 - lr·wd}, then the
 * bias-corrected Adam step. Written out rather than SameDiff's updaters so that weight decay can skip
 * biases, norm weights and token/position embeddings, as the study (and timm) do.
 */
public final class AdamW {

    private static final Pattern NO_DECAY_NAMES = Pattern.compile("(pos_embed|cls_token|positional_embedding|class_embedding|rel_pos|register_tokens)");

    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, INDArray> m = new HashMap<>();
    private final Map<String, INDArray> v = new HashMap<>();
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
            if (weightDecay > 0 && decays(name, p)) p.muli(1 - lr * weightDecay);
            // Same arithmetic as torch; each temporary is freed here rather than left to the garbage collector,
            // which would let a ViT-B's worth of native buffers pile up per step.
            INDArray t = g.mul(1 - beta1);
            mi.muli(beta1).addi(t);
            t.close();
            t = g.mul(g).muli(1 - beta2);
            vi.muli(beta2).addi(t);
            t.close();
            INDArray denom = Transforms.sqrt(vi.div(c2), false).addi(eps);
            t = mi.div(c1).divi(denom).muli(lr);
            p.subi(t);
            t.close();
            denom.close();
        }
    }

    public int steps() {
        return t;
    }
}
