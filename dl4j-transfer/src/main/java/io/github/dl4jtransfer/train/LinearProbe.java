package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

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
 * <p>The head's forward and gradient are written in ND4J directly rather than as a SameDiff graph: a
 * SameDiff call costs ~50 ms of fixed overhead in M2.1, which dominated a linear probe's step (a 768×K
 * matmul) by two orders of magnitude.
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

    /** One head of the grid: its weights, AdamW state and schedule; the loop leaves it on its best epoch. */
    private static final class Head implements Learner {
        private final String weightName, biasName;
        private final Map<String, INDArray> params = new LinkedHashMap<>();
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

        /** Batches come prepared: float features and the label matrix. */
        @Override
        public double step(Batch b, double lr) {
            INDArray x = b.images();
            LossAndGrad lg = spec.multiLabel() ? sigmoidBce(logits(x), b.labels()) : softmaxCrossEntropy(logits(x), b.labels());
            if (!Double.isFinite(lg.loss)) return lg.loss;
            Map<String, INDArray> grads = new HashMap<>();
            grads.put(weightName, x.transpose().mmul(lg.dz));
            grads.put(biasName, lg.dz.sum(0));
            Trainer.clip(grads, clipNorm);
            optimizer.step(params, grads, lr);
            return lg.loss;
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

    private record LossAndGrad(double loss, INDArray dz) {
    }

    /** Mean softmax cross-entropy over the batch and its gradient (softmax(z) - y) / B, log-sum-exp stabilised. */
    static LossAndGrad softmaxCrossEntropy(INDArray z, INDArray oneHot) {
        long b = z.size(0);
        INDArray shifted = z.subColumnVector(z.max(1));
        INDArray exp = Transforms.exp(shifted, true);
        INDArray sum = exp.sum(1);
        INDArray logp = shifted.subColumnVector(Transforms.log(sum, true));
        double loss = -logp.mul(oneHot).sumNumber().doubleValue() / b;
        INDArray dz = exp.diviColumnVector(sum).subi(oneHot).divi(b);
        return new LossAndGrad(loss, dz);
    }

    /** Mean sigmoid BCE with logits over all elements and its gradient (sigmoid(z) - y) / (B·L), as torch computes it. */
    static LossAndGrad sigmoidBce(INDArray z, INDArray y) {
        long n = z.length();
        INDArray loss = Transforms.relu(z, true).subi(z.mul(y)).addi(Transforms.log(Transforms.exp(Transforms.abs(z, true).negi(), false).addi(1.0), false));
        INDArray dz = Transforms.sigmoid(z, true).subi(y).divi(n);
        return new LossAndGrad(loss.sumNumber().doubleValue() / n, dz);
    }
}
