package io.github.dl4jtransfer.data.image;

import io.github.dl4jtransfer.data.TestImages;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study's recipe as named, selectable objects next to the defaults, which stay as they were. */
class StudyPreprocessingTest {

    @Test
    void studyStatisticsAreTheStudysPerDatasetValues() {
        ChannelStats aptos = ChannelStats.study("APTOS2019").orElseThrow();
        assertArrayEquals(new double[]{0.415, 0.221, 0.073}, aptos.mean());
        assertArrayEquals(new double[]{0.275, 0.150, 0.081}, aptos.std());
        assertArrayEquals(new double[]{0.66776717, 0.52960888, 0.52434725}, ChannelStats.study("isic2019").orElseThrow().mean());
        assertArrayEquals(new double[]{0.22381877, 0.20363036, 0.21538623}, ChannelStats.study("isic2019").orElseThrow().std());
        assertArrayEquals(new double[]{0.503}, ChannelStats.study("CheXpert").orElseThrow().mean());
        assertArrayEquals(new double[]{0.292}, ChannelStats.study("chexpert").orElseThrow().std());
        assertArrayEquals(new double[]{0.286}, ChannelStats.study("DDSM").orElseThrow().mean());
        assertArrayEquals(new double[]{0.267}, ChannelStats.study("ddsm").orElseThrow().std());
        assertArrayEquals(new double[]{0.44}, ChannelStats.study("ddsm-patches").orElseThrow().mean());
        assertArrayEquals(new double[]{0.25}, ChannelStats.study("ddsm_patches").orElseThrow().std());
        assertArrayEquals(new double[]{0.69991202, 0.53839318, 0.69108667}, ChannelStats.study("Camelyon").orElseThrow().mean());
        assertArrayEquals(new double[]{0.2308955, 0.27435492, 0.20865005}, ChannelStats.study("pcam").orElseThrow().std());
        assertTrue(ChannelStats.study("imagefolder").isEmpty());
        assertTrue(ChannelStats.study(null).isEmpty());
        assertEquals(6, ChannelStats.studyTable().size());
    }

    @Test
    void grayStatisticsBroadcastToTheThreeReplicatedPlanes() {
        ChannelStats gray = ChannelStats.study("chexpert").orElseThrow();
        assertEquals(1, gray.channels());
        assertArrayEquals(new double[]{0.503, 0.503, 0.503}, gray.broadcast(3).mean());
        assertArrayEquals(new double[]{0.292, 0.292, 0.292}, Preprocessing.study(gray).std());
        assertThrows(IllegalArgumentException.class, () -> ChannelStats.imagenet().broadcast(1));
        assertThrows(IllegalArgumentException.class, () -> new ChannelStats(new double[]{0.5}, new double[]{0}));
        assertThrows(IllegalArgumentException.class, () -> new ChannelStats(new double[]{0.5, 0.5}, new double[]{0.2}));
    }

    @Test
    void studyPreprocessingIsSquash256Crop224BilinearWithPilArithmetic() {
        Preprocessing p = Preprocessing.study(new double[]{0.415, 0.221, 0.073}, new double[]{0.275, 0.150, 0.081});
        assertEquals(256, p.resize());
        assertEquals(ResizeMode.SQUASH, p.resizeMode());
        assertEquals(224, p.height());
        assertEquals(224, p.width());
        assertEquals(3, p.channels());
        assertEquals(Interpolation.BILINEAR, p.interpolation());
        assertTrue(p.pilFixedPoint());
        assertEquals("pp1:sq256:c3x224x224:bilinear:m0.415000,0.221000,0.073000,:s0.275000,0.150000,0.081000,:fx", p.fingerprint());
        assertEquals(new ChannelStats(new double[]{0.415, 0.221, 0.073}, new double[]{0.275, 0.150, 0.081}), p.stats());
    }

    @Test
    void defaultsKeepTheirMeaningAndFingerprints() {
        Preprocessing old = new Preprocessing(66, 64, 64, 3, Preprocessing.imagenetMean(), Preprocessing.imagenetStd(), Interpolation.BILINEAR);
        assertEquals(ResizeMode.SHORTER_SIDE, old.resizeMode());
        assertFalse(old.pilFixedPoint());
        assertEquals("pp1:r66:c3x64x64:bilinear:m0.485000,0.456000,0.406000,:s0.229000,0.224000,0.225000,", old.fingerprint());
        assertEquals(old, Preprocessing.builder(64).optResize(66).build());
        assertNotEquals(old, Preprocessing.builder(64).optResize(66).optResizeMode(ResizeMode.SQUASH).build());
        assertNotEquals(old, Preprocessing.builder(64).optResize(66).optPilFixedPoint(true).build());
        assertEquals(Augmentation.CropInput.IMAGE, Augmentation.study().cropInput());
        assertEquals("aug1:flip0.5,0.5:jit0.8,0.2,0.2,0.1,0.1:rrc0.8,1.2,0.75,1.3333333333333333", Augmentation.study().fingerprint());
        assertEquals(Augmentation.study().fingerprint() + ":view", Augmentation.studyPipeline().fingerprint());
        assertEquals(Augmentation.study(), Augmentation.studyPipeline().withCropInput(Augmentation.CropInput.IMAGE));
    }

    @Test
    void squashResizesBothSidesWhileShorterSideKeepsTheAspect() {
        // 60x30 image, pixel (x, y) → (x·7, y·5, (x+y)·3) mod 256. Squash to 20: the view covers the whole image.
        RgbImage img = ImageDecoder.fromBuffered(TestImages.pattern(60, 30, false, 0));
        Preprocessing squash = Preprocessing.builder(20).optResize(20).optResizeMode(ResizeMode.SQUASH).optPilFixedPoint(true).build();
        Preprocessing shorter = Preprocessing.builder(20).optResize(20).optPilFixedPoint(true).build();
        float[] a = squash.view(img), b = shorter.view(img);
        // Same as a straight resize to the crop (resize 0), which squashes too.
        assertArrayEquals(Preprocessing.builder(20).optPilFixedPoint(true).build().view(img), a);
        // Shorter side 30 → 20 makes it 40x20; the centre crop keeps columns 10..29 of it: not the same pixels.
        assertFalse(Arrays.equals(a, b));
        float[] wide = Transforms.resample(img, 0, 0, 60, 30, 40, 20, 0, 0, 40, 20, Interpolation.BILINEAR, true);
        for (int y = 0; y < 20; y++) assertEquals(wide[y * 40 + 10], b[y * 20], 0f);
    }

    @Test
    void pilArithmeticRoundsTiesHalfUpAsPil() {
        // A 2 → 4 bilinear upscale weighs the inputs 0.75/0.25, exactly in PIL's 22-bit fixed point, so the
        // middle outputs are exact halves. PIL 9.4 (Image.fromarray(row, 'L').resize((4, 1), BILINEAR)) gives:
        int[][] rows = {{1, 3}, {3, 1}, {5, 7}, {0, 2}, {101, 103}};
        int[][] pil = {{1, 2, 3, 3}, {3, 3, 2, 1}, {5, 6, 7, 7}, {0, 1, 2, 2}, {101, 102, 103, 103}};
        for (int k = 0; k < rows.length; k++) {
            float[] px = new float[3 * 2];
            for (int c = 0; c < 3; c++) {
                px[c * 2] = rows[k][0] / 255f;
                px[c * 2 + 1] = rows[k][1] / 255f;
            }
            float[] out = Transforms.resample(new RgbImage(2, 1, px, 8), 0, 0, 2, 1, 4, 1, 0, 0, 4, 1, Interpolation.BILINEAR, true);
            int[] got = new int[4];
            for (int i = 0; i < 4; i++) got[i] = Math.round(out[i] * 255);
            assertArrayEquals(pil[k], got, Arrays.toString(rows[k]));
        }
    }

    @Test
    void studyTrainingTransformIsTheEvalViewThenCropFlipsJitterInThatOrder() {
        RgbImage img = ImageDecoder.fromBuffered(TestImages.pattern(75, 50, false, 9));
        Preprocessing p = Preprocessing.builder(28).optResize(32).optResizeMode(ResizeMode.SQUASH).optPilFixedPoint(true)
                .optMean(0.4, 0.3, 0.2).optStd(0.3, 0.2, 0.1).build();
        Augmentation a = Augmentation.studyPipeline();
        int vflips = 0, hflips = 0, jitters = 0, wholeViews = 0, n = 400;
        for (int seed = 0; seed < n; seed++) {
            float[] got = new float[p.tensorSize()];
            p.applyTrain(img, a, new SplittableRandom(seed), got, 0);
            // The same draws by hand, in the study's order.
            SplittableRandom r = new SplittableRandom(seed);
            RgbImage view = new RgbImage(28, 28, p.view(img), 8);
            int[] box = Transforms.randomResizedCrop(28, 28, a, r);
            float[] planes = Transforms.resizedCrop(view, box, 28, 28, Interpolation.BILINEAR, true);
            boolean v = r.nextDouble() < 0.5, h = r.nextDouble() < 0.5, j = r.nextDouble() < 0.8;
            if (v) Transforms.flip(planes, 28, 28, false);
            if (h) Transforms.flip(planes, 28, 28, true);
            if (j) Transforms.jitter(planes, 28 * 28, a, Transforms.jitterDraw(a, r));
            float[] expected = new float[p.tensorSize()];
            Transforms.normalise(planes, p, expected, 0);
            assertArrayEquals(expected, got, "seed " + seed);
            if (v) vflips++;
            if (h) hflips++;
            if (j) jitters++;
            if (box[2] == 28 && box[3] == 28) wholeViews++;
            if (!v && !h && !j && box[2] == 28 && box[3] == 28) {
                float[] eval = new float[p.tensorSize()];
                p.apply(img, eval, 0);
                assertArrayEquals(eval, got, "whole view, no flip, no jitter = the eval transform");
            }
        }
        // Binomial(400, p): sd 10 for p = 0.5, 8 for p = 0.8; allow 4 sd.
        assertEquals(200, vflips, 40);
        assertEquals(200, hflips, 40);
        assertEquals(320, jitters, 32);
        assertTrue(wholeViews > 10, "scale up to 1.2 often gives the whole view: " + wholeViews);
    }

    @Test
    void studyPipelineAugmentationIsDeterministicPerSeed() {
        RgbImage img = ImageDecoder.fromBuffered(TestImages.pattern(64, 48, true, 5));
        Preprocessing p = Preprocessing.study(ChannelStats.study("ddsm").orElseThrow());
        float[] a = new float[p.tensorSize()], b = new float[p.tensorSize()], c = new float[p.tensorSize()];
        p.applyTrain(img, Augmentation.studyPipeline(), new SplittableRandom(1), a, 0);
        p.applyTrain(img, Augmentation.studyPipeline(), new SplittableRandom(1), b, 0);
        p.applyTrain(img, Augmentation.studyPipeline(), new SplittableRandom(2), c, 0);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        // A gray image stays gray through every step (saturation and hue leave gray alone, as PIL's 'L' path skips them).
        int n = 224 * 224;
        for (int i = 0; i < n; i++) {
            assertEquals(a[i], a[n + i], 1e-5f);
            assertEquals(a[i], a[2 * n + i], 1e-5f);
        }
    }
}
