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
 * each batch is read once for all heads, each head has its own AdamW state, schedule and gradient clipping,
 * and the head with the best validation metric wins. With a single learning rate it is exactly the
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
        long start = System.nanoTime();
        int k = learningRates.length;
        List<Map<String, INDArray>> params = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            // Every head starts from the same seed (and the same weights TransferModel.build would give it):
            // the grid differs in learning rate only.
            SplittableRandom rnd = new SplittableRandom(config.seed());
            Map<String, INDArray> p = new LinkedHashMap<>();
            INDArray[] init = Layers.linearInit(rnd, featureDim, head.outputs());
            p.put("head" + i + ".weight", init[0]);
            p.put("head" + i + ".bias", init[1]);
            params.add(p);
        }
        int steps = train.batchCount();
        List<AdamW> optimizers = new ArrayList<>();
        List<LearningRateSchedule> schedules = new ArrayList<>();
        for (double lr : learningRates) {
            optimizers.add(new AdamW(config.beta1(), config.beta2(), config.epsilon(), config.weightDecay()));
            schedules.add(new LearningRateSchedule(lr, config.warmupSteps(steps), steps * config.epochs(), config.schedule()));
        }
        List<List<EpochRecord>> histories = new ArrayList<>();
        List<Map<String, INDArray>> best = new ArrayList<>();
        double[] bestMetric = new double[k];
        int[] bestEpoch = new int[k];
        for (int i = 0; i < k; i++) {
            histories.add(new ArrayList<>());
            best.add(null);
            bestMetric[i] = Double.NEGATIVE_INFINITY;
            bestEpoch[i] = -1;
        }
        int step = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            double[] lossSum = new double[k];
            int seen = 0;
            for (Batch b : train.epoch(epoch)) {
                INDArray x = b.images().castTo(DataType.FLOAT);
                INDArray y = TransferModel.labelMatrix(head, b.labels());
                for (int i = 0; i < k; i++) {
                    Map<String, INDArray> p = params.get(i);
                    INDArray w = p.get("head" + i + ".weight"), bias = p.get("head" + i + ".bias");
                    INDArray z = x.mmul(w).addiRowVector(bias);
                    LossAndGrad lg = head.multiLabel() ? sigmoidBce(z, y) : softmaxCrossEntropy(z, y);
                    if (!Double.isFinite(lg.loss)) {
                        throw new NonFiniteLossException(epoch, step, lg.loss, schedules.get(i).at(step), histories.get(i));
                    }
                    lossSum[i] += lg.loss * b.size();
                    Map<String, INDArray> grads = new HashMap<>();
                    grads.put("head" + i + ".weight", x.transpose().mmul(lg.dz));
                    grads.put("head" + i + ".bias", lg.dz.sum(0));
                    Trainer.clip(grads, config.clipNorm());
                    optimizers.get(i).step(p, grads, schedules.get(i).at(step));
                }
                seen += b.size();
                step++;
            }
            List<List<INDArray>> logits = new ArrayList<>();
            for (int i = 0; i < k; i++) logits.add(new ArrayList<>());
            List<INDArray> valLabels = new ArrayList<>();
            for (Batch b : val.epoch(0)) {
                INDArray x = b.images().castTo(DataType.FLOAT);
                for (int i = 0; i < k; i++) {
                    logits.get(i).add(x.mmul(params.get(i).get("head" + i + ".weight")).addiRowVector(params.get(i).get("head" + i + ".bias")));
                }
                valLabels.add(b.labels());
            }
            INDArray y = org.nd4j.linalg.factory.Nd4j.concat(0, valLabels.toArray(new INDArray[0]));
            long millis = (System.nanoTime() - epochStart) / 1_000_000;
            for (int i = 0; i < k; i++) {
                INDArray z = org.nd4j.linalg.factory.Nd4j.concat(0, logits.get(i).toArray(new INDArray[0]));
                double m = scorer.score(z, y);
                if (Double.isNaN(m)) m = Double.NEGATIVE_INFINITY;
                histories.get(i).add(new EpochRecord(epoch, lossSum[i] / Math.max(1, seen), m, schedules.get(i).at(Math.max(0, step - 1)), millis / k));
                if (m > bestMetric[i] || best.get(i) == null) {
                    bestMetric[i] = m;
                    bestEpoch[i] = epoch;
                    Map<String, INDArray> snap = new HashMap<>();
                    for (Map.Entry<String, INDArray> e : params.get(i).entrySet()) snap.put(e.getKey(), e.getValue().dup());
                    best.set(i, snap);
                }
            }
        }
        int winner = 0;
        List<Candidate> grid = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            grid.add(new Candidate(learningRates[i], bestMetric[i], bestEpoch[i]));
            if (bestMetric[i] > bestMetric[winner]) winner = i;
        }
        TransferModel model = TransferModel.forFeatures(featureDim, head, config.seed());
        model.parameter("head.weight").assign(best.get(winner).get("head" + winner + ".weight"));
        model.parameter("head.bias").assign(best.get(winner).get("head" + winner + ".bias"));
        TrainingOutcome outcome = new TrainingOutcome(histories.get(winner), bestEpoch[winner], bestMetric[winner], false,
                (System.nanoTime() - start) / 1_000_000, step);
        return new Result(learningRates[winner], model, outcome, grid);
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
