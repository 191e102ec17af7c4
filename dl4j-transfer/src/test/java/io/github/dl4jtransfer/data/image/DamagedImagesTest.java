package io.github.dl4jtransfer.data.image;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.TestImages;
import io.github.dl4jtransfer.data.formats.Datasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images damaged as downloads and disks damage them: each fails naming the file, or is skipped under skipBadImages. */
class DamagedImagesTest {

    @TempDir
    Path dir;

    /** Noise compresses badly, so the image data spans many bytes and a cut lands inside it. */
    private static BufferedImage noise(int size, long seed) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom r = new SplittableRandom(seed);
        for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        return img;
    }

    @Test
    void aJpegCutInHalfFailsWhenDecodedNamingTheFile() throws Exception {
        Path jpeg = TestImages.write(dir.resolve("half.jpg"), noise(96, 1));
        TestImages.truncate(jpeg, (int) Files.size(jpeg) / 2);
        // The case: javax.imageio alone decodes it, with a warning only, and training would go on with grey pixels.
        assertNotNull(ImageIO.read(jpeg.toFile()));

        DatasetException e = assertThrows(DatasetException.class, () -> ImageDecoder.read(jpeg));
        assertTrue(e.getMessage().contains(jpeg.toString()) && e.getMessage().contains("corrupt or truncated"), e.getMessage());
        assertNotNull(ImageDecoder.decodeProblem(jpeg));
        assertNull(ImageDecoder.decodeProblem(TestImages.write(dir.resolve("whole.jpg"), noise(96, 1))));
    }

    @Test
    void aDamagedPngWithAValidHeaderIsSkippedUnderSkipBadImages() throws Exception {
        Path good = TestImages.write(dir.resolve("a/good.png"), noise(48, 2));
        TestImages.write(dir.resolve("b/good.png"), noise(48, 3));
        Path bad = TestImages.write(dir.resolve("a/bad.png"), noise(48, 4));
        byte[] bytes = Files.readAllBytes(bad);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 16; i++) bytes[i] ^= 0x5a; // inside IDAT; header and IEND intact
        Files.write(bad, bytes);
        assertNull(ImageDecoder.headerProblem(bad), "the cheap check passes: header and end marker are intact");

        String problem = ImageDecoder.decodeProblem(bad);
        assertNotNull(problem);
        assertNull(ImageDecoder.decodeProblem(good));

        Dataset skipping = Datasets.read("imagefolder", dir, DatasetOptions.builder().optSkipBadImages(true).build());
        assertEquals(1, skipping.skippedCount(), skipping.skipped().toString());
        assertTrue(skipping.skipped().get(0).toString().contains("bad.png"), skipping.skipped().toString());
        assertEquals(2, skipping.size());
        assertFalse(skipping.samples().stream().anyMatch(s -> s.id().contains("bad")));
    }
}
