package io.github.dl4jtransfer.graph;

import onnx.Onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the residual branches of an exported graph: the places where stochastic depth (drop-path) sits in
 * the training model, although an eval-mode export has dropped it.
 *
 * <p>A residual branch is an {@code Add(shortcut, branch)} where
 * <ol>
 *   <li>{@code shortcut} is a data ancestor of {@code branch} (dependencies through {@code Shape}/{@code Size}
 *       do not count: they read a shape, not values — so {@code x + pos_embed[:, :x.size(1)]} is no branch);</li>
 *   <li>the ops between them include a non-linear one (activation, softmax, normalisation): the branch computes
 *       something, where a purely linear side path such as FocalNet's depthwise positional convolution
 *       {@code x + dw1(x)} (which has no drop-path) does not;</li>
 *   <li>unless asked for, the sum is not consumed by a {@code Relu} alone: that is the post-activation residual of
 *       ResNet's bottleneck, which torchvision's ResNet has no drop-path on.</li>
 * </ol>
 * Measured on the tiny fixtures of every family: ViTs (DeiT, DINO, DINOv2, BLIP, OpenCLIP, SAM) give 2 per block
 * (attention, MLP) — SAM's export, which computes its last block twice (official and study outputs), 2 per call —
 * SEEM's FocalNet 2 per block (modulation, MLP), ResNet none (its identity shortcuts only when asked); on the
 * full-size exports FocalNet-T gives 24 over 12 blocks and ResNet-152 46 identity shortcuts when asked.
 *
 * <p>Branches are grouped into blocks by the module path of their {@code Add} node ({@code /blocks.3/Add_1} →
 * {@code blocks.3}; a repeated call {@code blocks.3_1} is the same block), in graph order: the block index is what the stochastic-depth rule
 * ({@code linspace(0, rate, depth)}) is indexed by.
 */
public final class ResidualBranches {

    /** Ops whose presence makes a side path a computing branch. */
    private static final Set<String> NON_LINEAR = Set.of("Relu", "Gelu", "Erf", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
            "LayerNormalization", "BatchNormalization", "InstanceNormalization", "GroupNormalization", "Softplus", "Exp",
            "Log", "HardSigmoid", "HardSwish", "LeakyRelu", "Elu", "Selu", "Mish", "PRelu", "Clip", "Sqrt", "Pow");

    private static final Set<String> SHAPE_READS = Set.of("Shape", "Size");

    /**
     * One residual branch.
     *
     * @param nodeIndex   the {@code Add} node's position in the graph's node list
     * @param nodeName    its name ({@code /blocks.3/Add_1})
     * @param branchInput which input (0 or 1) is the branch; the other is the shortcut
     * @param block       the module the {@code Add} belongs to ({@code blocks.3})
     * @param blockIndex  0-based index of that block among the blocks that have branches, in graph order
     */
    public record Branch(int nodeIndex, String nodeName, int branchInput, String block, int blockIndex) {
    }

    private ResidualBranches() {
    }

    /** The residual branches of {@code graph}, in graph order; ResNet-style post-activation sums excluded. */
    public static List<Branch> find(Onnx.GraphProto graph) {
        return find(graph, false);
    }

    /**
     * @param includePostActivation also count sums consumed only by a {@code Relu} (ResNet's identity shortcuts)
     */
    public static List<Branch> find(Onnx.GraphProto graph, boolean includePostActivation) {
        List<Onnx.NodeProto> nodes = graph.getNodeList();
        Map<String, Integer> producer = new HashMap<>();
        Map<String, List<Integer>> consumers = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).getOutputList()) producer.put(o, i);
            for (String in : nodes.get(i).getInputList()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
        List<int[]> found = new ArrayList<>(); // {node, branchInput}
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto n = nodes.get(i);
            if (!n.getOpType().equals("Add") || n.getInputCount() != 2) continue;
            Integer pa = producer.get(n.getInput(0)), pb = producer.get(n.getInput(1));
            if (pa == null || pb == null || pa.equals(pb)) continue; // a weight, constant or graph input operand
            for (int branchInput = 0; branchInput < 2; branchInput++) {
                int shortcut = branchInput == 0 ? pb : pa;
                int branch = branchInput == 0 ? pa : pb;
                BitSet branchAncestors = ancestors(nodes, producer, branch);
                if (!branchAncestors.get(shortcut)) continue;
                BitSet side = (BitSet) branchAncestors.clone();
                side.andNot(ancestors(nodes, producer, shortcut));
                if (!containsNonLinear(nodes, side)) continue;
                if (!includePostActivation && onlyRelu(nodes, consumers.get(n.getOutput(0)))) continue;
                found.add(new int[]{i, branchInput});
                break;
            }
        }
        Map<String, Integer> blockIndex = new LinkedHashMap<>();
        List<Branch> out = new ArrayList<>(found.size());
        for (int[] f : found) {
            Onnx.NodeProto n = nodes.get(f[0]);
            String block = blockOf(n);
            int b = blockIndex.computeIfAbsent(block, k -> blockIndex.size());
            out.add(new Branch(f[0], n.getName(), f[1], block, b));
        }
        return out;
    }

    /** The number of blocks with residual branches (the depth the stochastic-depth rule spreads over). */
    public static int blockCount(List<Branch> branches) {
        Set<String> blocks = new HashSet<>();
        for (Branch b : branches) blocks.add(b.block());
        return blocks.size();
    }

    /**
     * The module of a branch's {@code Add}; a second call of the same module, which torch's exporter names
     * {@code blocks.1_1} (SAM's export runs its last block twice, once per set of outputs), is the same block.
     */
    static String blockOf(Onnx.NodeProto add) {
        return REPEATED_CALL.matcher(ParameterNamer.modulePath(add)).replaceFirst("$1");
    }

    private static final java.util.regex.Pattern REPEATED_CALL = java.util.regex.Pattern.compile("(\\.\\d+)_\\d+$");

    /** Node indices {@code node} depends on through values (itself included), not through shape reads. */
    private static BitSet ancestors(List<Onnx.NodeProto> nodes, Map<String, Integer> producer, int node) {
        BitSet seen = new BitSet(nodes.size());
        Deque<Integer> todo = new ArrayDeque<>();
        todo.add(node);
        while (!todo.isEmpty()) {
            int k = todo.poll();
            if (seen.get(k)) continue;
            seen.set(k);
            if (SHAPE_READS.contains(nodes.get(k).getOpType())) continue;
            for (String in : nodes.get(k).getInputList()) {
                Integer p = producer.get(in);
                if (p != null && !seen.get(p)) todo.add(p);
            }
        }
        return seen;
    }

    private static boolean containsNonLinear(List<Onnx.NodeProto> nodes, BitSet side) {
        for (int k = side.nextSetBit(0); k >= 0; k = side.nextSetBit(k + 1)) {
            if (NON_LINEAR.contains(nodes.get(k).getOpType())) return true;
        }
        return false;
    }

    private static boolean onlyRelu(List<Onnx.NodeProto> nodes, List<Integer> consumers) {
        if (consumers == null || consumers.isEmpty()) return false;
        for (int c : consumers) if (!nodes.get(c).getOpType().equals("Relu")) return false;
        return true;
    }
}
