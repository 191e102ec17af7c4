package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.UncertaintyPolicy;
import io.github.dl4jtransfer.data.image.ImageDecoder;
import io.github.dl4jtransfer.data.image.RgbImage;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.SplitSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.dl4jtransfer.data.TestImages.image;
import static io.github.dl4jtransfer.data.TestImages.text;
import static io.github.dl4jtransfer.data.TestImages.truncate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The four study readers on small files written in each dataset's published layout. */
class StudyReadersTest {

    @TempDir
    Path dir;

    private static final DatasetOptions SKIP = DatasetOptions.builder().optSkipBadImages(true).build();

    private static void assertMessage(DatasetException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
    }

    // ---------------------------------------------------------------- APTOS 2019

    private Path aptos(String csv) {
        text(dir.resolve("train.csv"), csv);
        for (String id : new String[]{"000c1434d8d7", "001639a390f0", "0024cdab0c1e"}) {
            image(dir.resolve("train_images/" + id + ".png"), 40, 30, false, id.hashCode());
        }
        return dir;
    }

    @Test
    void aptosReadsGradesWithTheStudySplit() {
        Dataset ds = Datasets.read("aptos2019", aptos("id_code,diagnosis\n000c1434d8d7,2\n001639a390f0,4\n0024cdab0c1e,0\n"));
        assertEquals(3, ds.size());
        assertEquals(5, ds.task().numClasses());
        assertEquals("quadratic_kappa", ds.task().metric());
        assertEquals(2, ds.sample("000c1434d8d7").label());
        assertEquals(4, ds.sample("001639a390f0").label());
        assertEquals(SplitSpec.aptos(), ds.defaultSplit());
        assertTrue(ds.origin("001639a390f0").endsWith("train.csv line 3"), ds.origin("001639a390f0"));
    }

    @Test
    void aptosBadGradeNamesFileLineAndColumn() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.read("aptos2019", aptos("id_code,diagnosis\n000c1434d8d7,2\n001639a390f0,7\n")));
        assertMessage(e, "train.csv, line 3, column 'diagnosis'", "expected a grade 0-4, found '7'");
    }

    @Test
    void aptosMissingColumnSaysWhatWasExpected() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.read("aptos2019", aptos("id_code,level\n000c1434d8d7,2\n")));
        assertMessage(e, "train.csv, line 1, column 'diagnosis'", "missing column", "id_code,level", "id_code,diagnosis");
    }

    @Test
    void aptosMissingAndCorruptImagesFailOrAreSkippedAndCounted() {
        Path root = aptos("id_code,diagnosis\n000c1434d8d7,2\nmissing00001,1\n001639a390f0,4\n0024cdab0c1e,0\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read("aptos2019", root));
        assertMessage(e, "train.csv, line 3, column 'id_code'", "missing00001.png", "missing file", "skipBadImages");

        truncate(root.resolve("train_images/0024cdab0c1e.png"), 30);
        Dataset ds = Datasets.read("aptos2019", root, SKIP);
        assertEquals(2, ds.size());
        assertEquals(2, ds.skippedCount());
        assertEquals("missing00001", ds.skipped().get(0).id());
        assertEquals(3, ds.skipped().get(0).line());
        assertEquals("0024cdab0c1e", ds.skipped().get(1).id());
        assertTrue(ds.skipped().get(1).reason().contains("truncated PNG"), ds.skipped().get(1).reason());
    }

    // ---------------------------------------------------------------- ISIC 2019

    private static final String GT_HEADER = "image,MEL,NV,BCC,AK,BKL,DF,VASC,SCC,UNK\n";

    private Path isic(String gt) {
        text(dir.resolve("ISIC_2019_Training_GroundTruth.csv"), gt);
        for (String id : new String[]{"ISIC_0000000", "ISIC_0000001", "ISIC_0000002", "ISIC_0000003"}) {
            image(dir.resolve("ISIC_2019_Training_Input/" + id + ".jpg"), 32, 32, false, id.hashCode());
        }
        return dir;
    }

    @Test
    void isicReadsOneHotRowsSkipsUnkAndGroupsByLesion() {
        isic(GT_HEADER
                + "ISIC_0000000,0.0,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0\n"
                + "ISIC_0000001,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0\n"
                + "ISIC_0000002,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0,0.0\n"
                + "ISIC_0000003,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0\n");
        text(dir.resolve("ISIC_2019_Training_Metadata.csv"), "image,age_approx,anatom_site_general,lesion_id,sex\n"
                + "ISIC_0000000,55,anterior torso,HAM_0000001,male\nISIC_0000001,55,anterior torso,HAM_0000001,male\n"
                + "ISIC_0000002,40,,,female\n");
        Dataset ds = Datasets.read("isic2019", dir);
        assertEquals(3, ds.size(), "the UNK row is not part of the 8-class task");
        assertEquals(1, ds.sample("ISIC_0000000").label());
        assertEquals(0, ds.sample("ISIC_0000001").label());
        assertEquals(7, ds.sample("ISIC_0000002").label());
        assertEquals("HAM_0000001", ds.sample("ISIC_0000001").group());
        assertNull(ds.sample("ISIC_0000002").group());
        assertEquals("balanced_accuracy", ds.task().metric());
    }

    @Test
    void isicTwoPositivesAndMissingClassColumnAreErrors() {
        isic(GT_HEADER + "ISIC_0000000,1.0,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read("isic2019", dir));
        assertMessage(e, "ISIC_2019_Training_GroundTruth.csv, line 2, column 'NV'", "second positive class");

        text(dir.resolve("ISIC_2019_Training_GroundTruth.csv"), "image,MEL,NV,BCC,AK,BKL,DF,VASC\nISIC_0000000,1.0,0,0,0,0,0,0\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read("isic2019", dir));
        assertMessage(e, "column 'SCC'", "missing column", "MEL,NV,BCC,AK,BKL,DF,VASC,SCC");

        text(dir.resolve("ISIC_2019_Training_GroundTruth.csv"), GT_HEADER + "ISIC_0000000,yes,0,0,0,0,0,0,0,0\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read("isic2019", dir));
        assertMessage(e, "line 2, column 'MEL'", "expected 0.0 or 1.0, found 'yes'");
    }

    // ---------------------------------------------------------------- DDSM

    @Test
    void ddsmKeepsShippedListsMapsBenignAndCancerToAbnormalAndReadsGray() {
        image(dir.resolve("normals/case0001/case0001_LEFT_CC.png"), 30, 40, true, 1);
        image(dir.resolve("normals/case0001/case0001_LEFT_MLO.png"), 30, 40, true, 2);
        image(dir.resolve("benigns/case0002/case0002_RIGHT_CC.png"), 30, 40, true, 3);
        image(dir.resolve("cancers/case0003/case0003_LEFT_CC.png"), 30, 40, true, 4);
        image(dir.resolve("cancers/case0004/case0004_LEFT_CC.png"), 30, 40, true, 5);
        text(dir.resolve("train.txt"), "# comment\nnormals/case0001/case0001_LEFT_CC.png 0\nnormals/case0001/case0001_LEFT_MLO.png 0\n\n"
                + "benigns/case0002/case0002_RIGHT_CC.png 1\n");
        text(dir.resolve("val.txt"), "cancers/case0003/case0003_LEFT_CC.png cancer\n");
        text(dir.resolve("test.txt"), "cancers/case0004/case0004_LEFT_CC.png 2\n");
        Dataset ds = Datasets.read("ddsm", dir);
        assertEquals(5, ds.size());
        assertEquals(0, ds.sample("normals/case0001/case0001_LEFT_CC.png").label());
        assertEquals(1, ds.sample("benigns/case0002/case0002_RIGHT_CC.png").label());
        assertEquals(1, ds.sample("cancers/case0003/case0003_LEFT_CC.png").label());
        assertEquals(1, ds.sample("cancers/case0004/case0004_LEFT_CC.png").label(), "cancer (2) is abnormal too");
        assertEquals(Split.VAL, ds.shippedSplit().get("cancers/case0003/case0003_LEFT_CC.png"));
        assertEquals(Split.TEST, ds.shippedSplit().get("cancers/case0004/case0004_LEFT_CC.png"));
        assertEquals("case0001", ds.sample("normals/case0001/case0001_LEFT_MLO.png").group());
        assertEquals("roc_auc", ds.task().metric());
        RgbImage img = ImageDecoder.decode(ds.samples().get(0).image());
        assertArrayEquals(java.util.Arrays.copyOfRange(img.data(), 0, img.plane()),
                java.util.Arrays.copyOfRange(img.data(), img.plane(), 2 * img.plane()), "gray replicated to 3 channels");
    }

    @Test
    void ddsmBadLabelDuplicateAndMissingListAreErrors() {
        image(dir.resolve("a/case0001_CC.png"), 16, 16, true, 1);
        text(dir.resolve("train.txt"), "a/case0001_CC.png 0\na/case0001_CC.png maybe\n");
        text(dir.resolve("test.txt"), "");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read("ddsm", dir));
        assertMessage(e, "train.txt, line 2, column 'label'", "found 'maybe'");

        text(dir.resolve("train.txt"), "a/case0001_CC.png 0\n");
        text(dir.resolve("test.txt"), "a/case0001_CC.png 1\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read("ddsm", dir));
        assertMessage(e, "test.txt, line 1", "already listed at train.txt line 1");

        try {
            Files.delete(dir.resolve("test.txt"));
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        e = assertThrows(DatasetException.class, () -> Datasets.read("ddsm", dir));
        assertMessage(e, "test.txt: file not found");
    }

    @Test
    void ddsmReadsTheStudysListsWithLabelsFromFileNamePrefixes() {
        // The study's layout: ddsm_raw_image_lists/{train,val,test}.txt of bare paths relative to ddsm_raw/,
        // label = file name before its first '_': normal 0, benign 1, cancer 2 -> 1 (defaults/datasets.py:130-136, 148).
        Path raw = dir.resolve("ddsm_raw");
        image(raw.resolve("normal_A_0001_1.LEFT_CC.png"), 24, 24, true, 1);
        image(raw.resolve("benign_B_3001_1.RIGHT_MLO.png"), 24, 24, true, 2);
        image(raw.resolve("cancer_C_0042_1.LEFT_MLO.png"), 24, 24, true, 3);
        image(raw.resolve("sub/normal_A_0002_1.RIGHT_CC.png"), 24, 24, true, 4);
        text(dir.resolve("ddsm_raw_image_lists/train.txt"), "normal_A_0001_1.LEFT_CC.png\nbenign_B_3001_1.RIGHT_MLO.png\n");
        text(dir.resolve("ddsm_raw_image_lists/val.txt"), "sub/normal_A_0002_1.RIGHT_CC.png\n");
        text(dir.resolve("ddsm_raw_image_lists/test.txt"), "cancer_C_0042_1.LEFT_MLO.png\n");
        Dataset ds = Datasets.read("ddsm", dir);
        assertEquals(4, ds.size());
        assertEquals(0, ds.sample("normal_A_0001_1.LEFT_CC.png").label());
        assertEquals(1, ds.sample("benign_B_3001_1.RIGHT_MLO.png").label());
        assertEquals(1, ds.sample("cancer_C_0042_1.LEFT_MLO.png").label(), "cancer is abnormal, as benign (2 classes)");
        assertEquals(0, ds.sample("sub/normal_A_0002_1.RIGHT_CC.png").label());
        assertEquals(Split.TEST, ds.shippedSplit().get("cancer_C_0042_1.LEFT_MLO.png"));
        assertEquals(Split.VAL, ds.shippedSplit().get("sub/normal_A_0002_1.RIGHT_CC.png"));
        assertEquals("C_0042", ds.sample("cancer_C_0042_1.LEFT_MLO.png").group());
        assertEquals(ds.size(), Datasets.read("ddsm", dir.resolve("ddsm_raw_image_lists")).size(), "the lists folder itself works too");

        // Our own flat layout takes the same bare, prefix-labelled lines.
        Path flat = dir.resolve("flat");
        image(flat.resolve("x/cancer_case0007_CC.png"), 24, 24, true, 5);
        image(flat.resolve("x/normal_case0008_CC.png"), 24, 24, true, 6);
        text(flat.resolve("train.txt"), "x/normal_case0008_CC.png\n");
        text(flat.resolve("test.txt"), "x/cancer_case0007_CC.png\n");
        assertEquals(1, Datasets.read("ddsm", flat).sample("x/cancer_case0007_CC.png").label());

        // Name and folder disagreeing, or neither naming a class, are errors that say what to do.
        image(flat.resolve("normals/cancer_case0009_CC.png"), 24, 24, true, 7);
        text(flat.resolve("train.txt"), "normals/cancer_case0009_CC.png\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read("ddsm", flat));
        assertMessage(e, "train.txt, line 1", "file name says abnormal but folder says normal");
        image(flat.resolve("y/case0010_CC.png"), 24, 24, true, 8);
        text(flat.resolve("train.txt"), "y/case0010_CC.png\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read("ddsm", flat));
        assertMessage(e, "train.txt, line 1", "(no label)", "normal_");
    }

    // ---------------------------------------------------------------- CheXpert

    private static final String CXR_HEADER = "Path,Sex,Age,Frontal/Lateral,AP/PA,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,"
            + "Lung Opacity,Lung Lesion,Edema,Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,"
            + "Fracture,Support Devices\n";

    private Path chexpert(String rows) {
        Path root = dir.resolve("CheXpert-v1.0-small");
        for (String p : new String[]{"patient00001/study1/view1_frontal.jpg", "patient00001/study2/view1_frontal.jpg",
                "patient00002/study1/view1_frontal.jpg"}) {
            image(root.resolve("train/" + p), 32, 32, true, p.hashCode());
        }
        text(root.resolve("train.csv"), CXR_HEADER + rows);
        return root;
    }

    private static final String CXR_ROWS =
            "CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg,Female,68,Frontal,AP,,,1.0,-1.0,,,,,,0.0,,,,1.0\n"
                    + "CheXpert-v1.0-small/train/patient00001/study2/view1_frontal.jpg,Female,68,Frontal,AP,1.0,,,,,,,,,,,,,\n"
                    + "CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg,Male,40,Frontal,PA,,-1.0,,,,,,,,,,,,\n";

    @Test
    void chexpertUncertainAndBlankLabelsFollowThePolicy() {
        Path root = chexpert(CXR_ROWS);
        String first = "CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg";
        Dataset zeroes = Datasets.read("chexpert", root);
        assertEquals(3, zeroes.size());
        assertEquals(14, zeroes.task().numClasses());
        float[] y = zeroes.sample(first).labels();
        assertEquals(1f, y[2]);  // Cardiomegaly 1.0
        assertEquals(0f, y[3]);  // Lung Opacity -1.0 under U-Zeroes
        assertEquals(0f, y[0]);  // No Finding blank
        assertEquals(1f, y[13]); // Support Devices
        assertEquals("patient00001", zeroes.sample(first).group());

        Dataset ones = Datasets.read("chexpert", root, DatasetOptions.builder().optUncertainty(UncertaintyPolicy.U_ONES).build());
        assertEquals(1f, ones.sample(first).labels()[3], "U-Ones");
        assertEquals(0f, ones.sample(first).labels()[0], "blank is 'not mentioned', not uncertain");

        Dataset blanks = Datasets.read("chexpert", root, DatasetOptions.builder().optUncertainty(UncertaintyPolicy.U_ONES)
                .optBlankAsUncertain(true).build());
        assertEquals(1f, blanks.sample(first).labels()[0]);
        assertEquals(0f, blanks.sample(first).labels()[9], "explicit 0.0 stays 0");
        assertTrue(Datasets.read("chexpert", root.resolve("train.csv")).size() == 3, "the CSV itself works as the path");
        Sample grayCheck = zeroes.sample(first);
        RgbImage img = ImageDecoder.decode(grayCheck.image());
        assertEquals(img.data()[5], img.data()[img.plane() + 5]);
    }

    @Test
    void chexpertStudyLabelsSetNoFindingWhereAllFourteenAreZeroAfterUZeroes() {
        Path root = chexpert(CXR_ROWS);
        String uncertainOnly = "CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg";
        String positive = "CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg";
        // Default: the row with only an uncertain finding has no label at all under U-Zeroes.
        Dataset ours = Datasets.read("chexpert", root);
        assertArrayEquals(new float[14], ours.sample(uncertainOnly).labels());

        // The study: U-Zeroes, then "No Finding" = 1 where all 14 are 0 (defaults/datasets.py:72-76).
        DatasetOptions study = DatasetOptions.builder().optNoFindingWhenAllZero(true).build();
        Dataset ds = Datasets.read("chexpert", root, study);
        float[] expected = new float[14];
        expected[0] = 1f;
        assertArrayEquals(expected, ds.sample(uncertainOnly).labels());
        assertEquals(0f, ds.sample(positive).labels()[0], "a row with a finding keeps No Finding 0");
        assertArrayEquals(ours.sample(positive).labels(), ds.sample(positive).labels());
        assertEquals(1f, ds.sample("CheXpert-v1.0-small/train/patient00001/study2/view1_frontal.jpg").labels()[0]);
        assertTrue(!ours.contentHash().equals(ds.contentHash()), "other labels, other hash (feature caches stay apart)");
        assertTrue(study.toBuilder().build().noFindingWhenAllZero());

        // The rule applies after the uncertainty policy: under U-Ones the uncertain finding is a positive.
        Dataset ones = Datasets.read("chexpert", root, study.toBuilder().optUncertainty(UncertaintyPolicy.U_ONES).build());
        assertEquals(0f, ones.sample(uncertainOnly).labels()[0]);
        assertEquals(1f, ones.sample(uncertainOnly).labels()[1]);
    }

    @Test
    void chexpertBadCellMissingColumnAndPathWithoutPatientAreErrors() {
        Path root = chexpert(CXR_ROWS.replace("PA,,-1.0,", "PA,,2.0,"));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read("chexpert", root));
        assertMessage(e, "train.csv, line 4, column 'Enlarged Cardiomediastinum'", "found '2.0'");

        text(root.resolve("train.csv"), "Path,No Finding\nCheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg,1.0\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read("chexpert", root));
        assertMessage(e, "column 'Enlarged Cardiomediastinum'", "missing column");

        text(root.resolve("train.csv"), CXR_HEADER + "CheXpert-v1.0-small/train/x/view1_frontal.jpg,,,,,,,,,,,,,,,,,,\n");
        e = assertThrows(DatasetException.class, () -> Datasets.read("chexpert", root));
        assertMessage(e, "line 2, column 'Path'", "no patient id");
    }

    @Test
    void chexpertBadRowWidthNamesTheLine() {
        Path root = chexpert(CXR_ROWS + "CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg,Male\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.read("chexpert", root));
        assertMessage(e, "train.csv, line 5", "expected 19 cells");
    }
}
