package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.TestImages;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.ChannelStats;
import io.github.dl4jtransfer.data.image.ImageDecoder;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.image.ResizeMode;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static io.github.dl4jtransfer.data.TestImages.image;
import static io.github.dl4jtransfer.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-channel mean/std computed from a dataset's training images, for datasets the study gives none for. */
class StudyStatisticsTest {

    @TempDir
    Path dir;

    static final Preprocessing VIEW = Preprocessing.builder(24).optResize(28).optResizeMode(ResizeMode.SQUASH)
            .optPilFixedPoint(true).build();

    private static void solid(Path file, int w, int h, int r, int g, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r << 16 | g << 8 | b);
        TestImages.write(file, img);
    }

    @Test
    void solidImagesGiveTheMeanAndPopulationStdOfTheirColours() {
        int[][] colours = {{10, 200, 30}, {250, 100, 30}, {40, 0, 90}, {130, 60, 90}};
        for (int i = 0; i < colours.length; i++) {
            solid(dir.resolve("folder/" + (i % 2 == 0 ? "a" : "b") + "/img" + i + ".png"), 40 + 7 * i, 30 + 3 * i,
                    colours[i][0], colours[i][1], colours[i][2]);
        }
        Dataset ds = Datasets.read("imagefolder", dir.resolve("folder"));
        ChannelStats s = DatasetStatistics.of(ds, ds.samples(), VIEW, 2);
        for (int c = 0; c < 3; c++) {
            double sum = 0, sq = 0;
            for (int[] col : colours) {
                double v = (float) (col[c] / 255f);
                sum += v;
                sq += v * v;
            }
            double mean = sum / colours.length, std = Math.sqrt(sq / colours.length - mean * mean);
            assertEquals(mean, s.mean()[c], 1e-9, "mean " + c);
            assertEquals(std, s.std()[c], 1e-9, "std " + c);
        }
    }

    @Test
    void resultDoesNotDependOnThreadsAndMatchesADirectSum() {
        for (int i = 0; i < 7; i++) image(dir.resolve("folder/" + (i % 2) + "/p" + i + ".png"), 50 + 3 * i, 35 + i, i == 3, i * 11);
        Dataset ds = Datasets.read("imagefolder", dir.resolve("folder"));
        ChannelStats one = DatasetStatistics.of(ds, ds.samples(), VIEW, 1);
        ChannelStats three = DatasetStatistics.of(ds, ds.samples(), VIEW, 3);
        assertEquals(one, three);
        double[] sum = new double[3], sq = new double[3];
        long n = 0;
        for (var sample : ds.samples()) {
            float[] v = VIEW.view(ImageDecoder.decode(sample.image()));
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 24 * 24; i++) {
                    double x = v[c * 576 + i];
                    sum[c] += x;
                    sq[c] += x * x;
                }
            }
            n += 576;
        }
        for (int c = 0; c < 3; c++) {
            double mean = sum[c] / n;
            assertEquals(mean, one.mean()[c], 1e-12);
            assertEquals(Math.sqrt(sq[c] / n - mean * mean), one.std()[c], 1e-12);
        }
        // A one-channel view gives one luminance value each.
        Preprocessing lum = Preprocessing.builder(24).optResize(28).optResizeMode(ResizeMode.SQUASH)
                .optPilFixedPoint(true).optChannels(1).optMean(0).optStd(1).build();
        ChannelStats g = DatasetStatistics.of(ds, ds.samples(), lum, 2);
        assertEquals(1, g.channels());
        assertEquals(0.299 * one.mean()[0] + 0.587 * one.mean()[1] + 0.114 * one.mean()[2], g.mean()[0], 1e-6);
    }

    @Test
    void studyValuesWhereTheStudyHasThemElseComputedFromTheTrainingSplit() {
        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        for (int i = 0; i < 20; i++) {
            String id = String.format("img%03d", i);
            image(dir.resolve("aptos/train_images/" + id + ".png"), 40 + i, 30 + (i % 5), false, i);
            csv.append(id).append(',').append(i % 5).append('\n');
            image(dir.resolve("folder/" + (i % 2) + "/" + id + ".png"), 40 + i, 30, false, 3 * i);
        }
        text(dir.resolve("aptos/train.csv"), csv.toString());
        DatasetSplit aptos = DatasetSplit.of(Datasets.read("aptos2019", dir.resolve("aptos")));
        assertEquals(ChannelStats.study("aptos2019").orElseThrow(), DatasetStatistics.studyOrComputed(aptos, VIEW));
        DatasetSplit folder = DatasetSplit.of(Datasets.read("imagefolder", dir.resolve("folder")));
        ChannelStats computed = DatasetStatistics.studyOrComputed(folder, VIEW);
        assertEquals(DatasetStatistics.of(folder.dataset(), folder.train(), VIEW, 1), computed);
        assertTrue(folder.train().size() < folder.dataset().size(), "over the training split only");
        // The result plugs into the study's recipe.
        Preprocessing p = Preprocessing.study(computed);
        assertArrayEquals(computed.mean(), p.mean());
    }

    @Test
    void aConstantChannelOrAMissingImageIsAnErrorThatSaysWhich() {
        solid(dir.resolve("folder/a/x.png"), 20, 20, 10, 20, 30);
        solid(dir.resolve("folder/b/y.png"), 20, 20, 10, 20, 30);
        Dataset ds = Datasets.read("imagefolder", dir.resolve("folder"));
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetStatistics.of(ds, ds.samples(), VIEW, 1));
        assertTrue(e.getMessage().contains("constant"), e.getMessage());
        assertTrue(dir.resolve("folder/b/y.png").toFile().delete());
        DatasetException missing = assertThrows(DatasetException.class, () -> DatasetStatistics.of(ds, ds.samples(), VIEW, 2));
        assertTrue(missing.getMessage().contains("y.png"), missing.getMessage());
    }
}
