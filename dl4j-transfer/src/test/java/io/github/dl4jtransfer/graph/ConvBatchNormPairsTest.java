package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import onnx.Onnx;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which BatchNorms fold into their convolution: each one that alone reads an ungrouped convolution in an inference
 * translation; none under training-mode BatchNorm; and a folded backbone still records every BatchNorm under its own
 * node, so that the running statistics train (the folded outputs against torch: {@code BackboneFixtureTest}).
 */
class ConvBatchNormPairsTest {

    @Test
    void everyConvolutionReadOnlyByABatchNormFolds() {
        Onnx.GraphProto g = BackboneLoader.parse(Fixtures.tiny("resnet152")).model().getGraph();
        Set<String> inits = new HashSet<>();
        for (Onnx.TensorProto t : g.getInitializerList()) inits.add(t.getName());
        Map<Integer, Integer> pairs = ConvBatchNormPairs.find(g, inits, false);
        long batchNorms = g.getNodeList().stream().filter(n -> n.getOpType().equals("BatchNormalization")).count();
        assertTrue(batchNorms > 0);
        assertEquals(batchNorms, pairs.size(), "ResNet: every BatchNorm follows its own convolution");
        for (Map.Entry<Integer, Integer> p : pairs.entrySet()) {
            assertEquals("Conv", g.getNode(p.getKey()).getOpType());
            assertEquals(g.getNode(p.getKey()).getOutput(0), g.getNode(p.getValue()).getInput(0));
        }
        assertTrue(ConvBatchNormPairs.find(g, inits, true).isEmpty(), "training-mode BatchNorm normalises with batch statistics");
        assertTrue(ConvBatchNormPairs.find(g, Set.of(), false).isEmpty(), "statistics computed by the graph cannot fold");
    }

    @Test
    void aFoldedBackboneKeepsEveryBatchNormSite() {
        Onnx.GraphProto g = BackboneLoader.parse(Fixtures.tiny("resnet152")).model().getGraph();
        Set<Integer> nodes = new HashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) if (g.getNode(i).getOpType().equals("BatchNormalization")) nodes.add(i);
        Backbone b = BackboneLoader.load(Fixtures.tiny("resnet152"));
        Set<Integer> sites = new HashSet<>();
        for (BatchNormSite s : b.batchNorms()) sites.add(s.nodeIndex());
        assertEquals(nodes, sites);
        // folded: no convolution's output is scaled per channel afterwards (unfolded, every one feeds the BN's multiply)
        var sd = b.sameDiff();
        long convolutions = 0;
        for (var op : sd.getOps().values()) {
            if (!op.getOp().opName().equals("conv2d")) continue;
            convolutions++;
            for (String out : op.getOutputsOfOp()) {
                List<String> readers = sd.getVariables().get(out).getInputsForOp();
                for (String r : readers == null ? List.<String>of() : readers) {
                    assertNotEquals("multiply", sd.getOps().get(r).getOp().opName(), op.getName() + " is still scaled after it");
                }
            }
        }
        assertEquals(nodes.size(), convolutions, "one convolution per BatchNorm in the tiny ResNet");
    }
}
