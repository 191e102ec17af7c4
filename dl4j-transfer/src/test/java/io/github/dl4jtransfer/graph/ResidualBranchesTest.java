package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.model.Sidecar;
import io.github.dl4jtransfer.testing.Fixtures;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Residual-branch detection on the real exported fixtures: where drop-path sits in each family although the
 * eval-mode export has no trace of it.
 */
class ResidualBranchesTest {

    private static Onnx.GraphProto graph(String fixture) {
        return BackboneLoader.parse(Fixtures.tiny(fixture)).model().getGraph();
    }

    /** ViTs: attention and MLP branch per block (2 × blocks); FocalNet: modulation and MLP per block, not dw1/dw2. */
    @ParameterizedTest
    @CsvSource({"deit-b16, 2", "dino-vitb16, 2", "dinov2-vitb14, 2", "blip-vitb16, 2", "openclip-vitb16, 2",
            "seem-focalnet-t, 2", "deit-tail, 2"})
    void twoBranchesPerBlock(String fixture, int perBlock) {
        Path onnx = Fixtures.tiny(fixture);
        int blocks = Sidecar.read(Sidecar.besides(onnx)).numBlocks();
        List<ResidualBranches.Branch> found = ResidualBranches.find(graph(fixture));
        assertEquals(perBlock * blocks, found.size(), fixture + ": " + found);
        assertEquals(blocks, ResidualBranches.blockCount(found), fixture);
        for (int i = 0; i < found.size(); i++) {
            ResidualBranches.Branch b = found.get(i);
            assertEquals(i / perBlock, b.blockIndex(), fixture + " " + b);
            assertTrue(b.block().matches(".*(blocks|resblocks)\\.\\d+"), fixture + " " + b);
            assertEquals("Add", graph(fixture).getNode(b.nodeIndex()).getOpType());
        }
    }

    /**
     * SAM's export computes its last block twice (once for the official outputs, once with the study's rel-pos
     * tables for the study's): 2 branches per call, and the second call ({@code blocks.1_1}) is block 1 again.
     */
    @Test
    void samRepeatedBlockIsOneBlock() {
        List<ResidualBranches.Branch> found = ResidualBranches.find(graph("sam-vitb"));
        assertEquals(List.of("/blocks.0/Add", "/blocks.0/Add_1", "/blocks.1/Add", "/blocks.1/Add_1", "/blocks.1_1/Add",
                "/blocks.1_1/Add_1"), found.stream().map(ResidualBranches.Branch::nodeName).toList());
        assertEquals(List.of(0, 0, 1, 1, 1, 1), found.stream().map(ResidualBranches.Branch::blockIndex).toList());
        assertEquals(2, ResidualBranches.blockCount(found));
    }

    /** FocalNet's depthwise positional convolutions (x + dw(x)) are residual sums but no drop-path branches. */
    @Test
    void focalNetSkipsDepthwisePositionalSums() {
        List<String> names = ResidualBranches.find(graph("seem-focalnet-t")).stream().map(ResidualBranches.Branch::nodeName).toList();
        assertEquals(List.of("/layers.0/blocks.0/Add_1", "/layers.0/blocks.0/Add_3", "/layers.1/blocks.0/Add_1",
                "/layers.1/blocks.0/Add_3", "/layers.2/blocks.0/Add_1", "/layers.2/blocks.0/Add_3",
                "/layers.3/blocks.0/Add_1", "/layers.3/blocks.0/Add_3"), names);
    }

    /**
     * ResNet: no branch by default (post-activation sums; torchvision's ResNet has no drop-path); asked for, the
     * identity shortcuts: the tiny net's one block without downsample (layer3.1), the others add a downsampled
     * shortcut that is no ancestor of the branch.
     */
    @Test
    void resNetBranchesOnlyWhenAsked() {
        assertEquals(List.of(), ResidualBranches.find(graph("resnet152")));
        List<ResidualBranches.Branch> asked = ResidualBranches.find(graph("resnet152"), true);
        assertEquals(1, asked.size(), asked.toString());
        assertEquals("/layer3/layer3.1/Add", asked.get(0).nodeName());
    }

    /** BLIP adds a position embedding sliced by the token count: a dependency through Shape only, not a branch. */
    @Test
    void shapeReadsAreNoDependency() {
        List<ResidualBranches.Branch> found = ResidualBranches.find(graph("blip-vitb16"));
        assertTrue(found.stream().noneMatch(b -> b.nodeName().equals("/Add")), found.toString());
    }
}
