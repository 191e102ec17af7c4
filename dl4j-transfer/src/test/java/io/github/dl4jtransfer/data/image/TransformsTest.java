package io.github.dl4jtransfer.data.image;

import io.github.dl4jtransfer.data.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransformsTest {

    @TempDir
    Path dir;

    private static RgbImage pattern(int w, int h) {
        return ImageDecoder.fromBuffered(TestImages.pattern(w, h, false, 17));
    }

    private static Preprocessing identityNorm(int resize, int crop, Interpolation i) {
        return Preprocessing.builder(crop).optResize(resize).optMean(0, 0, 0).optStd(1, 1, 1).optInterpolation(i).build();
    }

    @Test
    void centreCropRoundsHalfToEvenLikeTorchvisionAndPadsSmallImages() {
        assertEquals(2, Transforms.cropOffset(5, 2)); // round(1.5) = 2
        assertEquals(2, Transforms.cropOffset(7, 2)); // round(2.5) = 2 (half-even)
        assertEquals(16, Transforms.cropOffset(256, 224));
        assertEquals(-2, Transforms.cropOffset(4, 8));
        // resize 0 straight to 8x8, then a crop larger than the image pads with zeros (before normalisation).
        Preprocessing p = Preprocessing.builder(8).optResize(4).optMean(0, 0, 0).optStd(1, 1, 1).build();
        float[] out = new float[p.tensorSize()];
        p.apply(pattern(4, 4), out, 0);
        assertEquals(0f, out[0]);
        assertTrue(out[2 * 8 + 2] > 0 || out[8 + 64 + 2 * 8 + 2] > 0, "image in the middle");
    }

    @Test
    void constantImageStaysConstantAndNormalisesPerChannel() {
        float[] px = new float[3 * 50 * 30];
        Arrays.fill(px, 0, 1500, 0.2f);
        Arrays.fill(px, 1500, 3000, 0.4f);
        Arrays.fill(px, 3000, 4500, 0.6f);
        for (Interpolation i : Interpolation.values()) {
            Preprocessing p = Preprocessing.builder(24).optResize(28).optInterpolation(i).build();
            float[] out = new float[p.tensorSize()];
            p.apply(new RgbImage(50, 30, px, 8), out, 0);
            for (int c = 0; c < 3; c++) {
                float expected = (float) ((0.2 * (c + 1) - p.mean()[c]) / p.std()[c]);
                for (int k = 0; k < 24 * 24; k++) assertEquals(expected, out[c * 576 + k], 3e-3, i + " channel " + c);
            }
        }
    }

    @Test
    void cropWindowShortcutEqualsResizeThenCrop() {
        RgbImage img = pattern(61, 47);
        for (Interpolation i : Interpolation.values()) {
            // Resize the shorter side 47 -> 32 (long side int(32 * 61 / 47) = 41), crop 24: the shortcut path.
            Preprocessing p = identityNorm(32, 24, i);
            float[] fast = new float[p.tensorSize()];
            p.apply(img, fast, 0);
            // The same resize without cropping (crop = whole resized image), then the crop by hand.
            float[] full = Transforms.resample(img, 0, 0, 61, 47, 41, 32, 0, 0, 41, 32, i);
            int top = Transforms.cropOffset(32, 24), left = Transforms.cropOffset(41, 24);
            float[] manual = new float[fast.length];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 24; y++) {
                    System.arraycopy(full, c * 41 * 32 + (y + top) * 41 + left, manual, c * 576 + y * 24, 24);
                }
            }
            assertArrayEquals(manual, fast, i.toString());
        }
    }

    @Test
    void downscaleAntialiasesLikePil() {
        // 4 -> 2 bilinear: PIL stretches the triangle filter to support 2, so output 0 averages inputs 0..2
        // with weights 3/7, 3/7, 1/7 instead of interpolating between two pixels.
        float[] px = new float[3 * 4];
        float[] row = {0f, 0.2f, 0.4f, 0.6f};
        for (int c = 0; c < 3; c++) System.arraycopy(row, 0, px, c * 4, 4);
        float[] out = Transforms.resample(new RgbImage(4, 1, px, 16), 0, 0, 4, 1, 2, 1, 0, 0, 2, 1, Interpolation.BILINEAR);
        assertEquals((3 * 0.2 + 0.4) / 7, out[0], 1e-6);
        assertEquals((0.2 + 3 * 0.4 + 3 * 0.6) / 7, out[1], 1e-6);
    }

    @Test
    void horizontalMirrorOfTheInputMirrorsTheOutput() {
        RgbImage img = pattern(40, 40);
        float[] mirrored = img.data().clone();
        Transforms.flip(mirrored, 40, 40, true);
        Preprocessing p = identityNorm(36, 36, Interpolation.BICUBIC);
        float[] a = new float[p.tensorSize()], b = new float[p.tensorSize()];
        p.apply(img, a, 0);
        p.apply(new RgbImage(40, 40, mirrored, 8), b, 0);
        Transforms.flip(b, 36, 36, true);
        // Mirrored sums add the same terms in another order; a value on a 1/255 rounding edge may step.
        assertArrayEquals(a, b, 1.01f / 255);
    }

    @Test
    void grayImagesGiveThreeEqualChannelsAndOneChannelBackbonesGetLuminance() {
        RgbImage gray = ImageDecoder.read(TestImages.image(dir.resolve("g.png"), 30, 20, true, 3));
        Preprocessing p = identityNorm(16, 16, Interpolation.BILINEAR);
        float[] out = new float[p.tensorSize()];
        p.apply(gray, out, 0);
        assertArrayEquals(Arrays.copyOfRange(out, 0, 256), Arrays.copyOfRange(out, 256, 512));
        assertArrayEquals(Arrays.copyOfRange(out, 0, 256), Arrays.copyOfRange(out, 512, 768));
        Preprocessing one = Preprocessing.builder(16).optResize(16).optChannels(1).optMean(0).optStd(1).build();
        float[] lum = new float[one.tensorSize()];
        one.apply(gray, lum, 0);
        assertArrayEquals(Arrays.copyOfRange(out, 0, 256), lum, 1e-5f);
    }

    @Test
    void augmentationIsDeterministicPerGeneratorAndVaries() {
        RgbImage img = pattern(64, 48);
        Preprocessing p = Preprocessing.of(40, 32);
        float[] a = new float[p.tensorSize()], b = new float[p.tensorSize()], c = new float[p.tensorSize()], e = new float[p.tensorSize()];
        p.applyTrain(img, Augmentation.study(), new SplittableRandom(5), a, 0);
        p.applyTrain(img, Augmentation.study(), new SplittableRandom(5), b, 0);
        p.applyTrain(img, Augmentation.study(), new SplittableRandom(6), c, 0);
        p.apply(img, e, 0);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertFalse(Arrays.equals(a, e));
    }

    @Test
    void randomResizedCropFollowsTorchvisionBounds() {
        SplittableRandom r = new SplittableRandom(1);
        int full = 0;
        for (int i = 0; i < 2000; i++) {
            int[] box = Transforms.randomResizedCrop(100, 80, Augmentation.study(), r);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 100 && box[1] + box[3] <= 80, Arrays.toString(box));
            double area = (double) box[2] * box[3] / 8000;
            assertTrue(area >= 0.78 && area <= 1.0, "area " + area);
            if (box[2] == 100 && box[3] == 80) full++;
        }
        assertTrue(full > 0, "scale up to 1.2 sometimes falls back to the whole image");
    }

    @Test
    void hueShiftLeavesGrayAloneAndJitterKeepsRange() {
        float[] px = new float[3 * 100];
        for (int i = 0; i < 100; i++) px[i] = px[100 + i] = px[200 + i] = i / 99f;
        float[] before = px.clone();
        Augmentation hueOnly = new Augmentation(0, 0, 1, 0, 0, 0, 0.5, 0.8, 1.0, 0.75, 1.33);
        Transforms.jitter(px, 100, hueOnly, new SplittableRandom(3));
        assertArrayEquals(before, px);
        float[] colour = new float[3 * 100];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < colour.length; i++) colour[i] = (float) r.nextDouble();
        Transforms.jitter(colour, 100, Augmentation.study(), new SplittableRandom(9));
        for (float v : colour) assertTrue(v >= 0 && v <= 1);
    }
}
