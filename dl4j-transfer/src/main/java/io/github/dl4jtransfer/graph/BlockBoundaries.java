package io.github.dl4jtransfer.graph;

import onnx.Onnx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where an exported graph can be cut between its blocks, for activation checkpointing: after the last residual
 * sum of each block ({@link ResidualBranches}, ResNet's post-activation sums included), where — in a backbone —
 * only the residual stream is alive.
 *
 * <p>A cut is kept only where it leaves each segment self-contained for differentiation: no weight is used on
 * both sides (its gradient would need both segments at once — SAM's export computes its last block twice) and
 * no graph output is produced before it (outputs belong to the last segment, which the loss reads).
 */
public final class BlockBoundaries {

    private BlockBoundaries() {
    }

    /** The node indices after which {@code graph} can be cut, in graph order; empty for a graph without blocks. */
    public static SortedSet<Integer> find(Onnx.GraphProto graph) {
        List<Onnx.NodeProto> nodes = graph.getNodeList();
        Map<String, Integer> lastOfBlock = new HashMap<>();
        for (ResidualBranches.Branch b : ResidualBranches.find(graph, true)) lastOfBlock.merge(b.block(), b.nodeIndex(), Math::max);
        Set<String> weights = new HashSet<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            if (OnnxGraphTranslator.isWeight(TensorProtos.isFloatingPoint(t.getDataType()), dims)) weights.add(t.getName());
        }
        Map<String, int[]> useSpan = new HashMap<>(); // weight → {first, last} consuming node
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                if (!weights.contains(in)) continue;
                int node = i;
                useSpan.merge(in, new int[]{i, i}, (a, b) -> new int[]{a[0], node});
            }
        }
        Set<String> outputs = new HashSet<>();
        for (Onnx.ValueInfoProto o : graph.getOutputList()) outputs.add(o.getName());
        int firstOutput = nodes.size();
        for (int i = 0; i < nodes.size() && firstOutput == nodes.size(); i++) {
            for (String o : nodes.get(i).getOutputList()) if (outputs.contains(o)) firstOutput = i;
        }
        SortedSet<Integer> cuts = new TreeSet<>();
        for (int at : lastOfBlock.values()) {
            if (at >= firstOutput || at >= nodes.size() - 1) continue;
            boolean weightSpans = false;
            for (int[] span : useSpan.values()) weightSpans |= span[0] <= at && at < span[1];
            if (!weightSpans) cuts.add(at);
        }
        return cuts;
    }
}
