package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.eval.ScoreKind;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.train.KnnProbe;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TrainingOutcome;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code frozen-knn}: the frozen backbone's features of the training split are the probe; validation and test images
 * are scored by their neighbours' votes ({@link KnnProbe}). Nothing trains, so there is no epoch: the history is
 * empty and the best epoch -1. Features come from the feature cache (filled on a miss); with the cache off
 * ({@code cacheDir} null) they are computed for this cell and not stored.
 */
final class KnnRoute implements CellRoute {

    private final Path cacheDir;

    KnnRoute(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    @Override
    public Trained train(Cell cell) {
        CachedSplits s = CachedSplits.load(cacheDir, cell, BackboneOutput.FEATURES);
        long start = System.nanoTime();
        KnnProbe probe = KnnProbe.fit(s.trainEntry().features(), s.trainEntry().labels(), cell.head(), cell.config().knnK(),
                cell.config().knnTemperature());
        cell.log().accept("  kNN: k " + probe.k() + (probe.temperature() == 0 ? ", one vote each" : ", votes exp(cos / " + probe.temperature() + ")")
                + " over " + s.trainEntry().size() + " training images");
        return s.trained(model(probe), new TrainingOutcome(List.of(), -1, Double.NaN, false, 0, 0), start, Map.of());
    }

    private static CellModel model(KnnProbe probe) {
        return new CellModel() {
            @Override
            public Trainer.Predictions predict(BatchSource source) {
                List<INDArray> scores = new ArrayList<>(), labels = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (Batch b : source.epoch(0)) {
                    scores.add(probe.scores(b.images()));
                    labels.add(b.labels());
                    ids.addAll(b.ids());
                }
                return new Trainer.Predictions(Nd4j.concat(0, scores.toArray(new INDArray[0])),
                        Nd4j.concat(0, labels.toArray(new INDArray[0])), ids);
            }

            @Override
            public ScoreKind scoreKind() {
                return ScoreKind.PROBABILITIES;
            }

            @Override
            public long trainableParameterCount() {
                return 0;
            }

            @Override
            public String deitTailSha256() {
                return null;
            }
        };
    }
}
