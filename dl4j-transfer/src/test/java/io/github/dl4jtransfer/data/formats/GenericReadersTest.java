package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.TestImages.Npy;
import io.github.dl4jtransfer.data.image.ImageDecoder;
import io.github.dl4jtransfer.data.image.RgbImage;
import io.github.dl4jtransfer.data.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.dl4jtransfer.data.TestImages.image;
import static io.github.dl4jtransfer.data.TestImages.npz;
import static io.github.dl4jtransfer.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ImageFolder, CSV manifest, MedMNIST .npz and the format-name entry point. */
class GenericReadersTest {

    @TempDir
    Path dir;

    private static void assertMessage(DatasetException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
    }

    @Test
    void unknownFormatListsTheKnownOnesAndMissingPathSaysWhatWasExpected() {
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read("kaggle", dir));
        assertMessage(e, "unknown dataset format 'kaggle'", "aptos2019", "isic2019", "ddsm", "chexpert", "imagefolder", "csv", "medmnist");
        e = assertThrows(DatasetException.class, () -> Datasets.read("ISIC-2019", dir.resolve("nowhere")));
        assertMessage(e, "nowhere: no such file or folder", "ISIC_2019_Training_GroundTruth.csv");
        assertEquals(List.of("aptos2019", "isic2019", "ddsm", "chexpert", "imagefolder", "csv", "medmnist"), Datasets.formats());
    }

    // ---------------------------------------------------------------- ImageFolder

    @Test
    void imageFolderSortsClassesLikeTorchvisionAndIgnoresNonImages() {
        image(dir.resolve("pneumonia/b.png"), 20, 20, true, 1);
        image(dir.resolve("normal/a.png"), 20, 20, false, 2);
        image(dir.resolve("normal/sub/c.jpg"), 20, 20, false, 3);
        text(dir.resolve("normal/README.txt"), "not an image");
        Dataset ds = Datasets.read("imagefolder", dir);
        assertEquals(List.of("normal", "pneumonia"), ds.task().classNames());
        assertEquals(3, ds.size());
        assertEquals(0, ds.sample("normal/sub/c.jpg").label());
        assertEquals(1, ds.sample("pneumonia/b.png").label());
        assertEquals("roc_auc", ds.task().metric());
        assertTrue(!ds.hasShippedSplit());
    }

    @Test
    void imageFolderWithTrainValTestIsAShippedSplit() {
        image(dir.resolve("train/cat/1.png"), 8, 8, false, 1);
        image(dir.resolve("train/dog/2.png"), 8, 8, false, 2);
        image(dir.resolve("val/dog/3.png"), 8, 8, false, 3);
        image(dir.resolve("test/cat/4.png"), 8, 8, false, 4);
        Dataset ds = Datasets.read("imagefolder", dir);
        assertEquals(List.of("cat", "dog"), ds.task().classNames());
        assertEquals(Split.VAL, ds.shippedSplit().get("val/dog/3.png"));
        assertEquals(Split.TEST, ds.shippedSplit().get("test/cat/4.png"));
        assertEquals(1, ds.sample("val/dog/3.png").label());
    }

    @Test
    void imageFolderWithOneClassIsAnError() {
        image(dir.resolve("only/1.png"), 8, 8, false, 1);
        assertMessage(assertThrows(DatasetException.class, () -> Datasets.read("imagefolder", dir)), "found 1 class folder", "at least two");
    }

    // ---------------------------------------------------------------- CSV manifest

    @Test
    void csvManifestSingleLabelNamesGroupsAndSplit() {
        image(dir.resolve("img/a.png"), 8, 8, false, 1);
        image(dir.resolve("img/b.png"), 8, 8, false, 2);
        image(dir.resolve("img/c.png"), 8, 8, true, 3);
        text(dir.resolve("labels.csv"), "path,label,patient_id,split\nimg/a.png,malignant,p1,train\nimg/b.png,benign,p1,train\nimg/c.png,benign,p2,test\n");
        Dataset ds = Datasets.read("csv", dir.resolve("labels.csv"));
        assertEquals(List.of("benign", "malignant"), ds.task().classNames());
        assertEquals(1, ds.sample("img/a.png").label());
        assertEquals("p1", ds.sample("img/b.png").group());
        assertEquals(Split.TEST, ds.shippedSplit().get("img/c.png"));
        assertEquals("labels", ds.task().name());
    }

    @Test
    void csvManifestIntegerLabelsKeepTheirIndices() {
        image(dir.resolve("a.png"), 8, 8, false, 1);
        image(dir.resolve("b.png"), 8, 8, false, 2);
        text(dir.resolve("manifest.csv"), "image,label\na.png,0\nb.png,3\n");
        Dataset ds = Datasets.read("csv", dir);
        assertEquals(List.of("0", "1", "2", "3"), ds.task().classNames());
        assertEquals(3, ds.sample("b.png").label());
        assertEquals("accuracy", ds.task().metric());
    }

    @Test
    void csvManifestMultiLabelColumns() {
        image(dir.resolve("a.png"), 8, 8, false, 1);
        image(dir.resolve("b.png"), 8, 8, false, 2);
        text(dir.resolve("m.csv"), "path,effusion,nodule,group\na.png,1,,g1\nb.png,0,-1,g2\n");
        Dataset ds = Datasets.read("csv", dir.resolve("m.csv"));
        assertTrue(ds.task().isMultiLabel());
        assertEquals(List.of("effusion", "nodule"), ds.task().classNames());
        assertEquals(1f, ds.sample("a.png").labelAt(0));
        assertEquals(0f, ds.sample("b.png").labelAt(1), "uncertain under U-Zeroes");
        assertEquals("mean_roc_auc", ds.task().metric());
    }

    @Test
    void csvManifestErrorsNameFileLineAndColumn() {
        image(dir.resolve("a.png"), 8, 8, false, 1);
        text(dir.resolve("m.csv"), "file_name,label\na.png,x\n");
        assertMessage(assertThrows(DatasetException.class, () -> Datasets.read("csv", dir.resolve("m.csv"))),
                "m.csv, line 1, column 'path'", "missing column", "file_name,label");

        text(dir.resolve("m.csv"), "path,effusion,age\na.png,1,63\n");
        assertMessage(assertThrows(DatasetException.class, () -> Datasets.read("csv", dir.resolve("m.csv"))),
                "m.csv, line 2, column 'age'", "found '63'");

        text(dir.resolve("m.csv"), "path,label\na.png,x\nmissing.png,y\n");
        assertMessage(assertThrows(DatasetException.class, () -> Datasets.read("csv", dir.resolve("m.csv"))),
                "m.csv, line 3, column 'path'", "missing file");
        Dataset skipped = Datasets.read("csv", dir.resolve("m.csv"), DatasetOptions.builder().optSkipBadImages(true).build());
        assertEquals(1, skipped.skippedCount());
    }

    // ---------------------------------------------------------------- MedMNIST

    private static byte[] ramp(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 3 + seed);
        return b;
    }

    @Test
    void medmnistGrayAndRgbSingleLabel() {
        Map<String, Npy> a = new LinkedHashMap<>();
        a.put("train_images", Npy.u8(new long[]{3, 28, 28}, ramp(3 * 28 * 28, 0)));
        a.put("train_labels", Npy.i64(new long[]{3, 1}, 0, 2, 1));
        a.put("val_images", Npy.u8(new long[]{1, 28, 28}, ramp(28 * 28, 5)));
        a.put("val_labels", Npy.i64(new long[]{1, 1}, 1));
        a.put("test_images", Npy.u8(new long[]{2, 28, 28}, ramp(2 * 28 * 28, 9)));
        a.put("test_labels", Npy.i64(new long[]{2, 1}, 2, 0));
        Path f = npz(dir.resolve("pneumoniamnist.npz"), a);
        Dataset ds = Datasets.read("medmnist", f);
        assertEquals(6, ds.size());
        assertEquals(List.of("0", "1", "2"), ds.task().classNames());
        assertEquals(2, ds.sample("train/1").label());
        assertEquals(Split.VAL, ds.shippedSplit().get("val/0"));
        assertEquals("pneumoniamnist", ds.task().name());
        RgbImage img = ImageDecoder.decode(ds.sample("train/1").image());
        assertEquals(28, img.width());
        assertEquals(((byte) (784 * 3 + 5 * 3)) & 0xff, Math.round(img.get(0, 0, 5) * 255), "row 1 of the array, pixel 5");
        assertEquals(img.get(0, 3, 4), img.get(2, 3, 4));

        Map<String, Npy> rgb = new LinkedHashMap<>();
        rgb.put("train_images", Npy.u8(new long[]{2, 32, 32, 3}, ramp(2 * 32 * 32 * 3, 0)));
        rgb.put("train_labels", Npy.i64(new long[]{2, 1}, 0, 1));
        Dataset d2 = Datasets.read("medmnist", npz(dir.resolve("rgb.npz"), rgb));
        RgbImage c = ImageDecoder.decode(d2.sample("train/0").image());
        assertEquals(((byte) 3) & 0xff, Math.round(c.get(1, 0, 0) * 255), "G of pixel 0 is byte 1");
    }

    @Test
    void medmnistMultiLabelAndMissingArray() {
        Map<String, Npy> a = new LinkedHashMap<>();
        a.put("train_images", Npy.u8(new long[]{2, 28, 28}, ramp(2 * 28 * 28, 0)));
        a.put("train_labels", Npy.i64(new long[]{2, 3}, 1, 0, 1, 0, 0, 0));
        Dataset ds = Datasets.read("medmnist", npz(dir.resolve("chest.npz"), a));
        assertTrue(ds.task().isMultiLabel());
        assertEquals(1f, ds.sample("train/0").labelAt(2));

        a.put("val_images", Npy.u8(new long[]{1, 28, 28}, ramp(28 * 28, 0)));
        Path bad = npz(dir.resolve("bad.npz"), a);
        assertMessage(assertThrows(DatasetException.class, () -> Datasets.read("medmnist", bad)), "bad.npz", "val_labels", "missing array");
    }
}
