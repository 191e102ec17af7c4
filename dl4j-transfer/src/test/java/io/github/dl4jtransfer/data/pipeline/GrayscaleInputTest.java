package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.Augmentation;
import io.github.dl4jtransfer.data.image.ChannelStats;
import io.github.dl4jtransfer.data.image.GrayscaleInput;
import io.github.dl4jtransfer.data.image.ImageDecoder;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.image.ResizeMode;
import io.github.dl4jtransfer.data.image.RgbImage;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static io.github.dl4jtransfer.data.TestImages.image;
import static io.github.dl4jtransfer.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-channel gray input as a preprocessing choice: settings, training transform, statistics, the gray decision. */
class GrayscaleInputTest {

    @TempDir
    Path dir;

    static final ChannelStats CHEXPERT = ChannelStats.study("chexpert").orElseThrow();

    static Preprocessing small(ChannelStats stats, GrayscaleInput input) {
        ChannelStats s = stats.broadcast(3);
        return Preprocessing.builder(24).optResize(28).optResizeMode(ResizeMode.SQUASH).optPilFixedPoint(true)
                .optMean(s.mean()).optStd(s.std()).optGrayscaleInput(input).build();
    }

    @Test
    void theDefaultIsTodaysAndTheChoiceIsPartOfTheFingerprint() {
        Preprocessing study = Preprocessing.study(CHEXPERT);
        assertEquals(GrayscaleInput.REPLICATE, study.grayscaleInput());
        assertFalse(study.fingerprint().contains(":gr"), "unchanged cache keys for the default");
        Preprocessing one = study.withGrayscaleInput(GrayscaleInput.R_CHANNEL);
        assertEquals(study.fingerprint() + ":gr", one.fingerprint());
        assertNotEquals(study, one);
        assertEquals(CHEXPERT, one.stats(), "one gray value");
        assertEquals(3, one.channels(), "the backbone still gets three channels");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Preprocessing.study(ChannelStats.study("aptos2019").orElseThrow()).withGrayscaleInput(GrayscaleInput.R_CHANNEL));
        assertTrue(e.getMessage().contains("one gray mean/std"), e.getMessage());
    }

    @Test
    void luminanceIsPilsConvertL() {
        RgbImage rgb = ImageDecoder.read(Fixtures.ROOT.resolve("study_pipeline/input_rgb.png"));
        RgbImage l = rgb.luminance();
        assertTrue(l.isGray());
        assertFalse(rgb.isGray());
        int n = rgb.plane();
        for (int i = 0; i < n; i += 97) {
            int r = Math.round(rgb.data()[i] * 255), g = Math.round(rgb.data()[n + i] * 255), b = Math.round(rgb.data()[2 * n + i] * 255);
            assertEquals((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16, Math.round(l.data()[i] * 255), "pixel " + i);
        }
        RgbImage gray = ImageDecoder.read(Fixtures.ROOT.resolve("study_pipeline/input_gray.png"));
        assertTrue(gray.luminance() == gray, "a gray image is left as it is");
    }

    @Test
    void theTrainingTransformKeepsTheDrawsAndPutsTheGrayInChannelZero() {
        RgbImage gray = ImageDecoder.read(Fixtures.ROOT.resolve("study_pipeline/input_gray.png"));
        Preprocessing replicate = small(CHEXPERT, GrayscaleInput.REPLICATE), one = small(CHEXPERT, GrayscaleInput.R_CHANNEL);
        int n = 24 * 24;
        for (long seed = 0; seed < 20; seed++) {
            float[] a = new float[replicate.tensorSize()], b = new float[one.tensorSize()];
            java.util.Arrays.fill(b, 7f); // the zeros are written, not assumed
            replicate.applyTrain(gray, Augmentation.studyPipeline(), new SplittableRandom(seed), a, 0);
            one.applyTrain(gray, Augmentation.studyPipeline(), new SplittableRandom(seed), b, 0);
            assertArrayEquals(java.util.Arrays.copyOf(a, n), java.util.Arrays.copyOf(b, n), "seed " + seed);
            for (int i = n; i < 3 * n; i++) assertEquals(0f, b[i]);
        }
    }

    @Test
    void statisticsUnderTheOneChannelInputAreOneLuminanceValue() {
        for (int i = 0; i < 6; i++) image(dir.resolve("colour/" + (i % 2) + "/p" + i + ".png"), 40 + 3 * i, 30 + i, false, i * 13);
        Dataset ds = Datasets.read("imagefolder", dir.resolve("colour"));
        ChannelStats s = DatasetStatistics.of(ds, ds.samples(), small(CHEXPERT, GrayscaleInput.R_CHANNEL), 2);
        assertEquals(1, s.channels());
        double sum = 0, sq = 0;
        long count = 0;
        Preprocessing view = small(CHEXPERT, GrayscaleInput.REPLICATE);
        for (var sample : ds.samples()) {
            float[] v = view.view(ImageDecoder.decode(sample.image()).luminance());
            for (int i = 0; i < 24 * 24; i++) {
                sum += v[i];
                sq += (double) v[i] * v[i];
                count++;
            }
        }
        double mean = sum / count;
        assertEquals(mean, s.mean()[0], 1e-12);
        assertEquals(Math.sqrt(sq / count - mean * mean), s.std()[0], 1e-12);
    }

    @Test
    void grayDatasetsAreTheStudysOneValueOnesElseTheirImagesSay() {
        // The study's own decision (img_channels per dataset class) is mirrored by its statistics table.
        Map<String, ChannelStats> table = ChannelStats.studyTable();
        for (var e : table.entrySet()) {
            boolean gray = e.getKey().startsWith("chexpert") || e.getKey().startsWith("ddsm");
            assertEquals(gray, e.getValue().channels() == 1, e.getKey());
        }
        for (int i = 0; i < 6; i++) {
            image(dir.resolve("gray/" + (i % 2) + "/g" + i + ".png"), 40 + i, 30, true, 5 * i);
            image(dir.resolve("colour/" + (i % 2) + "/c" + i + ".png"), 40 + i, 30, i != 4, 5 * i);
        }
        Dataset gray = Datasets.read("imagefolder", dir.resolve("gray")), colour = Datasets.read("imagefolder", dir.resolve("colour"));
        assertTrue(DatasetStatistics.isGrayscale(gray, gray.samples(), 0));
        assertFalse(DatasetStatistics.isGrayscale(colour, colour.samples(), 0), "one colour image is enough");
        DatasetSplit graySplit = DatasetSplit.of(gray);
        Preprocessing p = DatasetStatistics.studyPreprocessing(graySplit);
        assertEquals(GrayscaleInput.R_CHANNEL, p.grayscaleInput());
        assertEquals(DatasetStatistics.of(gray, graySplit.train(), p, 1), p.stats(), "one value, computed from the training split");
        assertEquals(256, p.resize());

        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        for (int i = 0; i < 10; i++) {
            String id = String.format("img%03d", i);
            image(dir.resolve("aptos/train_images/" + id + ".png"), 40, 30, true, i); // gray files, but the study says RGB
            csv.append(id).append(',').append(i % 5).append('\n');
        }
        text(dir.resolve("aptos/train.csv"), csv.toString());
        Preprocessing aptos = DatasetStatistics.studyPreprocessing(DatasetSplit.of(Datasets.read("aptos2019", dir.resolve("aptos"))));
        assertEquals(GrayscaleInput.REPLICATE, aptos.grayscaleInput(), "the study's table wins for its datasets");
        assertEquals(Preprocessing.study(ChannelStats.study("aptos2019").orElseThrow()), aptos);
    }
}
