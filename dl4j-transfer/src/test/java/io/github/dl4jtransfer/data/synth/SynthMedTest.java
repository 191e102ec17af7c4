package io.github.dl4jtransfer.data.synth;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.image.ImageDecoder;
import io.github.dl4jtransfer.data.image.RgbImage;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthMedTest {

    @TempDir
    static Path tmp;
    static Path root;
    static List<SynthMed.Entry> entries;

    @BeforeAll
    static void generate() {
        root = SharedSynthMed.ROOT;
        entries = SharedSynthMed.entries();
    }

    private static Dataset read(String name) {
        SynthMed.Entry e = entries.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return Datasets.read(e.format(), e.path());
    }

    @Test
    void generatesAllFourTasksInSecondsAndTheyReadBackWithTheRealReaders() {
        assertEquals(List.of("aptos2019", "isic2019", "ddsm", "chexpert"), entries.stream().map(SynthMed.Entry::format).toList());

        Dataset aptos = read("aptos2019");
        assertEquals(SynthMed.APTOS_N, aptos.size());
        assertEquals("quadratic_kappa", aptos.task().metric());
        for (long c : aptos.classCounts()) assertTrue(c >= 20, "every grade present: " + java.util.Arrays.toString(aptos.classCounts()));

        Dataset isic = read("isic2019");
        assertEquals(SynthMed.ISIC_N, isic.size());
        assertEquals(8, isic.task().numClasses());
        for (long c : isic.classCounts()) assertTrue(c >= 10, "every class present: " + java.util.Arrays.toString(isic.classCounts()));
        assertTrue(isic.samples().stream().map(Sample::group).distinct().count() < isic.size(), "some lesions have two images");

        Dataset ddsm = read("ddsm");
        assertEquals(2 * SynthMed.DDSM_CASES, ddsm.size());
        assertTrue(ddsm.hasShippedSplit());
        long[] dc = ddsm.classCounts();
        assertTrue(dc[0] > 80 && dc[1] > 80, "normal and abnormal (benign + cancer) both present: " + dc[0] + "/" + dc[1]);
        RgbImage mammo = ImageDecoder.decode(ddsm.samples().get(0).image());
        assertGray(mammo);
        assertTrue(DatasetSplit.of(ddsm).leakingGroups().isEmpty(), "both views of a case are in one list");

        Dataset cxr = read("chexpert");
        assertTrue(cxr.size() >= 300 && cxr.size() <= 520, "size " + cxr.size());
        assertTrue(cxr.task().isMultiLabel());
        long[] pos = cxr.classCounts();
        for (int k = 0; k < 14; k++) assertTrue(pos[k] >= 5, "label " + k + " has positives: " + java.util.Arrays.toString(pos));
        assertGray(ImageDecoder.decode(cxr.samples().get(0).image()));
        Map<String, Long> perPatient = cxr.samples().stream().collect(Collectors.groupingBy(Sample::group, Collectors.counting()));
        assertTrue(perPatient.values().stream().anyMatch(n -> n > 1), "patients with several studies");
    }

    @Test
    void chexpertCsvHasUncertainAndBlankCells() throws IOException {
        List<String> lines = Files.readAllLines(entries.get(3).path().resolve("train.csv"));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",-1.0")), "uncertain cells");
        assertTrue(lines.stream().anyMatch(l -> l.contains(",,")), "blank cells");
        assertTrue(lines.get(1).startsWith("CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg"));
    }

    @Test
    void regenerationIsSkippedForSameSeedAndOutputIsDeterministic() throws IOException {
        Path csv = root.resolve("aptos2019/train.csv");
        FileTime before = Files.getLastModifiedTime(csv);
        SynthMed.generate(root, SynthMed.DEFAULT_SEED);
        assertEquals(before, Files.getLastModifiedTime(csv), "same seed and version: nothing rewritten");

        Path other = tmp.resolve("again");
        long t = System.nanoTime();
        SynthMed.generate(other, SynthMed.DEFAULT_SEED);
        long millis = (System.nanoTime() - t) / 1_000_000;
        assertTrue(millis < 30_000, "generation takes seconds, took " + millis + " ms");
        for (String f : List.of("aptos2019/train.csv", "isic2019/ISIC_2019_Training_GroundTruth.csv", "ddsm/test.txt",
                "chexpert/CheXpert-v1.0-small/train.csv")) {
            assertEquals(Files.readString(root.resolve(f)), Files.readString(other.resolve(f)), f);
        }
        String firstImage = Files.readAllLines(csv).get(1).split(",")[0];
        assertArrayEquals(Files.readAllBytes(root.resolve("aptos2019/train_images/" + firstImage + ".png")),
                Files.readAllBytes(other.resolve("aptos2019/train_images/" + firstImage + ".png")));

        Path third = tmp.resolve("seeded");
        SynthMed.generate(third, 7);
        assertFalse(Files.readString(root.resolve("aptos2019/train.csv")).equals(Files.readString(third.resolve("aptos2019/train.csv"))),
                "another seed gives other data");
        SynthMed.generate(third, SynthMed.DEFAULT_SEED); // a different seed in place: regenerated
        assertEquals(Files.readString(root.resolve("aptos2019/train.csv")), Files.readString(third.resolve("aptos2019/train.csv")));
    }

    private static void assertGray(RgbImage img) {
        int n = img.plane();
        for (int i = 0; i < n; i += 37) {
            assertEquals(img.data()[i], img.data()[n + i]);
            assertEquals(img.data()[i], img.data()[2 * n + i]);
        }
    }
}
