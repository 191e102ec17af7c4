package io.github.dl4jtransfer.data.split;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.SplitSpec;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.github.dl4jtransfer.data.TestImages.image;
import static io.github.dl4jtransfer.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetSplitTest {

    @TempDir
    Path dir;

    private static final Task FIVE = new Task("t", TaskType.SINGLE_LABEL, List.of("a", "b", "c", "d", "e"), "accuracy");

    /** 600 samples of 250 patients (1–4 images each), labels skewed 50/20/15/10/5 %, in {@code order}. */
    private static Dataset patients(long order) {
        Random r = new Random(11);
        List<Sample> samples = new ArrayList<>();
        int patient = 0;
        while (samples.size() < 600) {
            patient++;
            double u = r.nextDouble();
            int label = u < 0.5 ? 0 : u < 0.7 ? 1 : u < 0.85 ? 2 : u < 0.95 ? 3 : 4;
            for (int k = 0, n = 1 + r.nextInt(4); k < n && samples.size() < 600; k++) {
                String id = "p" + patient + "/img" + k;
                samples.add(Sample.single(id, new ImageSource.FileImage(Path.of(id + ".png")), label, "patient" + patient));
            }
        }
        if (order != 0) Collections.shuffle(samples, new Random(order));
        Dataset.Builder b = Dataset.builder("csv", Path.of("x"), FIVE);
        samples.forEach(b::add);
        return b.build();
    }

    private static Map<String, Split> assignment(DatasetSplit s) {
        Map<String, Split> m = new HashMap<>();
        for (Sample x : s.dataset().samples()) m.put(x.id(), s.splitOf(x.id()));
        return m;
    }

    @Test
    void noGroupInTwoSplitsAndFractionsAndStrataAreMet() {
        DatasetSplit s = DatasetSplit.of(patients(0), SplitSpec.aptos());
        assertTrue(s.leakingGroups().isEmpty(), "leaks " + s.leakingGroups());
        Map<String, Split> byPatient = new HashMap<>();
        for (Sample x : s.dataset().samples()) {
            Split prev = byPatient.putIfAbsent(x.group(), s.splitOf(x.id()));
            assertTrue(prev == null || prev == s.splitOf(x.id()), x.group() + " straddles splits");
        }
        Map<Split, Integer> c = s.counts();
        assertEquals(600, c.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(420, c.get(Split.TRAIN), 12);
        assertEquals(90, c.get(Split.VAL), 12);
        assertEquals(90, c.get(Split.TEST), 12);
        long[] all = s.dataset().classCounts();
        for (Split sp : Split.values()) {
            long[] part = new long[5];
            for (Sample x : s.samples(sp)) part[x.label()]++;
            for (int k = 0; k < 5; k++) {
                double expected = all[k] * SplitSpec.aptos().fraction(sp);
                assertEquals(expected, part[k], Math.max(4, 0.25 * expected), sp + " class " + k + " stratified");
            }
        }
    }

    @Test
    void aTrainingSubsetNarrowsTrainOnlyAndLeavesValidationAndTestAsTheyWere() {
        DatasetSplit s = DatasetSplit.of(patients(0), SplitSpec.aptos());
        java.util.Set<String> keep = TrainSubset.fraction(0.1).select(s.train(), 1, true);
        DatasetSplit narrowed = s.withTrainOnly(keep);
        assertEquals(keep, new java.util.HashSet<>(narrowed.train().stream().map(Sample::id).toList()));
        assertEquals(s.val(), narrowed.val());
        assertEquals(s.test(), narrowed.test());
        assertTrue(narrowed.train().size() < s.train().size() / 5, narrowed.train().size() + " of " + s.train().size());
        assertTrue(s.withTrainOnly(null) == s, "null keeps the split as it is");
    }

    @Test
    void sameSeedSameSplitWhateverTheReadingOrderAnotherSeedAnotherSplit() {
        Map<String, Split> a = assignment(DatasetSplit.of(patients(0), SplitSpec.aptos()));
        assertEquals(a, assignment(DatasetSplit.of(patients(0), SplitSpec.aptos())));
        assertEquals(a, assignment(DatasetSplit.of(patients(99), SplitSpec.aptos())), "independent of sample order");
        Map<String, Split> other = assignment(DatasetSplit.of(patients(0), SplitSpec.aptos().withSeed(7)));
        assertNotEquals(a, other);
        assertTrue(DatasetSplit.of(patients(0), SplitSpec.aptos().withSeed(7)).leakingGroups().isEmpty());
    }

    @Test
    void multiLabelPatientSplitOnChexpertLayoutIsLeakFree() {
        StringBuilder csv = new StringBuilder("Path,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,"
                + "Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,Support Devices\n");
        Path root = dir.resolve("CheXpert-v1.0-small");
        Random r = new Random(3);
        for (int p = 1; p <= 60; p++) {
            for (int st = 1; st <= 1 + p % 3; st++) {
                String rel = String.format("train/patient%05d/study%d/view1_frontal.jpg", p, st);
                image(root.resolve(rel), 8, 8, true, p);
                csv.append("CheXpert-v1.0-small/").append(rel);
                for (int k = 0; k < 14; k++) csv.append(',').append(r.nextDouble() < 0.2 ? "1.0" : r.nextDouble() < 0.1 ? "-1.0" : "");
                csv.append('\n');
            }
        }
        text(root.resolve("train.csv"), csv.toString());
        Dataset ds = Datasets.read("chexpert", root);
        DatasetSplit s = DatasetSplit.of(ds);
        assertTrue(s.leakingGroups().isEmpty());
        assertTrue(s.counts().get(Split.TEST) > 0 && s.counts().get(Split.VAL) > 0);
        assertEquals(0.8 * ds.size(), s.counts().get(Split.TRAIN), 0.06 * ds.size());
    }

    private Dataset ddsm(boolean withVal) {
        StringBuilder train = new StringBuilder(), test = new StringBuilder(), val = new StringBuilder();
        for (int c = 1; c <= 40; c++) {
            for (String view : new String[]{"CC", "MLO"}) {
                String rel = String.format("cases/case%04d/case%04d_%s.png", c, c, view);
                image(dir.resolve(rel), 8, 8, true, c);
                (c <= 30 ? train : c <= 35 && withVal ? val : test).append(rel).append(' ').append(c % 3).append('\n');
            }
        }
        text(dir.resolve("train.txt"), train.toString());
        text(dir.resolve("test.txt"), test.toString());
        if (withVal) text(dir.resolve("val.txt"), val.toString());
        return Datasets.read("ddsm", dir);
    }

    @Test
    void shippedListsAreKeptAndValIsCarvedFromTrainByCaseWhenMissing() {
        DatasetSplit kept = DatasetSplit.of(ddsm(true));
        assertEquals(Map.of(Split.TRAIN, 60, Split.VAL, 10, Split.TEST, 10), kept.counts());

        try {
            Files.delete(dir.resolve("val.txt"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Dataset noVal = ddsm(false);
        DatasetSplit carved = DatasetSplit.of(noVal);
        assertEquals(20, carved.counts().get(Split.TEST), "shipped test untouched");
        int val = carved.counts().get(Split.VAL);
        assertTrue(val >= 4 && val <= 10, "about 1/9 of 60 train images, whole cases: " + val);
        assertEquals(0, val % 2, "both views of a case go together");
        assertTrue(carved.leakingGroups().isEmpty());
        carved.samples(Split.VAL).forEach(x -> assertEquals(Split.TRAIN, noVal.shippedSplit().get(x.id())));

        DatasetSplit resplit = DatasetSplit.of(noVal, SplitSpec.eightyTenTen().withKeepShipped(false));
        assertTrue(resplit.leakingGroups().isEmpty());
        assertNotEquals(20, resplit.counts().get(Split.TEST));
    }

    @Test
    void aMissingShippedTestPartIsCarvedFromTrain() {
        for (int i = 0; i < 40; i++) image(dir.resolve("folder/train/" + (i % 2 == 0 ? "a" : "b") + "/" + i + ".png"), 8, 8, false, i);
        for (int i = 0; i < 6; i++) image(dir.resolve("folder/val/" + (i % 2 == 0 ? "a" : "b") + "/v" + i + ".png"), 8, 8, false, i);
        Dataset ds = Datasets.read("imagefolder", dir.resolve("folder"));
        DatasetSplit s = DatasetSplit.of(ds);
        assertEquals(6, s.counts().get(Split.VAL), "shipped val kept as is");
        int test = s.counts().get(Split.TEST);
        assertTrue(test >= 3 && test <= 6, "about 1/9 of the 40 train images: " + test);
        for (Sample x : s.test()) assertEquals(Split.TRAIN, ds.shippedSplit().get(x.id()));
        assertTrue(s.test().stream().anyMatch(x -> x.label() == 0) && s.test().stream().anyMatch(x -> x.label() == 1), "stratified");
    }

    @Test
    void manifestRoundTripsIsReusedAndRejectsAnotherSpecOrDataset() {
        Dataset ds = ddsm(false);
        Path manifest = dir.resolve("results/splits/ddsm.json");
        DatasetSplit made = DatasetSplit.loadOrCreate(manifest, ds, ds.defaultSplit());
        assertTrue(Files.isRegularFile(manifest));
        DatasetSplit again = DatasetSplit.loadOrCreate(manifest, ds, ds.defaultSplit());
        assertEquals(assignment(made), assignment(again));
        assertEquals(assignment(made), assignment(DatasetSplit.read(manifest, ds)));

        DatasetException e = assertThrows(DatasetException.class,
                () -> DatasetSplit.loadOrCreate(manifest, ds, ds.defaultSplit().withSeed(5)));
        assertTrue(e.getMessage().contains("seed 5") && e.getMessage().contains("delete the manifest"), e.getMessage());

        image(dir.resolve("cases/case0099/case0099_CC.png"), 8, 8, true, 1);
        text(dir.resolve("test.txt"), "cases/case0099/case0099_CC.png 1\n");
        Dataset changed = Datasets.read("ddsm", dir);
        e = assertThrows(DatasetException.class, () -> DatasetSplit.read(manifest, changed));
        assertTrue(e.getMessage().contains("does not match dataset") && e.getMessage().contains("case0099"), e.getMessage());
    }
}
