package io.github.dl4jtransfer.data.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dl4jtransfer.data.NpzArray;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study's input pipeline against torchvision on PIL images, as the study runs it. Fixtures from
 * {@code tools/reference/make_study_pipeline_fixtures.py} (Debian's torch 1.13 / torchvision 0.14.1 / Pillow 9.4).
 */
class StudyPipelineReferenceTest {

    static final Path DIR = Fixtures.ROOT.resolve("study_pipeline");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The tolerance the brief asks for; the measured difference is a float ulp or two. */
    static final double TOL = 1e-5;

    static JsonNode json(String name) throws IOException {
        return JSON.readTree(DIR.resolve(name).toFile());
    }

    /** max |a - b| over a plane of {@code expected} (row {@code row} of the npz array) and {@code actual[offset…]}. */
    static double maxDiff(float[] expected, float[] actual, int offset) {
        double m = 0;
        for (int i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(expected[i] - actual[offset + i]));
        return m;
    }

    @Test
    void evalTransformOfA300x200RgbImageEqualsTorchvision() {
        RgbImage img = ImageDecoder.read(DIR.resolve("input_rgb.png"));
        assertEquals(300, img.width());
        assertEquals(200, img.height());
        Preprocessing p = Preprocessing.study(ChannelStats.study("APTOS2019").orElseThrow());
        float[] out = new float[p.tensorSize()];
        p.apply(img, out, 0);
        NpzArray ref = new NpzArray(DIR.resolve("eval.npz"), "rgb");
        assertArrayEquals(new long[]{3, 224, 224}, ref.shape());
        double worst = 0;
        for (int c = 0; c < 3; c++) worst = Math.max(worst, maxDiff(ref.floatRow(c), out, c * 224 * 224));
        assertTrue(worst <= TOL, "max |ours - torchvision| = " + worst);
        System.out.println("study eval transform, 300x200 RGB: max |ours - torchvision| = " + worst);
    }

    @Test
    void evalTransformOfA300x200GrayImageEqualsTorchvisionOnEveryChannel() {
        RgbImage img = ImageDecoder.read(DIR.resolve("input_gray.png"));
        float[] expected = new NpzArray(DIR.resolve("eval.npz"), "gray").floatRow(0);
        // The study feeds CheXpert/DDSM as one channel; our 3-channel input repeats it with the same mean/std.
        Preprocessing p = Preprocessing.study(ChannelStats.study("chexpert").orElseThrow());
        float[] out = new float[p.tensorSize()];
        p.apply(img, out, 0);
        double worst = 0;
        for (int c = 0; c < 3; c++) worst = Math.max(worst, maxDiff(expected, out, c * 224 * 224));
        // And a one-channel input (luminance of three equal planes).
        Preprocessing one = Preprocessing.builder(224).optResize(256).optResizeMode(ResizeMode.SQUASH).optPilFixedPoint(true)
                .optChannels(1).optMean(0.503).optStd(0.292).build();
        float[] lum = new float[one.tensorSize()];
        one.apply(img, lum, 0);
        worst = Math.max(worst, maxDiff(expected, lum, 0));
        assertTrue(worst <= TOL, "max |ours - torchvision| = " + worst);
        System.out.println("study eval transform, 300x200 gray: max |ours - torchvision| = " + worst);
    }

    @Test
    void withoutPilArithmeticTheFloatPathIsWithinOneStep() {
        // What the default (float) resampling would give: the same pixels up to a 1/255 step on rounding edges.
        RgbImage img = ImageDecoder.read(DIR.resolve("input_rgb.png"));
        ChannelStats s = ChannelStats.study("aptos2019").orElseThrow();
        Preprocessing exact = Preprocessing.study(s);
        Preprocessing loose = new Preprocessing(256, 224, 224, 3, s.mean(), s.std(), Interpolation.BILINEAR, ResizeMode.SQUASH, false);
        float[] a = exact.view(img), b = loose.view(img);
        int steps = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            assertTrue(d <= 1.01f / 255, "float path more than one step away at " + i);
            if (d > 0) steps++;
        }
        System.out.println("float resampling differs from PIL's fixed point in " + steps + " of " + a.length + " values");
    }

    @Test
    void trainingViewCropsThenResizesAndFlipsLikeTorchvision() throws IOException {
        JsonNode spec = json("train_view.json");
        RgbImage img = ImageDecoder.read(DIR.resolve("input_rgb.png"));
        double[] mean = JSON.convertValue(spec.get("mean"), double[].class), std = JSON.convertValue(spec.get("std"), double[].class);
        Preprocessing p = Preprocessing.builder(56).optResize(64).optResizeMode(ResizeMode.SQUASH).optPilFixedPoint(true)
                .optMean(mean).optStd(std).build();
        RgbImage view = new RgbImage(56, 56, p.view(img), 8);
        double worst = 0;
        for (JsonNode c : spec.get("cases")) {
            int[] box = {c.get("left").asInt(), c.get("top").asInt(), c.get("width").asInt(), c.get("height").asInt()};
            float[] planes = Transforms.resizedCrop(view, box, 56, 56, Interpolation.BILINEAR, true);
            if (c.get("vflip").asBoolean()) Transforms.flip(planes, 56, 56, false);
            if (c.get("hflip").asBoolean()) Transforms.flip(planes, 56, 56, true);
            float[] out = new float[p.tensorSize()];
            Transforms.normalise(planes, p, out, 0);
            NpzArray ref = new NpzArray(DIR.resolve("train_view.npz"), c.get("key").asText());
            for (int ch = 0; ch < 3; ch++) {
                double d = maxDiff(ref.floatRow(ch), out, ch * 56 * 56);
                assertTrue(d <= TOL, c + ": max |ours - torchvision| = " + d);
                worst = Math.max(worst, d);
            }
        }
        System.out.println("study training view (crop, resize, flips): max |ours - torchvision| = " + worst);
    }

    /** Draws that replay what torch drew in one get_params call. */
    static final class Replay implements Transforms.CropDraws {
        final JsonNode attempts;
        int attempt, offsets;
        final Map<String, Double> bounds = new HashMap<>();

        Replay(JsonNode attempts) {
            this.attempts = attempts;
        }

        @Override
        public double scale(double lo, double hi) {
            bounds.put("scaleLo", lo);
            bounds.put("scaleHi", hi);
            return (float) attempts.get(attempt).get(0).asDouble(); // torch draws float32
        }

        @Override
        public double ratio(double logLo, double logHi) {
            bounds.put("logLo", logLo);
            bounds.put("logHi", logHi);
            return (float) attempts.get(attempt++).get(1).asDouble();
        }

        @Override
        public int offset(int bound) {
            JsonNode last = attempts.get(attempt - 1);
            int v = last.get(2 + offsets++).asInt();
            assertTrue(v >= 0 && v < bound, "torch's offset " + v + " outside [0, " + bound + ")");
            return v;
        }
    }

    @Test
    void randomResizedCropReplaysTorchvisionGetParamsExactly() throws IOException {
        JsonNode rrc = json("rrc_replay.json");
        assertEquals(224, rrc.get("size").asInt());
        Augmentation a = Augmentation.studyPipeline();
        assertEquals(rrc.get("scale").get(0).asDouble(), a.scaleMin());
        assertEquals(rrc.get("scale").get(1).asDouble(), a.scaleMax());
        assertEquals(rrc.get("ratio").get(0).asDouble(), a.ratioMin());
        assertEquals(rrc.get("ratio").get(1).asDouble(), a.ratioMax());
        int trials = 0, fallbacks = 0;
        for (JsonNode t : rrc.get("trials")) {
            Replay r = new Replay(t.get("draws"));
            int[] box = Transforms.randomResizedCrop(224, 224, a, r);
            JsonNode e = t.get("box"); // torchvision: (top, left, height, width)
            assertArrayEquals(new int[]{e.get(1).asInt(), e.get(0).asInt(), e.get(3).asInt(), e.get(2).asInt()}, box, t.toString());
            assertEquals(t.get("draws").size(), r.attempt, "attempts used");
            if (t.get("draws").size() == 10 && t.get("draws").get(9).size() == 2) fallbacks++;
            trials++;
        }
        assertEquals(600, trials);
        assertTrue(fallbacks > 0, "the replay includes torchvision's fallback to the whole view");
    }

    @Test
    void randomResizedCropDistributionMatchesTorchvision() throws IOException {
        JsonNode stats = json("rrc_replay.json").get("stats");
        Augmentation a = Augmentation.studyPipeline();
        SplittableRandom rng = new SplittableRandom(2024);
        int n = 100_000, whole = 0, fullW = 0, fullH = 0;
        double area = 0;
        for (int i = 0; i < n; i++) {
            int[] b = Transforms.randomResizedCrop(224, 224, a, rng);
            assertTrue(b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= 224 && b[1] + b[3] <= 224);
            area += b[2] * b[3] / (224.0 * 224.0);
            if (b[2] == 224) fullW++;
            if (b[3] == 224) fullH++;
            if (b[2] == 224 && b[3] == 224) whole++;
        }
        // Two independent samples of 100k: a rate p differs by about sqrt(2 p (1 - p) / n) ≈ 0.0014; allow 4 sigma.
        assertEquals(stats.get("whole_view_rate").asDouble(), whole / (double) n, 0.006);
        assertEquals(stats.get("full_width_rate").asDouble(), fullW / (double) n, 0.006);
        assertEquals(stats.get("full_height_rate").asDouble(), fullH / (double) n, 0.006);
        assertEquals(stats.get("mean_area").asDouble(), area / n, 0.002);
    }

    @Test
    void colourJitterRangesAndOrderMatchTorchvision() throws IOException {
        JsonNode j = json("jitter.json");
        Augmentation a = Augmentation.studyPipeline();
        // torchvision's _check_input: [max(0, 1 - v), 1 + v] for brightness/contrast/saturation, [-v, v] for hue.
        assertEquals(j.get("brightness").get(0).asDouble(), 1 - a.brightness(), 1e-12);
        assertEquals(j.get("brightness").get(1).asDouble(), 1 + a.brightness(), 1e-12);
        assertEquals(j.get("contrast").get(0).asDouble(), 1 - a.contrast(), 1e-12);
        assertEquals(j.get("contrast").get(1).asDouble(), 1 + a.contrast(), 1e-12);
        assertEquals(j.get("saturation").get(0).asDouble(), 1 - a.saturation(), 1e-12);
        assertEquals(j.get("saturation").get(1).asDouble(), 1 + a.saturation(), 1e-12);
        assertEquals(j.get("hue").get(0).asDouble(), -a.hue(), 1e-12);
        assertEquals(j.get("hue").get(1).asDouble(), a.hue(), 1e-12);
        // torchvision draws a uniform random order of the four operations (randperm(4)): all 24 orders, ~1000 each
        // in its 24k draws; ours: the same uniformity.
        JsonNode counts = j.get("order_counts");
        assertEquals(24, counts.size());
        counts.fields().forEachRemaining(e -> assertEquals(1000, e.getValue().asInt(), 130, e.getKey()));
        Map<String, Integer> ours = new HashMap<>();
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < 24_000; i++) {
            int[] order = Transforms.jitterOrder(rng);
            StringBuilder k = new StringBuilder();
            for (int o : order) k.append(o);
            ours.merge(k.toString(), 1, Integer::sum);
        }
        assertEquals(24, ours.size());
        ours.forEach((k, v) -> assertEquals(1000, v, 130, k));
    }

    @Test
    void ourJitterFactorsStayInTorchvisionsRanges() {
        Augmentation a = Augmentation.studyPipeline();
        double[] lo = {9, 9, 9, 9}, hi = {-9, -9, -9, -9};
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 24_000; i++) {
            Transforms.JitterDraw d = Transforms.jitterDraw(a, rng);
            double[] f = {d.brightness(), d.contrast(), d.saturation(), d.hue()};
            for (int k = 0; k < 4; k++) {
                lo[k] = Math.min(lo[k], f[k]);
                hi[k] = Math.max(hi[k], f[k]);
            }
        }
        double[] min = {0.8, 0.8, 0.9, -0.1}, max = {1.2, 1.2, 1.1, 0.1};
        for (int k = 0; k < 4; k++) {
            assertTrue(lo[k] >= min[k] && lo[k] < min[k] + 1e-3, "factor " + k + " min " + lo[k]);
            assertTrue(hi[k] < max[k] && hi[k] > max[k] - 1e-3, "factor " + k + " max " + hi[k]);
        }
    }

    /** Planes of a (H, W, 3) uint8 array of the npz, in [0, 1]. */
    static float[] planesOf(NpzArray a, int h, int w) {
        float[] px = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            float[] row = a.floatRow(y);
            for (int x = 0; x < w; x++) for (int c = 0; c < 3; c++) px[c * h * w + y * w + x] = row[x * 3 + c] / 255f;
        }
        return px;
    }

    /**
     * Our jitter works on floats (torchvision's tensor formulas, with PIL's luma weights); the study's runs on the
     * PIL image in uint8: blends truncate, contrast uses the rounded mean of the 8-bit luma image, hue goes through
     * 8-bit HSV and a shift truncated to whole 8-bit hue steps. So ours is held to what torchvision's own tensor
     * path reaches on the same input with the same factors (recorded by the script): about one 8-bit step for
     * brightness, contrast and saturation, up to 13 (mean under one) for hue, where PIL's 8-bit hue quantises.
     */
    @Test
    void jitterOperationsAreAsCloseToPilAsTorchvisionsTensorPath() throws IOException {
        JsonNode spec = json("jitter.json");
        Path npz = DIR.resolve("jitter_ops.npz");
        float[] view = planesOf(new NpzArray(npz, "view"), 56, 56);
        for (JsonNode c : spec.get("cases")) {
            String key = c.get("key").asText();
            int[] order = JSON.convertValue(c.get("order"), int[].class);
            double b = c.get("brightness").asDouble(1), con = c.get("contrast").asDouble(1),
                    sat = c.get("saturation").asDouble(1), hue = c.get("hue").asDouble(0);
            Augmentation strengths = new Augmentation(0, 0, 1, c.get("brightness").isNull() ? 0 : 0.2,
                    c.get("contrast").isNull() ? 0 : 0.2, c.get("saturation").isNull() ? 0 : 0.1,
                    c.get("hue").isNull() ? 0 : 0.1, 0.8, 1.2, 0.75, 4 / 3.0);
            float[] px = view.clone();
            Transforms.jitter(px, 56 * 56, strengths, new Transforms.JitterDraw(order, b, con, sat, hue));
            float[] ref = planesOf(new NpzArray(npz, key), 56, 56);
            double worst = 0, sum = 0;
            for (int i = 0; i < px.length; i++) {
                double d = Math.abs(px[i] - ref[i]) * 255;
                worst = Math.max(worst, d);
                sum += d;
            }
            JsonNode tensor = c.get("tensor_vs_pil_steps");
            double mean = sum / px.length;
            System.out.printf("jitter %-16s vs PIL: max %.3f mean %.3f 8-bit steps (torchvision tensor path: max %.3f mean %.3f)%n",
                    key, worst, mean, tensor.get("max").asDouble(), tensor.get("mean").asDouble());
            assertTrue(worst <= tensor.get("max").asDouble() + 0.1, key + ": max " + worst + " steps");
            assertTrue(mean <= tensor.get("mean").asDouble() + 0.05, key + ": mean " + mean + " steps");
        }
    }
}
