package io.github.dl4jtransfer.data.split;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.SplitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.dl4jtransfer.data.split.SplitFixtures.dataset;
import static io.github.dl4jtransfer.data.split.SplitFixtures.datasetWithFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DatasetSplit#fromFile}: another study's split, as id,split tables or three lists, checked for coverage. */
class SplitFileImportTest {

    @TempDir
    Path dir;

    private static final List<String> IDS = List.of("000c1434d8d7", "001639a390f0", "0024cdab0c1e", "002c21358ce6", "005b95c28852");

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
    }

    @Test
    void csvWithHeaderMatchesIdsUpToFoldersAndExtension() throws IOException {
        Dataset ds = dataset("aptos2019", IDS);
        Path f = write("their_split.csv", "image,split\n"
                + "train_images/000c1434d8d7.png,train\n001639a390f0,train\n0024cdab0c1e.png,val\n"
                + "\"002c21358ce6\",test\n005b95c28852,TEST\n");
        DatasetSplit s = DatasetSplit.fromFile(f, ds);
        assertEquals(List.of("000c1434d8d7", "001639a390f0"), s.train().stream().map(Sample::id).toList());
        assertEquals(Split.VAL, s.splitOf("0024cdab0c1e"));
        assertEquals(Split.TEST, s.splitOf("002c21358ce6"));
        assertEquals(Split.TEST, s.splitOf("005b95c28852"));
        assertEquals(SplitStrategy.FILE, s.spec().strategy());
        assertEquals(0.4, s.spec().train(), 1e-12);
        assertEquals(0.4, s.spec().test(), 1e-12);
    }

    @Test
    void tsvWithoutHeaderAndOtherNamesForVal() throws IOException {
        Dataset ds = dataset("aptos2019", IDS);
        Path f = write("split.tsv", "# exported by another study\n000c1434d8d7\ttrain\n001639a390f0\ttraining\n"
                + "0024cdab0c1e\tvalid\n002c21358ce6\teval\n\n005b95c28852\ttest\n");
        DatasetSplit s = DatasetSplit.fromFile(f, ds);
        assertEquals(2, s.val().size());
        assertEquals(1, s.test().size());
    }

    @Test
    void threeListFilesInAFolderIncludingPathLabelLines() throws IOException {
        List<String> ids = List.of("normals/case0001/A_0001_1.LEFT_CC.png", "cancers/case0002/C_0002_1.LEFT_CC.png",
                "benigns/case0003/B_3003_1.LEFT_CC.png");
        Dataset ds = dataset("ddsm", ids);
        write("lists/train.txt", "normals/case0001/A_0001_1.LEFT_CC.png 0\n");
        write("lists/val.txt", "# val\nbenigns/case0003/B_3003_1.LEFT_CC.png\n");
        write("lists/test.txt", "cancers/case0002/C_0002_1.LEFT_CC.png 2\n");
        DatasetSplit s = DatasetSplit.fromFile(dir.resolve("lists"), ds);
        assertEquals(Split.TRAIN, s.splitOf(ids.get(0)));
        assertEquals(Split.TEST, s.splitOf(ids.get(1)));
        assertEquals(Split.VAL, s.splitOf(ids.get(2)));
        assertEquals(s.counts(), DatasetSplit.fromLists(ds, dir.resolve("lists/train.txt"), dir.resolve("lists/val.txt"),
                dir.resolve("lists/test.txt")).counts());

        Files.delete(dir.resolve("lists/val.txt"));
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(dir.resolve("lists"), ds));
        assertMessage(e, "val.txt: split file not found");
    }

    @Test
    void chexpertPathsWithoutTheTopFolderMatchButAmbiguousNamesDoNot() throws IOException {
        List<String> ids = List.of("CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg",
                "CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg");
        Dataset ds = dataset("chexpert", ids);
        DatasetSplit s = DatasetSplit.fromFile(write("cxr.csv", "Path,split\ntrain/patient00001/study1/view1_frontal.jpg,train\n"
                + "train/patient00002/study1/view1_frontal.jpg,test\n"), ds);
        assertEquals(Split.TEST, s.splitOf(ids.get(1)));
        DatasetException e = assertThrows(DatasetException.class,
                () -> DatasetSplit.fromFile(write("bad.csv", "id,split\nview1_frontal.jpg,train\n"), ds));
        assertMessage(e, "1 id(s) name no sample", "'view1_frontal.jpg' (bad.csv line 2)");
    }

    @Test
    void unknownIdsFailNamingTheFileTheLinesAndTheFix() throws IOException {
        Dataset ds = dataset("aptos2019", IDS);
        Path f = write("their_split.csv", "id,split\n000c1434d8d7,train\n001639a390f0,train\nffffffffffff,test\n"
                + "0024cdab0c1e,val\n002c21358ce6,test\n005b95c28852,test\neeeeeeeeeeee,val\n");
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(f, ds));
        assertMessage(e, f.toString(), "2 id(s) name no sample of dataset", "'ffffffffffff' (their_split.csv line 4)",
                "'eeeeeeeeeeee' (their_split.csv line 8)", "ids look like '000c1434d8d7'", "Fix: point at the dataset",
                "or remove those lines");
    }

    @Test
    void samplesLeftOutFailNamingThemAndTheFix() throws IOException {
        Dataset ds = dataset("aptos2019", IDS);
        Path f = write("their_split.csv", "id,split\n000c1434d8d7,train\n001639a390f0,val\n0024cdab0c1e,test\n");
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(f, ds));
        assertMessage(e, f.toString(), "2 of the 5 samples", "are in no split", "'002c21358ce6'", "'005b95c28852'",
                "Fix: add them to the split file (a line '002c21358ce6,test'", "or remove those images");
    }

    @Test
    void malformedRowsNameTheLine() throws IOException {
        Dataset ds = dataset("aptos2019", IDS);
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(
                write("a.csv", "id,split\n000c1434d8d7,train\n001639a390f0,holdout\n"), ds));
        assertMessage(e, "a.csv, line 3, column 'split'", "unknown split 'holdout'", "Use train, val or test");

        e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(write("b.csv", "000c1434d8d7 train\n"), ds));
        assertMessage(e, "b.csv, line 1", "expected 'id,split' rows", "three list files");

        e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(
                write("c.csv", "id,split\n000c1434d8d7,train\n000c1434d8d7,test\n"), ds));
        assertMessage(e, "c.csv, line 3", "already in train (c.csv line 2)", "remove one of the two lines");

        e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(dir.resolve("nothing.csv"), ds));
        assertMessage(e, "nothing.csv: split file not found", "train.txt, val.txt and test.txt");

        e = assertThrows(DatasetException.class, () -> DatasetSplit.fromFile(write("d.csv", "id,split\n"
                + String.join("", IDS.stream().map(id -> id + ",test\n").toList())), ds));
        assertMessage(e, "puts no sample in train");
    }

    @Test
    void importedSplitRoundTripsThroughOurManifest() throws IOException {
        Dataset ds = datasetWithFiles(dir.resolve("data"), "aptos2019", IDS);
        DatasetSplit s = DatasetSplit.fromFile(write("s.csv", "id,split\n000c1434d8d7,train\n001639a390f0,train\n"
                + "0024cdab0c1e,train\n002c21358ce6,val\n005b95c28852,test\n"), ds);
        Path manifest = dir.resolve("manifest.json");
        s.write(manifest);
        DatasetSplit back = DatasetSplit.fromFile(manifest, ds);
        assertEquals(s.spec(), back.spec());
        for (String id : IDS) assertEquals(s.splitOf(id), back.splitOf(id));
    }
}
