package io.github.dl4jtransfer.graph;

import onnx.Onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The convolutions whose output only an inference-mode BatchNormalization reads (ResNet: every convolution), so that the
 * normalisation folds into the convolution: {@code conv(x, W) * s + t = conv(x, W * s) + t} with {@code s = γ / √(σ² + ε)}
 * per output channel and {@code t = β - μ s} (plus {@code b s} for a convolution bias). The scale then multiplies the
 * weights, not the activations: no per-channel pass over each activation forward, and no M2.1 broadcast
 * {@code multiply_bp} over it backward — the slowest op of a ResNet-152 training step (docs/performance.md, "Where the
 * time goes in a training step").
 */
final class ConvBatchNormPairs {

    private ConvBatchNormPairs() {
    }

    /**
     * Convolution node index → BatchNormalization node index, for each pair that folds: an ungrouped convolution with
     * one output, read by exactly one node (not a graph output), a BatchNormalization in inference mode whose scale,
     * bias, mean and variance are initializers.
     *
     * @param batchNormTraining the translation normalises with batch statistics (torch's train mode): nothing folds
     */
    static Map<Integer, Integer> find(Onnx.GraphProto g, Set<String> initializers, boolean batchNormTraining) {
        Map<Integer, Integer> pairs = new LinkedHashMap<>();
        if (batchNormTraining) return pairs;
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String in : g.getNode(i).getInputList()) readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
        Set<String> outputs = new HashSet<>();
        for (Onnx.ValueInfoProto o : g.getOutputList()) outputs.add(o.getName());
        for (int i = 0; i < g.getNodeCount(); i++) {
            Onnx.NodeProto conv = g.getNode(i);
            if (!standard(conv, "Conv") || conv.getOutputCount() != 1 || NodeContext.attrInt(conv, "group", 1) != 1) continue;
            String y = conv.getOutput(0);
            List<Integer> r = readers.getOrDefault(y, List.of());
            if (r.size() != 1 || outputs.contains(y)) continue;
            Onnx.NodeProto bn = g.getNode(r.get(0));
            if (!standard(bn, "BatchNormalization") || bn.getInputCount() != 5 || !bn.getInput(0).equals(y)) continue;
            if (NodeContext.attrInt(bn, "training_mode", 0) != 0 || bn.getOutputCount() != 1) continue;
            boolean constants = true;
            for (int k = 1; k < 5; k++) constants &= initializers.contains(bn.getInput(k));
            if (constants) pairs.put(i, r.get(0));
        }
        return pairs;
    }

    /** An op of the default ONNX domain (a custom-domain op is translated alone, where it is refused). */
    private static boolean standard(Onnx.NodeProto n, String opType) {
        return n.getOpType().equals(opType) && NodeContext.defaultDomain(n);
    }
}
