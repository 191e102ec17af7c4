package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.List;
import java.util.Map;

/**
 * LayerNormalization (opset 17) — M2.1 has no import rule for it, and its native layer_norm op has no
 * epsilon parameter (ViTs use 1e-6), so it is written out from mean/variance with the model's epsilon.
 */
final class NormRules {

    private NormRules() {
    }

    static void register(Map<String, OpRule> rules) {
        rules.put("LayerNormalization", NormRules::layerNorm);
    }

    private static List<Value> layerNorm(NodeContext c) {
        int rank = c.rank(0);
        int axis = NodeContext.normAxis(c.attrInt("axis", -1), rank);
        int[] axes = new int[rank - axis];
        for (int i = 0; i < axes.length; i++) axes[i] = axis + i;
        double eps = c.attrFloat("epsilon", 1e-5f);
        SDVariable y = SameDiffOps.layerNorm(c.sd, c.var(0), c.var(1), c.has(2) ? c.var(2) : null, eps, axes);
        return NodeContext.one(c.tensor(y, c.shape(0)));
    }
}
