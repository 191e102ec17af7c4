package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Linear heads for several learning rates trained together on cached features (DINOv2's linear evaluation):
 * each head is a {@link Learner} of one {@link TrainingLoop}, so each batch is read once for all heads, each
 * head has its own AdamW state, schedule, gradient clipping, best checkpoint and early stopping, and the head
 * with the best validation metric wins. With a single learning rate it is exactly the
 * frozen-linear scenario of the study (a test checks it against the SameDiff path through the backbone).
 *
 * <p>The head's loss and gradient are plain Java loops ({@link HeadStep}), its update the fused AdamW: a SameDiff
 * call costs ~50 ms of fixed overhead in M2.1, and even a dozen single ND4J ops cost more than the ~60 k
 * multiply-adds of a 768×K head on a batch of 8.
 */
public final class LinearProbe {

    /**
     * @param learningRate the winning learning rate
     * @param model        a features → logits model holding the winner's best-epoch weights
     * @param outcome      the winner's history and best epoch
     * @param grid         every learning rate with its best validation metric and epoch
     */
    public record Result(double learningRate, TransferModel model, TrainingOutcome outcome, List<Candidate> grid) {
    }

    public record Candidate(double learningRate, double bestValMetric, int bestEpoch) {
    }

    private LinearProbe() {
    }

    public static Result fit(BatchSource train, BatchSource val, long featureDim, HeadSpec head, TrainerConfig config,
                             double[] learningRates, Scorer scorer) {
        if (learningRates == null || learningRates.length == 0) learningRates = new double[]{config.learningRate()};
        List<Head> heads = new ArrayList<>();
        for (int i = 0; i < learningRates.length; i++) {
            heads.add(new Head(i, featureDim, head, config, LearningRateSchedule.of(config, learningRates[i], train.batchCount())));
        }
        // Features as float and labels as the loss wants them, made once per batch for all heads.
        BatchSource trainFloat = train.map(b -> new Batch(b.images().castTo(DataType.FLOAT),
                TransferModel.labelMatrix(head, b.labels()), b.ids()));
        BatchSource valFloat = val.map(b -> new Batch(b.images().castTo(DataType.FLOAT), b.labels(), b.ids()));
        List<TrainingOutcome> outcomes = new TrainingLoop(config.epochs(), config.patience())
                .fit(heads, trainFloat, valFloat, scorer);

        int winner = 0;
        List<Candidate> grid = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            grid.add(new Candidate(learningRates[i], outcomes.get(i).bestValMetric(), outcomes.get(i).bestEpoch()));
            if (scorer.metric().isBetter(outcomes.get(i).bestValMetric(), outcomes.get(winner).bestValMetric())) winner = i;
        }
        TransferModel model = TransferModel.forFeatures(featureDim, head, config.seed());
        model.parameter("head.weight").assign(heads.get(winner).weight());
        model.parameter("head.bias").assign(heads.get(winner).bias());
        return new Result(learningRates[winner], model, outcomes.get(winner), grid);
    }

    /**
     * One head as the grid trains it (features [n, featureDim] as float, labels as {@link TransferModel#labelMatrix}),
     * for benchmarks of the cached head step.
     */
    public static Learner head(long featureDim, HeadSpec head, TrainerConfig config, int stepsPerEpoch) {
        return new Head(0, featureDim, head, config, LearningRateSchedule.of(config, config.learningRate(), stepsPerEpoch));
    }

    /** One head of the grid: its weights, AdamW state and schedule; the loop leaves it on its best epoch. */
    private static final class Head implements Learner {
        private final String weightName, biasName;
        private final Map<String, INDArray> params = new LinkedHashMap<>();
        /** Gradient arrays, overwritten by each step. */
        private final Map<String, INDArray> grads = new HashMap<>();
        /**
         * Views of the weights (dense float from {@code Layers.linearInit}; AdamW and the loop's checkpoint restores
         * write them in place) and of the gradient arrays.
         */
        private final FloatBuffer w, bb, gw, gb;
        private final HeadSpec spec;
        private final AdamW optimizer;
        private final LearningRateSchedule schedule;
        private final double clipNorm;

        Head(int index, long featureDim, HeadSpec spec, TrainerConfig config, LearningRateSchedule schedule) {
            // Every head starts from the same seed (and the same weights TransferModel.build would give it):
            // the grid differs in learning rate only.
            INDArray[] init = Layers.linearInit(new SplittableRandom(config.seed()), featureDim, spec.outputs());
            this.weightName = "head" + index + ".weight";
            this.biasName = "head" + index + ".bias";
            params.put(weightName, init[0]);
            params.put(biasName, init[1]);
            grads.put(weightName, Nd4j.create(DataType.FLOAT, featureDim, spec.outputs()));
            grads.put(biasName, Nd4j.create(DataType.FLOAT, spec.outputs()));
            this.w = DenseFloats.of(init[0]);
            this.bb = DenseFloats.of(init[1]);
            this.gw = DenseFloats.of(grads.get(weightName));
            this.gb = DenseFloats.of(grads.get(biasName));
            this.spec = spec;
            this.optimizer = AdamW.of(config);
            this.schedule = schedule;
            this.clipNorm = config.clipNorm();
        }

        INDArray weight() {
            return params.get(weightName);
        }

        INDArray bias() {
            return params.get(biasName);
        }

        @Override
        public double learningRate(int step) {
            return schedule.at(step);
        }

        /**
         * Batches come prepared: float features and the label matrix. Loss and gradients in Java over the arrays' own
         * memory (HeadStep), into gradient arrays reused across steps: no ND4J op in a step but the fused update's.
         */
        @Override
        public double step(Batch b, double lr) {
            INDArray x = b.images();
            int n = (int) x.size(0), d = (int) x.size(1), k = (int) spec.outputs();
            FloatBuffer xs = rowMajor(x), ys = rowMajor(b.labels());
            double loss = spec.multiLabel() ? HeadStep.sigmoidBce(xs, w, bb, ys, n, d, k, gw, gb)
                    : HeadStep.softmaxCrossEntropy(xs, w, bb, ys, n, d, k, gw, gb);
            if (!Double.isFinite(loss)) return loss;
            Trainer.clip(grads, clipNorm);
            optimizer.step(params, grads, lr);
            return loss;
        }

        /** A batch matrix's elements in row-major order: its own memory when dense float, else a copy. */
        private static FloatBuffer rowMajor(INDArray a) {
            FloatBuffer own = DenseFloats.of(a);
            return own != null ? own : FloatBuffer.wrap(Nd4j.toFlattened('c', a).castTo(DataType.FLOAT).toFloatVector());
        }

        @Override
        public INDArray logits(INDArray features) {
            return features.mmul(weight()).addiRowVector(bias());
        }

        @Override
        public Map<String, INDArray> parameters() {
            return params;
        }
    }
}
