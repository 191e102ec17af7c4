package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.data.image.Interpolation;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A backbone's sidecar says how to preprocess its images, and the loaded backbone carries that preprocessing. */
class SidecarPreprocessingTest {

    private static Sidecar sidecar(String family) {
        return Sidecar.read(Sidecar.besides(Fixtures.tiny(family)));
    }

    @Test
    void sidecarGivesResizeCropInterpolationMeanStdAndAStableFingerprint() {
        Preprocessing resnet = sidecar("resnet152").preprocessing();
        assertEquals(73, resnet.resize());
        assertEquals(64, resnet.height());
        assertEquals(Interpolation.BILINEAR, resnet.interpolation());
        assertArrayEquals(new double[]{0.485, 0.456, 0.406}, resnet.mean());
        Preprocessing dinov2 = sidecar("dinov2-vitb14").preprocessing();
        assertEquals(56, dinov2.width());
        assertEquals(Interpolation.BICUBIC, dinov2.interpolation());
        assertEquals("pp1:r73:c3x64x64:bilinear:m0.485000,0.456000,0.406000,:s0.229000,0.224000,0.225000,", resnet.fingerprint());
        assertEquals(resnet.fingerprint(), sidecar("resnet152").preprocessing().fingerprint());
        assertNotEquals(resnet.fingerprint(), sidecar("openclip-vitb16").preprocessing().fingerprint());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sidecar("deit-tail").preprocessing());
        assertTrue(e.getMessage().contains("not an image"), e.getMessage());
    }

    @Test
    void aBackboneCarriesItsSidecarsPreprocessing() {
        Backbone resnet = BackboneLoader.load(Fixtures.tiny("resnet152"));
        assertEquals(sidecar("resnet152").preprocessing(), resnet.preprocessing());
        Backbone plain = BackboneLoader.load(Fixtures.ROOT.resolve("ops/tied_weights/model.onnx"), null);
        IllegalStateException e = assertThrows(IllegalStateException.class, plain::preprocessing);
        assertTrue(e.getMessage().contains("without a sidecar"), e.getMessage());
    }
}
