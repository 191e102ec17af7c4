package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SEEM's 1-channel variant: the study replaces FocalNet's stem for 1-channel data by a 7x7 stride-4 convolution
 * without padding and without the patch-embed LayerNorm (defaults/models.py:81-92, focal_dw.py:307-335), which
 * no [x, 0, 0] input to the 3-channel graph reproduces. The export writes it as {@code model-gray.onnx};
 * {@link BackboneLoader#loadGrayscale(Path)} loads it and it matches PyTorch.
 */
class GrayscaleVariantTest {

    static final Path SEEM = Fixtures.tiny("seem-focalnet-t");

    @Test
    void seemGrayscaleVariantMatchesPyTorchOnOneChannelInput() {
        assertTrue(BackboneLoader.hasGrayscale(SEEM));
        Backbone gray = BackboneLoader.loadGrayscale(SEEM);
        assertEquals(gray.source().getFileName().toString(), "model-gray.onnx");
        assertArrayEquals(new long[]{1, 64, 64}, gray.sidecar().inputShape());
        assertEquals(1, gray.preprocessing().channels());
        assertEquals(BackboneLoader.load(SEEM).parameters().size() - 2, gray.parameters().size(),
                "the same weights but the patch-embed LayerNorm's two");
        Path dir = SEEM.getParent();
        for (int b : new int[]{1, 4}) {
            Map<String, INDArray> out = gray.forward(Fixtures.npy(dir.resolve("gray_input_b" + b + ".npy")));
            for (String o : List.of("features", "tokens")) {
                double err = Fixtures.relativeL2(out.get(o), Fixtures.npy(dir.resolve("gray_" + o + "_b" + b + ".npy")));
                assertTrue(err < 1e-4, o + " at batch " + b + ": relative L2 " + err);
            }
        }
        // 15x15 after the unpadded 7x7/4 stem at 64 px (55x55 at 224), then 8, 4, 2: still 2x2 tokens at the end
        assertArrayEquals(new long[]{4, 4, 64}, Fixtures.npy(dir.resolve("gray_tokens_b4.npy")).shape());
        assertEquals(gray.sidecar().grayscale().onnxSha256(), gray.sha256());
    }

    @Test
    void theStudysStemIsNotTheThreeChannelGraphFedXZeroZero() {
        Path dir = SEEM.getParent();
        INDArray x = Fixtures.npy(dir.resolve("gray_input_b4.npy"));
        INDArray padded = Nd4j.concat(1, x, Nd4j.zerosLike(x), Nd4j.zerosLike(x));
        INDArray viaRgb = BackboneLoader.load(SEEM).forward(padded, List.of("tokens")).get("tokens");
        double err = Fixtures.relativeL2(viaRgb, Fixtures.npy(dir.resolve("gray_tokens_b4.npy")));
        assertTrue(err > 0.1, "[x, 0, 0] through the 3-channel graph is another model: relative L2 " + err);
    }

    @Test
    void onlySeemHasAGrayscaleVariant() {
        Path sam = Fixtures.tiny("sam-vitb");
        assertFalse(BackboneLoader.hasGrayscale(sam));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackboneLoader.loadGrayscale(sam));
        assertTrue(e.getMessage().contains("no 1-channel variant"), e.getMessage());
    }
}
