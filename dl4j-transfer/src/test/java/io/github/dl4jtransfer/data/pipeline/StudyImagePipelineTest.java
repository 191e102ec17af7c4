package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.Augmentation;
import io.github.dl4jtransfer.data.image.ChannelStats;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.github.dl4jtransfer.data.TestImages.image;
import static io.github.dl4jtransfer.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The study's recipe through the image pipeline: selectable from Java, deterministic whatever the thread count. */
class StudyImagePipelineTest {

    @TempDir
    Path dir;

    @Test
    void studyRecipeTrainsDeterministicallyOnAnyThreadCount() {
        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        for (int i = 0; i < 12; i++) {
            String id = String.format("img%03d", i);
            image(dir.resolve("aptos/train_images/" + id + ".png"), 60 + 5 * i, 40 + (i % 4) * 9, i % 5 == 0, i);
            csv.append(id).append(',').append(i % 5).append('\n');
        }
        text(dir.resolve("aptos/train.csv"), csv.toString());
        DatasetSplit split = DatasetSplit.of(Datasets.read("aptos2019", dir.resolve("aptos")));
        Preprocessing p = Preprocessing.study(DatasetStatistics.studyOrComputed(split, Preprocessing.study(ChannelStats.imagenet())));
        assertArrayEquals(ChannelStats.study("aptos2019").orElseThrow().mean(), p.mean());
        List<Batch> one = all(ImagePipeline.builder(split.dataset(), split.train(), p).optBatchSize(3).optShuffle(true)
                .optAugmentation(Augmentation.studyPipeline()).optSeed(7).optThreads(1).build(), 2);
        List<Batch> two = all(ImagePipeline.train(split, p, Augmentation.studyPipeline(), 3, 7), 2);
        assertEquals(one.size(), two.size());
        for (int b = 0; b < one.size(); b++) {
            assertArrayEquals(new long[]{one.get(b).images().size(0), 3, 224, 224}, one.get(b).images().shape());
            assertEquals(one.get(b).ids(), two.get(b).ids());
            assertEquals(one.get(b).images(), two.get(b).images());
        }
        // Another epoch draws other augmentations.
        List<Batch> next = all(ImagePipeline.train(split, p, Augmentation.studyPipeline(), 3, 7), 3);
        assertNotEquals(one.get(0).images(), next.get(0).images());
    }

    private static List<Batch> all(BatchSource s, int epoch) {
        List<Batch> out = new ArrayList<>();
        s.epoch(epoch).forEach(out::add);
        return out;
    }
}
