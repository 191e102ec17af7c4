package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.image.Augmentation;
import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.data.Split;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static io.github.dl4jtransfer.data.TestImages.image;
import static io.github.dl4jtransfer.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagePipelineTest {

    @TempDir
    Path dir;
    Dataset aptos;
    static final Preprocessing P = Preprocessing.of(36, 32);

    @BeforeEach
    void aptosLayout() {
        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        for (int i = 0; i < 23; i++) {
            String id = String.format("img%03d", i);
            image(dir.resolve("aptos/train_images/" + id + ".png"), 40 + i, 30 + (i % 5), i % 4 == 0, i);
            csv.append(id).append(',').append(i % 5).append('\n');
        }
        text(dir.resolve("aptos/train.csv"), csv.toString());
        aptos = Datasets.read("aptos2019", dir.resolve("aptos"));
    }

    private static List<Batch> all(BatchSource s, int epoch) {
        List<Batch> out = new ArrayList<>();
        s.epoch(epoch).forEach(out::add);
        return out;
    }

    private static List<String> ids(List<Batch> batches) {
        return batches.stream().flatMap(b -> b.ids().stream()).toList();
    }

    private static float[] images(List<Batch> batches) {
        List<float[]> parts = batches.stream().map(b -> b.images().data().asFloat()).toList();
        int n = parts.stream().mapToInt(a -> a.length).sum();
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Test
    void evalBatchesHaveShapesLabelsAndDatasetOrder() {
        ImagePipeline p = ImagePipeline.builder(aptos, aptos.samples(), P).optBatchSize(10).build();
        assertEquals(23, p.sampleCount());
        assertEquals(3, p.batchCount());
        List<Batch> batches = all(p, 0);
        assertEquals(3, batches.size());
        assertArrayEquals(new long[]{10, 3, 32, 32}, batches.get(0).images().shape());
        assertArrayEquals(new long[]{3, 3, 32, 32}, batches.get(2).images().shape());
        INDArray labels = batches.get(0).labels();
        assertArrayEquals(new long[]{10}, labels.shape());
        assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, labels.dataType());
        assertEquals(aptos.samples().stream().map(Sample::id).toList(), ids(batches));
        for (int i = 0; i < 10; i++) assertEquals(aptos.samples().get(i).label(), labels.getInt(i));
        assertEquals(ids(batches), ids(all(p, 5)), "evaluation order does not change with the epoch");
        assertArrayEquals(images(batches), images(all(p, 5)));
    }

    @Test
    void trainingIsShuffledPerEpochAndIdenticalForTheSameSeedOnAnyThreadCount() {
        DatasetSplit split = DatasetSplit.of(aptos, aptos.defaultSplit().withKeepShipped(false));
        ImagePipeline one = ImagePipeline.builder(aptos, aptos.samples(), P).optBatchSize(4).optShuffle(true)
                .optAugmentation(Augmentation.study()).optSeed(9).optThreads(1).optPrefetch(1).build();
        ImagePipeline three = ImagePipeline.builder(aptos, aptos.samples(), P).optBatchSize(4).optShuffle(true)
                .optAugmentation(Augmentation.study()).optSeed(9).optThreads(3).optPrefetch(5).build();
        List<Batch> a0 = all(one, 0), b0 = all(three, 0), a1 = all(one, 1);
        assertEquals(ids(a0), ids(b0));
        assertArrayEquals(images(a0), images(b0), "augmentation independent of thread scheduling");
        assertNotEquals(ids(a0), ids(a1), "reshuffled per epoch");
        assertEquals(new HashSet<>(ids(a0)), new HashSet<>(ids(a1)));
        assertEquals(23, new HashSet<>(ids(a0)).size(), "each sample once per epoch");
        assertFalse(java.util.Arrays.equals(images(a0), images(all(one, 1))));
        ImagePipeline otherSeed = ImagePipeline.builder(aptos, aptos.samples(), P).optBatchSize(4).optShuffle(true).optSeed(10).build();
        assertNotEquals(ids(a0), ids(all(otherSeed, 0)));

        ImagePipeline train = ImagePipeline.train(split, P, 4, 9);
        assertEquals(split.train().size(), train.sampleCount());
        ImagePipeline test = ImagePipeline.eval(split, Split.TEST, P, 4);
        assertEquals(split.test().stream().map(Sample::id).toList(), ids(all(test, 0)));
    }

    @Test
    void multiLabelBatchesAreMultiHot() {
        String header = "Path,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,Consolidation,"
                + "Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,Support Devices\n";
        Path root = dir.resolve("CheXpert-v1.0-small");
        image(root.resolve("train/patient00001/study1/view1_frontal.jpg"), 20, 20, true, 1);
        image(root.resolve("train/patient00002/study1/view1_frontal.jpg"), 20, 20, true, 2);
        text(root.resolve("train.csv"), header
                + "CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg,,,1.0,-1.0,,,,,,,,,,1.0\n"
                + "CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg,1.0,,,,,,,,,,,,,\n");
        Dataset cxr = Datasets.read("chexpert", root);
        Batch b = all(ImagePipeline.builder(cxr, cxr.samples(), P).optBatchSize(8).build(), 0).get(0);
        assertArrayEquals(new long[]{2, 14}, b.labels().shape());
        assertArrayEquals(new float[]{0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, b.labels().getRow(0).toFloatVector());
        assertEquals(1f, b.labels().getFloat(1, 0));
        INDArray img = b.images();
        assertEquals(img.getFloat(0, 0, 5, 5) * 0.229 + 0.485, img.getFloat(0, 1, 5, 5) * 0.224 + 0.456, 1e-5, "gray → equal channels");
    }

    @Test
    void imageDamagedAfterReadingFailsWithFileLineAndId() throws Exception {
        Path victim = dir.resolve("aptos/train_images/img007.png");
        Files.write(victim, new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0});
        ImagePipeline p = ImagePipeline.builder(aptos, aptos.samples(), P).optBatchSize(4).build();
        DatasetException e = assertThrows(DatasetException.class, () -> all(p, 0));
        assertTrue(e.getMessage().contains("img007.png") && e.getMessage().contains("train.csv line 9")
                && e.getMessage().contains("sample 'img007'"), e.getMessage());
    }
}
