package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.github.dl4jtransfer.config.Protocol.MODERN;
import static io.github.dl4jtransfer.config.Protocol.STUDY;
import static io.github.dl4jtransfer.model.BackboneOutput.FEATURES;
import static io.github.dl4jtransfer.model.BackboneOutput.TOKENS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study's feature taps, as the tiny exports carry them: for each family where the study reads another output
 * than the modern protocol, {@link Backbone#outputName(BackboneOutput, Protocol)} picks it, and the imported graph
 * computes it as PyTorch did (the {@code study_*} references, made by the export's model of the study's code).
 * Each check also shows that the other protocol's output is not the study's.
 */
class StudyTapsTest {

    static final double TOLERANCE = 1e-4;

    private static Map<String, INDArray> run(Backbone b, Path dir, List<String> outputs) {
        return b.forward(Fixtures.npy(dir.resolve("input_b4.npy")), outputs);
    }

    private static INDArray ref(Path dir, String output) {
        return Fixtures.npy(dir.resolve(output + "_b4.npy"));
    }

    @Test
    void samStudyHasNoNeck_featuresAreTheMeanOfTheLastBlocksTokens() {
        Path dir = Fixtures.tiny("sam-vitb").getParent();
        Backbone sam = BackboneLoader.load(dir.resolve("model.onnx"));
        String sf = sam.outputName(FEATURES, STUDY), st = sam.outputName(TOKENS, STUDY);
        assertEquals("study_features", sf);
        assertEquals("study_tokens", st);
        assertEquals("features", sam.outputName(FEATURES, MODERN));
        Map<String, INDArray> out = run(sam, dir, List.of(sf, st, "features"));
        // study: the last block's width (the tiny encoder's embed dim 64; 768 at full size), 4x4 = 16 tokens
        assertArrayEquals(new long[]{4, 64}, out.get(sf).shape());
        assertArrayEquals(new long[]{4, 16, 64}, out.get(st).shape());
        // modern: the neck's width (tiny 32; 256 at full size)
        assertArrayEquals(new long[]{4, 32}, out.get("features").shape());
        assertTrue(Fixtures.relativeL2(out.get(sf), ref(dir, "study_features")) < TOLERANCE);
        assertTrue(Fixtures.relativeL2(out.get(st), ref(dir, "study_tokens")) < TOLERANCE);
        // the study's feature is the spatial mean of the last block's output (defaults/models.py:222)
        INDArray meanOfTokens = ref(dir, "study_tokens").mean(1);
        assertTrue(Fixtures.relativeL2(out.get(sf), meanOfTokens) < TOLERANCE);
        assertEquals(0.0, sam.dropPathRate(STUDY));
    }

    @Test
    void blipStudyFeatureIsTokenOneAfterTheFinalNorm() {
        Path dir = Fixtures.tiny("blip-vitb16").getParent();
        Backbone blip = BackboneLoader.load(dir.resolve("model.onnx"));
        assertEquals("study_features", blip.outputName(FEATURES, STUDY));
        assertEquals("features", blip.outputName(FEATURES, MODERN));
        assertEquals("tokens", blip.outputName(TOKENS, STUDY), "the study's tokens are the patch tokens after the norm");
        Map<String, INDArray> out = run(blip, dir, List.of("study_features", "features", "tokens"));
        INDArray token1 = ref(dir, "study_features");
        assertTrue(Fixtures.relativeL2(out.get("study_features"), token1) < TOLERANCE);
        // token 1 is the first patch token: the first row of the (normed) patch tokens
        INDArray firstPatch = out.get("tokens").get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertTrue(Fixtures.relativeL2(firstPatch, token1) < TOLERANCE);
        assertTrue(Fixtures.relativeL2(out.get("features"), token1) > 0.1, "modern features (CLS) are not token 1");
        assertTrue(blip.sidecar().notes().contains("blip_feature_token=cls"), blip.sidecar().notes());
    }

    @Test
    void dinov2StudyTokensAreTakenBeforeTheFinalNorm() {
        Path dir = Fixtures.tiny("dinov2-vitb14").getParent();
        Backbone dino = BackboneLoader.load(dir.resolve("model.onnx"));
        assertEquals("study_tokens", dino.outputName(TOKENS, STUDY));
        assertEquals("features", dino.outputName(FEATURES, STUDY), "the study's linear feature is x_norm_clstoken");
        Map<String, INDArray> out = run(dino, dir, List.of("study_tokens", "tokens"));
        INDArray prenorm = ref(dir, "study_tokens");
        assertTrue(Fixtures.relativeL2(out.get("study_tokens"), prenorm) < TOLERANCE);
        assertTrue(Fixtures.relativeL2(out.get("tokens"), prenorm) > 0.1, "modern tokens are after the norm");
    }

    @Test
    void openclipStudyTokensHaveNoLnPost_featuresAreTheProjectedClsForBoth() {
        Path dir = Fixtures.tiny("openclip-vitb16").getParent();
        Backbone clip = BackboneLoader.load(dir.resolve("model.onnx"));
        assertEquals("study_tokens", clip.outputName(TOKENS, STUDY));
        assertEquals("features", clip.outputName(FEATURES, STUDY));
        Map<String, INDArray> out = run(clip, dir, List.of("study_tokens", "tokens", "features"));
        assertTrue(Fixtures.relativeL2(out.get("study_tokens"), ref(dir, "study_tokens")) < TOLERANCE);
        assertTrue(Fixtures.relativeL2(out.get("tokens"), ref(dir, "study_tokens")) > 0.1, "modern tokens have ln_post");
        // ln_post(CLS) @ proj: the projection width (tiny 32; 512 at full size), not the tokens' 64
        assertArrayEquals(new long[]{4, 32}, out.get("features").shape());
        assertTrue(Fixtures.relativeL2(out.get("features"), ref(dir, "features")) < TOLERANCE);
    }

    @Test
    void resnet152PresetIsTheV1CheckpointTheStudyLoads() {
        Sidecar resnet = Sidecar.read(Sidecar.besides(Fixtures.tiny("resnet152")));
        assertEquals("https://download.pytorch.org/models/resnet152-394f9c45.pth", resnet.sourceUrl());
        assertTrue(resnet.notes().contains("IMAGENET1K_V1"), resnet.notes());
        assertEquals(73, resnet.resize(), "V1 recipe: resize 256 for a 224 crop (tiny: 64 * 256 / 224)");
        assertEquals("features", resnet.outputName(FEATURES, STUDY));
    }

    @Test
    void dropPathRateIsTheStudysForBothProtocols() {
        Sidecar seem = Sidecar.read(Sidecar.besides(Fixtures.tiny("seem-focalnet-t")));
        assertEquals(0.3, seem.dropPathRate(STUDY));
        assertEquals(0.3, seem.dropPathRate(MODERN));
        assertTrue(seem.study().source().contains("focal_dw.py:636"), seem.study().source());
        for (String vit : List.of("dinov2-vitb14", "deit-b16", "dino-vitb16", "openclip-vitb16", "blip-vitb16",
                "sam-vitb", "resnet152", "deit-tail")) {
            Sidecar s = Sidecar.read(Sidecar.besides(Fixtures.tiny(vit)));
            assertEquals(0.0, s.dropPathRate(STUDY), vit);
            assertTrue(s.study() != null && s.study().source() != null, vit + " has a study section with its source");
        }
    }

    @Test
    void sidecarsWithoutAStudySectionReadAsModernWithoutDropPath() {
        Sidecar old = Sidecar.read(Fixtures.ROOT.resolve("sidecars/deit-b16-before-weight-fields.json"));
        assertNull(old.study());
        assertEquals(old.outputName(FEATURES), old.outputName(FEATURES, STUDY));
        assertEquals(old.outputName(TOKENS), old.outputName(TOKENS, STUDY));
        assertEquals(0.0, old.dropPathRate(STUDY));
        assertEquals(0.0, old.dropPathRate(MODERN));
        assertNull(old.grayscale());
    }

    @Test
    void familiesWhoseTapsAgreeMapNothing() {
        for (String name : List.of("deit-b16", "dino-vitb16", "seem-focalnet-t", "resnet152")) {
            Sidecar s = Sidecar.read(Sidecar.besides(Fixtures.tiny(name)));
            assertEquals(Map.of(), s.study().outputs(), name);
            for (BackboneOutput role : BackboneOutput.values()) {
                assertEquals(s.outputName(role), s.outputName(role, STUDY), name + " " + role);
            }
        }
        Sidecar sam = Sidecar.read(Sidecar.besides(Fixtures.tiny("sam-vitb")));
        assertNotEquals(sam.outputName(FEATURES), sam.outputName(FEATURES, STUDY));
    }
}
