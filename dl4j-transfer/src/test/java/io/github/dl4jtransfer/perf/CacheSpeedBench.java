package io.github.dl4jtransfer.perf;

import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.train.FeatureCache;
import io.github.dl4jtransfer.train.HeadSpec;
import io.github.dl4jtransfer.data.pipeline.InMemoryBatchSource;
import io.github.dl4jtransfer.train.LinearProbe;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TrainerConfig;
import io.github.dl4jtransfer.train.TransferModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Frozen-linear training with and without the feature cache, same data, same seed, same epochs: how much
 * the cache saves. Not a unit test (timings depend on the machine):
 * {@code java -cp … io.github.dl4jtransfer.perf.CacheSpeedBench [model.onnx] [images] [epochs]}.
 */
public final class CacheSpeedBench {

    private CacheSpeedBench() {
    }

    public static void main(String[] args) throws Exception {
        Path onnx = Path.of(args.length > 0 ? args[0] : "dl4j-transfer/src/test/resources/fixtures/tiny/deit-b16/model.onnx");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int classes = 4;
        TrainerConfig config = TrainerConfig.builder().optEpochs(epochs).optBatchSize(32).optWarmupEpochs(1).optLearningRate(1e-3).optSeed(1).build();

        Backbone warm = BackboneLoader.load(onnx);
        long[] shape = warm.sidecar().inputShape();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] px = new float[(int) (n * shape[0] * shape[1] * shape[2])];
        for (int i = 0; i < px.length; i++) px[i] = (float) rnd.nextGaussian();
        INDArray images = Nd4j.create(px, new long[]{n, shape[0], shape[1], shape[2]}, 'c');
        INDArray labels = Nd4j.create(DataType.FLOAT, n);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % classes);
            ids.add("img" + i);
        }
        InMemoryBatchSource train = new InMemoryBatchSource(images, labels, ids, config.batchSize(), true, 1);
        InMemoryBatchSource val = new InMemoryBatchSource(images, labels, ids, config.batchSize(), false, 0);
        warm.forward(images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2))); // JIT and native warm-up

        long t0 = System.nanoTime();
        Backbone b1 = BackboneLoader.load(onnx);
        TransferModel full = TransferModel.build(b1, Scenario.FROZEN_LINEAR, HeadSpec.singleLabel(classes), null, 1);
        new Trainer(config).fit(full, train, val, CacheSpeedBench::accuracy);
        double uncached = (System.nanoTime() - t0) / 1e9;

        Path dir = Files.createTempDirectory("feature-cache-bench");
        long t1 = System.nanoTime();
        Backbone b2 = BackboneLoader.load(onnx);
        FeatureCache cache = new FeatureCache(dir);
        long tLoad = System.nanoTime();
        FeatureCache.Entry tr = cache.getOrCompute(new FeatureCache.Key(b2.sha256(), "bench", "train", "-", "-", false), b2, val);
        long tFill = System.nanoTime();
        LinearProbe.fit(tr.source(false, config.batchSize(), true, 1), tr.source(false, config.batchSize(), false, 0),
                tr.features().size(1), HeadSpec.singleLabel(classes), config, null, CacheSpeedBench::accuracy);
        double cachedCold = (System.nanoTime() - t1) / 1e9;
        System.out.printf("  (cold run: load %.2f s, fill %.2f s, probe %.2f s)%n", (tLoad - t1) / 1e9, (tFill - tLoad) / 1e9, (System.nanoTime() - tFill) / 1e9);

        long t2 = System.nanoTime();
        FeatureCache.Entry again = cache.getOrCompute(new FeatureCache.Key(b2.sha256(), "bench", "train", "-", "-", false), b2, val);
        LinearProbe.fit(again.source(false, config.batchSize(), true, 1), again.source(false, config.batchSize(), false, 0),
                again.features().size(1), HeadSpec.singleLabel(classes), config, null, CacheSpeedBench::accuracy);
        double cachedWarm = (System.nanoTime() - t2) / 1e9;

        System.out.printf("frozen-linear, %s, %d images, %d epochs, batch %d, %d cores%n", onnx, n, epochs, config.batchSize(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  backbone every step     : %7.2f s%n", uncached);
        System.out.printf("  cache, first run (fill) : %7.2f s  (%.1fx faster)%n", cachedCold, uncached / cachedCold);
        System.out.printf("  cache, rerun (hit)      : %7.2f s  (%.1fx faster)%n", cachedWarm, uncached / cachedWarm);
    }

    private static double accuracy(INDArray logits, INDArray labels) {
        INDArray pred = logits.argMax(1);
        int ok = 0;
        for (int i = 0; i < labels.length(); i++) if (pred.getInt(i) == labels.getInt(i)) ok++;
        return (double) ok / labels.length();
    }
}
