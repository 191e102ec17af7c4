package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One small torch export per importer hazard measured with M2.1 (Gemm bias, 3-D×2-D MatMul, negative
 * reduce axes, Pow, scalar Gather, Constant nodes, shape subgraphs, LayerNormalization, GELU, Einsum,
 * tied weights, CLS expand, BN, depthwise conv, MultiheadAttention; Dropout's mask, HardSwish, grouped conv,
 * a batch-dependent ConstantOfShape, swin's shifted-window mask, Resize…), each run at every batch size it has
 * references for (1 and 3, or 1 and 5) on one imported graph and compared with PyTorch.
 */
class OpFixtureTest {

    static final double TOLERANCE = 1e-5;

    @TestFactory
    List<DynamicTest> everyHazardMatchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Fixtures.dirs("ops")) {
            tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                Backbone g = BackboneLoader.load(dir.resolve("model.onnx"), null);
                List<Integer> batches = batches(dir);
                assertTrue(batches.size() >= 2, dir + ": references for two batch sizes expected, found " + batches);
                for (int batch : batches) {
                    INDArray x = Fixtures.npy(dir.resolve("x_b" + batch + ".npy"));
                    Map<String, INDArray> out = g.forward(x);
                    double err = Fixtures.relativeL2(out.get("y"), Fixtures.npy(dir.resolve("y_b" + batch + ".npy")));
                    assertTrue(err < TOLERANCE, dir.getFileName() + " batch " + batch + ": relative L2 " + err);
                }
            }));
        }
        assertTrue(tests.size() >= 20, "expected the op hazard fixtures, found " + tests.size());
        return tests;
    }

    /** The batch sizes with references in a fixture folder (x_b1.npy, x_b3.npy… or x_b5.npy). */
    static List<Integer> batches(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("x_b\\d+\\.npy"))
                    .map(n -> Integer.parseInt(n.substring(3, n.length() - 4))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void tiedInitializersAreUntiedAndNamedPerModule() {
        Backbone g = BackboneLoader.load(Fixtures.ROOT.resolve("ops/tied_weights/model.onnx"), null);
        Map<String, SDVariable> p = g.parameters();
        assertTrue(p.containsKey("lin_a.weight") && p.containsKey("lin_b.weight"), p.keySet().toString());
        assertNotSame(p.get("lin_a.weight").getArr(), p.get("lin_b.weight").getArr());
        p.get("lin_a.weight").getArr().addi(1.0);
        assertTrue(!p.get("lin_a.weight").getArr().equals(p.get("lin_b.weight").getArr()), "training one must not move the other");
    }

    @Test
    void importIsNearOneOpPerNode() {
        // DL4J's importer turned ResNet-50's 121 nodes into 501 ops (4.1x); native mapping keeps graphs lean.
        // Batch norm is written as a per-channel scale and shift (M2.1's fused op has no usable gradient),
        // which costs a few vector-sized ops per BN node but only two full-size passes.
        Backbone resnet = BackboneLoader.load(Fixtures.tiny("resnet152"));
        assertTrue(resnet.opCount() <= 3L * resnet.onnxNodeCount(), resnet.toString());
        assertEquals(0, resnet.sameDiff().getOps().values().stream()
                .filter(o -> o.getOp().opName().equals("shape_of")).count(), "no runtime shape ops");
    }
}
