package io.github.dl4jtransfer.data.split;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.SkippedImage;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.SplitSpec;
import io.github.dl4jtransfer.data.SplitStrategy;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.github.dl4jtransfer.data.split.SplitFixtures.dataset;
import static io.github.dl4jtransfer.data.split.SplitFixtures.file;
import static io.github.dl4jtransfer.data.split.SplitFixtures.intList;
import static io.github.dl4jtransfer.data.split.SplitFixtures.ints;
import static io.github.dl4jtransfer.data.split.SplitFixtures.rowIds;
import static io.github.dl4jtransfer.data.split.SplitFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study's cuts ({@link StudySplits}, {@link SplitStrategy#STUDY_SHUFFLE}, {@link SplitStrategy#STUDY_SORTED_PATHS})
 * against what CPython and pandas make of the same rows (fixtures from tools/reference/make_split_fixtures.py).
 */
class StudySplitsTest {

    private static final JsonNode RANDOM = file("python_random.json");
    private static final JsonNode CHEXPERT = file("chexpert_split.json");

    @TempDir
    Path dir;

    private static int[] shuffled(int n) {
        for (JsonNode c : RANDOM.get("shuffles")) {
            if (c.get("n").asInt() == n && c.get("seed").asLong() == 42) return ints(c.get("shuffled"));
        }
        throw new IllegalStateException("no shuffle of " + n);
    }

    private static List<String> ids(List<Sample> samples) {
        return samples.stream().map(Sample::id).toList();
    }

    @Test
    void shuffledCutsHaveTheSizesAndHeadsPythonComputes() {
        for (JsonNode c : RANDOM.get("cuts")) {
            StudySplits.Parts p = StudySplits.shuffled(c.get("n").asInt(), c.get("val_size_arg").asDouble(), c.get("seed").asLong());
            String what = "n=" + c.get("n") + " val_size=" + c.get("val_size_arg");
            assertEquals(c.get("train_size").asInt(), p.train().size(), what);
            assertEquals(c.get("val_size").asInt(), p.val().size(), what);
            assertEquals(c.get("test_size").asInt(), p.test().size(), what);
            assertEquals(intList(c.get("train_head")), p.train().subList(0, Math.min(5, p.train().size())), what);
            assertEquals(intList(c.get("val_head")), p.val().subList(0, Math.min(5, p.val().size())), what);
            assertEquals(intList(c.get("test_head")), p.test().subList(0, Math.min(5, p.test().size())), what);
        }
    }

    @Test
    void aptosStudySplitIsTheStudysRowsWhileOurDefaultIsNot() {
        // APTOS 2019 train.csv has 3662 rows; the study holds out int(3662 * 0.3) = 1098 shuffled rows.
        List<String> rows = rowIds(3662);
        Dataset ds = dataset("aptos2019", rows);
        int[] idxs = shuffled(3662);
        DatasetSplit study = DatasetSplit.of(ds, SplitSpec.study("aptos2019"));
        assertEquals(2564, study.train().size());
        assertEquals(549, study.val().size());
        assertEquals(549, study.test().size());
        for (int i = 0; i < idxs.length; i++) {
            Split expected = i < 549 ? Split.VAL : i < 1098 ? Split.TEST : Split.TRAIN;
            assertEquals(expected, study.splitOf(rows.get(idxs[i])), "shuffled position " + i + ", row " + idxs[i]);
        }
        // Our default (stratified, grouped, hash-ordered) picks other test images: the reason the option exists.
        DatasetSplit ours = DatasetSplit.of(ds, SplitSpec.aptos());
        assertNotEquals(new HashSet<>(ids(study.test())), new HashSet<>(ids(ours.test())));
    }

    @Test
    void isicStudySplitIsTheStudysRows() {
        List<String> rows = rowIds(25331);
        Dataset ds = dataset("isic2019", rows);
        int[] idxs = shuffled(25331);
        DatasetSplit study = DatasetSplit.of(ds, SplitSpec.study("isic2019"));
        // int(25331 * 0.2) = 5066 held out, halved at 2533.
        for (int i = 0; i < idxs.length; i++) {
            Split expected = i < 2533 ? Split.VAL : i < 5066 ? Split.TEST : Split.TRAIN;
            assertEquals(expected, study.splitOf(rows.get(idxs[i])), "shuffled position " + i);
        }
        assertEquals(SplitStrategy.STUDY_SHUFFLE, study.spec().strategy());
    }

    @Test
    void chexpertCutSlicesByRowLabelsLikePandas() {
        List<String> paths = strings(CHEXPERT.get("paths_in_file_order"));
        StudySplits.Parts p = StudySplits.chexpert(paths);
        assertEquals(strings(CHEXPERT.get("train")), p.train().stream().map(paths::get).toList());
        assertEquals(strings(CHEXPERT.get("val")), p.val().stream().map(paths::get).toList());
        assertEquals(strings(CHEXPERT.get("test")), p.test().stream().map(paths::get).toList());
        assertEquals(CHEXPERT.get("testval_size").asInt(), (int) (paths.size() * 0.2) + 15);
    }

    @Test
    void chexpertStudySplitKeepsTheStudysTestSetWholeAndGivesOverlapsToTheLaterPart() {
        List<String> paths = strings(CHEXPERT.get("paths_in_file_order"));
        Dataset ds = dataset("chexpert", paths);
        DatasetSplit split = DatasetSplit.of(ds, SplitSpec.study("chexpert"));
        List<String> train = strings(CHEXPERT.get("train")), val = strings(CHEXPERT.get("val")), test = strings(CHEXPERT.get("test"));
        assertEquals(new HashSet<>(test), new HashSet<>(ids(split.test())));
        Set<String> expectedVal = new HashSet<>(val);
        expectedVal.removeAll(test);
        assertEquals(expectedVal, new HashSet<>(ids(split.val())));
        Set<String> expectedTrain = new HashSet<>(train);
        expectedTrain.removeAll(test);
        expectedTrain.removeAll(val);
        assertEquals(expectedTrain, new HashSet<>(ids(split.train())));
        // pandas' inclusive .loc puts one row in train and test, one in val and test: each costs the earlier part a row.
        assertEquals(train.size() - 1, split.train().size());
        assertEquals(val.size() - 1, split.val().size());
        assertEquals(paths.size(), split.train().size() + split.val().size() + split.test().size());
        // Slicing by position instead (the obvious reading of "first 20 % + 15 rows") is a different cut.
        List<String> sorted = new ArrayList<>(paths);
        sorted.sort(null);
        int t = (int) (paths.size() * 0.2) + 15;
        Set<String> heldOut = new HashSet<>(ids(split.val()));
        heldOut.addAll(ids(split.test()));
        assertNotEquals(new HashSet<>(sorted.subList(0, t)), heldOut);
    }

    @Test
    void chexpertCutOnTooFewRowsFailsAsPandasWould() {
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetSplit.of(dataset("chexpert", rowIds(18)), SplitSpec.study("chexpert")));
        assertTrue(e.getMessage().contains("only 18 rows") && e.getMessage().contains("KeyError") && e.getMessage().contains("stratified split"), e.getMessage());
    }

    @Test
    void studyCutsRefuseDatasetsWithSkippedImages() {
        Task task = new Task("t", TaskType.SINGLE_LABEL, List.of("a", "b"), "accuracy");
        Dataset.Builder b = Dataset.builder("aptos2019", Path.of("/data/aptos"), task);
        for (String id : rowIds(30)) b.add(Sample.single(id, new ImageSource.FileImage(Path.of("/x/" + id)), 0, null));
        b.skip(new SkippedImage("gone", "/x/gone.png", 7, "missing file"));
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetSplit.of(b.build(), SplitSpec.study("aptos2019")));
        assertTrue(e.getMessage().contains("1 image(s) were skipped") && e.getMessage().contains("gone"), e.getMessage());
    }

    @Test
    void studySpecsAndTheirChecks() {
        assertEquals(SplitStrategy.STUDY_SHUFFLE, SplitSpec.study("APTOS2019").strategy());
        assertEquals(0.3, SplitSpec.study("aptos2019").val() + SplitSpec.study("aptos2019").test(), 0.0);
        assertEquals(0.2, SplitSpec.study("isic2019").val() + SplitSpec.study("isic2019").test(), 0.0);
        assertEquals(SplitStrategy.STUDY_SORTED_PATHS, SplitSpec.study("chexpert").strategy());
        assertEquals(SplitSpec.eightyTenTen(), SplitSpec.study("ddsm"), "DDSM: the study's own list files, kept as shipped");
        assertEquals(SplitStrategy.STRATIFIED_GROUPS, SplitSpec.aptos().strategy(), "defaults unchanged");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SplitSpec.study("medmnist"));
        assertTrue(e.getMessage().contains("fromFile"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SplitSpec(0.7, 0.2, 0.1, 42, true, SplitStrategy.STUDY_SHUFFLE));
        assertTrue(e.getMessage().contains("val must equal test"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DatasetSplit.of(dataset("x", rowIds(10)), SplitSpec.aptos().withStrategy(SplitStrategy.FILE)));
    }

    @Test
    void manifestRecordsTheStrategyAndOldManifestsReadAsStratified() throws Exception {
        Dataset ds = SplitFixtures.datasetWithFiles(dir.resolve("data"), "aptos2019", rowIds(200));
        Path manifest = dir.resolve("aptos.json");
        DatasetSplit made = DatasetSplit.loadOrCreate(manifest, ds, SplitSpec.study("aptos2019"));
        assertTrue(Files.readString(manifest).contains("\"strategy\" : \"study_shuffle\""));
        DatasetSplit again = DatasetSplit.loadOrCreate(manifest, ds, SplitSpec.study("aptos2019"));
        assertEquals(ids(made.test()), ids(again.test()));
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetSplit.loadOrCreate(manifest, ds, SplitSpec.aptos()));
        assertTrue(e.getMessage().contains("strategy study_shuffle"), e.getMessage());

        Path old = dir.resolve("old.json");
        DatasetSplit.of(ds, SplitSpec.aptos()).write(old);
        Files.writeString(old, Files.readString(old).replace(",\n    \"strategy\" : \"stratified_groups\"", ""));
        assertTrue(!Files.readString(old).contains("strategy"));
        assertEquals(SplitSpec.aptos(), DatasetSplit.read(old, ds).spec());
    }
}
