package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.data.pipeline.ImagePipeline;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TrainingGraphOptions;
import io.github.dl4jtransfer.train.TrainingOutcome;
import io.github.dl4jtransfer.train.TransferModel;

import java.nio.file.Path;
import java.util.Map;

/**
 * Through the backbone: images in, every step runs the backbone (and back-propagates into its unfrozen
 * blocks). The route of unfrozen scenarios, and of frozen ones when the cache is off or tokens do not fit.
 */
final class EndToEndRoute implements CellRoute {

    private final Path deitTail;

    EndToEndRoute(Path deitTail) {
        this.deitTail = deitTail;
    }

    @Override
    public Trained train(Cell cell) {
        int batch = cell.config().batchSize();
        TransferModel model = TransferModel.build(cell.backbone(), cell.scenario(), cell.head(), deitTail, cell.key().seed(),
                cell.graphOptions(), cell.config().activationCheckpointing());
        BatchSource train = ImagePipeline.train(cell.trainSplit(), cell.prep(), cell.augmentation(), batch, cell.key().seed());
        BatchSource val = ImagePipeline.eval(cell.split(), Split.VAL, cell.prep(), batch);
        BatchSource test = ImagePipeline.eval(cell.split(), Split.TEST, cell.prep(), batch);
        long start = System.nanoTime();
        TrainingOutcome outcome = new Trainer(cell.config()).onEpoch(cell::logEpoch).fit(model, train, val, cell.scorer());
        long trainMillis = (System.nanoTime() - start) / 1_000_000;
        long frozen = cell.backbone().parameterCount() - backboneTrainable(model, cell.backbone());
        TrainingGraphOptions used = model.trainingGraphOptions();
        return new Trained(CellModel.of(model), outcome, val, test, train.sampleCount(), trainMillis, 0, false, frozen,
                Map.of("trainingForward", Map.of("batchNormTraining", used.batchNormTraining(), "dropPathRate", used.dropPathRate(),
                        "checkpointSegments", model.checkpointSegments())));
    }

    private static long backboneTrainable(TransferModel model, Backbone backbone) {
        long n = 0;
        for (String name : model.trainableNames()) if (backbone.parameters().containsKey(name)) n += model.parameter(name).length();
        return n;
    }
}
