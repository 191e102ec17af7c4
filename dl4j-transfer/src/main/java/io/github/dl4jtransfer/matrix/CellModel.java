package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.eval.ScoreKind;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TransferModel;

/**
 * What a route leaves for {@link CellRunner} to evaluate: per-class scores over the cell's validation and test data.
 * A trained {@link TransferModel} gives logits; the kNN probe, which trains nothing, gives vote fractions.
 */
interface CellModel {

    /** Scores (in {@link Trainer.Predictions#logits()}, whatever their {@link #scoreKind()}), labels and ids, in order. */
    Trainer.Predictions predict(BatchSource source);

    ScoreKind scoreKind();

    /** Parameters an optimiser updated (0 for the kNN probe). */
    long trainableParameterCount();

    /** The DeiT classifier export's SHA-256 for DeiT scenarios, else null. */
    String deitTailSha256();

    static CellModel of(TransferModel model) {
        return new CellModel() {
            @Override
            public Trainer.Predictions predict(BatchSource source) {
                return Trainer.predict(model, source);
            }

            @Override
            public ScoreKind scoreKind() {
                return ScoreKind.LOGITS;
            }

            @Override
            public long trainableParameterCount() {
                return model.trainableParameterCount();
            }

            @Override
            public String deitTailSha256() {
                return model.deitTailSha256();
            }
        };
    }
}
