package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backbones imported for forward use only (frozen scenarios) take faster forward forms of some ops — depthwise
 * convolutions as sums of taps — and must still equal torch: every op fixture, and the tiny backbones built on
 * depthwise convolutions (SEEM's FocalNet, ConvNeXt, MobileNet, EfficientNet, ShuffleNet, MaxViT) against
 * the default import, which their own tests hold to torch.
 */
class ForwardOnlyImportTest {

    @TestFactory
    List<DynamicTest> opFixturesMatchTorchForwardOnly() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Fixtures.dirs("ops")) {
            tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                Backbone g = BackboneLoader.load(dir.resolve("model.onnx"), null, true);
                for (int batch : OpFixtureTest.batches(dir)) {
                    INDArray x = Fixtures.npy(dir.resolve("x_b" + batch + ".npy"));
                    double err = Fixtures.relativeL2(g.forward(x).get("y"), Fixtures.npy(dir.resolve("y_b" + batch + ".npy")));
                    assertTrue(err < OpFixtureTest.TOLERANCE, dir.getFileName() + " batch " + batch + ": relative L2 " + err);
                }
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> depthwiseBackbonesGiveTheSameOutputsWithoutTheDepthwiseOp() {
        List<Path> models = new ArrayList<>(List.of(Fixtures.tiny("seem-focalnet-t")));
        for (String tv : List.of("convnext-tiny", "mobilenet_v2-tiny", "mobilenet_v3-tiny", "efficientnet_b0-tiny",
                "shufflenet-tiny", "maxvit-tiny")) { // (RegNet's grouped convolutions keep the depthwise op with a multiplier)
            models.add(Fixtures.ROOT.resolve("torchvision").resolve(tv).resolve("model.onnx"));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path onnx : models) {
            tests.add(DynamicTest.dynamicTest(onnx.getParent().getFileName().toString(), () -> {
                Backbone full = BackboneLoader.load(onnx), forward = BackboneLoader.load(onnx, true);
                assertTrue(depthwiseOps(full) > 0, "the default import keeps libnd4j's depthwise_conv2d (it trains)");
                if (NativeBuild.loaded().onednn()) {
                    // a oneDNN build runs (undilated) depthwise convolutions in oneDNN, faster than the taps
                    assertEquals(depthwiseOps(full), depthwiseOps(forward), "oneDNN builds keep libnd4j's depthwise op");
                } else if (onnx.toString().contains("convnext")) {
                    // 7×7 kernels over images of 8×8×8 and 4×4×16: too small for 49 taps to pay, libnd4j's op stays
                    assertEquals(depthwiseOps(full), depthwiseOps(forward), "large kernels on tiny images stay native");
                } else {
                    assertTrue(depthwiseOps(forward) < depthwiseOps(full), "forward-only: depthwise convolutions as sums of taps");
                }
                INDArray x = Fixtures.npy(onnx.resolveSibling("input_b1.npy"));
                Map<String, INDArray> a = full.forward(x), b = forward.forward(x);
                for (String out : full.outputNames()) {
                    double err = Fixtures.relativeL2(b.get(out), a.get(out));
                    assertTrue(err < 1e-5, out + ": relative L2 " + err + " between the two imports");
                }
            }));
        }
        return tests;
    }

    private static long depthwiseOps(Backbone b) {
        return b.sameDiff().getOps().values().stream().filter(o -> o.getOp().opName().equals("depthwise_conv2d")).count();
    }
}
