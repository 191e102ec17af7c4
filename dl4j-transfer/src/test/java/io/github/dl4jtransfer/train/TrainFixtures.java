package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.pipeline.InMemoryBatchSource;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.testing.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small learnable image set for a backbone's input size: class k brightens channel k (plus noise). */
final class TrainFixtures {

    static final Path DEIT_TAIL = Fixtures.tiny("deit-tail");

    private TrainFixtures() {
    }

    record ImageSet(INDArray images, INDArray labels, List<String> ids) {
        InMemoryBatchSource source(int batch, boolean shuffle, long seed) {
            return new InMemoryBatchSource(images, labels, ids, batch, shuffle, seed);
        }
    }

    static ImageSet images(Backbone b, int n, int classes, long seed) {
        long[] s = b.sidecar().inputShape();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] data = new float[(int) (n * s[0] * s[1] * s[2])];
        for (int i = 0; i < data.length; i++) data[i] = (float) (rnd.nextGaussian() * 0.5);
        INDArray images = Nd4j.create(data, new long[]{n, s[0], s[1], s[2]}, 'c');
        INDArray labels = Nd4j.create(DataType.INT32, n);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int y = i % classes;
            labels.putScalar(i, y);
            images.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(y % s[0]))
                    .addi(1.5);
            ids.add("img" + i);
        }
        return new ImageSet(images, labels, ids);
    }

    /** Accuracy, for tests that need a validation metric without the eval package. */
    static double accuracy(INDArray logits, INDArray labels) {
        INDArray pred = logits.argMax(1);
        int ok = 0;
        for (int i = 0; i < labels.length(); i++) if (pred.getInt(i) == labels.getInt(i)) ok++;
        return (double) ok / labels.length();
    }
}
