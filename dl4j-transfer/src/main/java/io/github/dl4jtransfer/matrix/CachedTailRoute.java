package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TrainingOutcome;
import io.github.dl4jtransfer.train.TransferModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;

/** Frozen-DeiT on cached tokens: the DeiT classifier alone, trained on the frozen backbone's stored tokens. */
final class CachedTailRoute implements CellRoute {

    private final Path cacheDir;
    private final Path deitTail;

    CachedTailRoute(Path cacheDir, Path deitTail) {
        this.cacheDir = cacheDir;
        this.deitTail = deitTail;
    }

    @Override
    public Trained train(Cell cell) {
        CachedSplits s = CachedSplits.load(cacheDir, cell, BackboneOutput.TOKENS);
        long start = System.nanoTime();
        INDArray tokens = s.trainEntry().tokens();
        TransferModel model = TransferModel.forTokens(tokens.size(1), tokens.size(2), cell.head(), deitTail, cell.key().seed());
        TrainingOutcome outcome = new Trainer(cell.config()).onEpoch(cell::logEpoch).fit(model, s.train(), s.val(), cell.scorer());
        return s.trained(model, outcome, start, Map.of());
    }
}
