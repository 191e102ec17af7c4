package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Linear heads for several learning rates trained together on cached features (DINOv2's linear evaluation):
 * one graph holds one head per learning rate, one backward pass per batch serves all of them, each head has
 * its own AdamW state, schedule and gradient clipping, and the head with the best validation metric wins.
 * With a single learning rate it is exactly the frozen-linear scenario of the study.
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
        SameDiff sd = SameDiff.create();
        SDVariable features = sd.placeHolder(TransferModel.FEATURES, DataType.FLOAT, -1, featureDim);
        SDVariable labels = sd.placeHolder(TransferModel.LABELS, DataType.FLOAT, -1, head.outputs());
        List<Map<String, INDArray>> params = new ArrayList<>();
        List<String> logitNames = new ArrayList<>(), lossNames = new ArrayList<>(), all = new ArrayList<>();
        SDVariable total = null;
        for (int i = 0; i < k; i++) {
            // Every head starts from the same seed: the grid differs in learning rate only.
            Map<String, SDVariable> added = new LinkedHashMap<>();
            SDVariable logits = Layers.linear(sd, features, "head" + i, featureDim, head.outputs(), new SplittableRandom(config.seed()), added);
            SDVariable loss = TransferModel.lossFor(sd, logits, labels, head);
            logitNames.add(logits.name());
            lossNames.add(loss.name());
            Map<String, INDArray> p = new LinkedHashMap<>();
            for (String n : added.keySet()) {
                p.put(n, sd.getArrForVarName(n));
                all.add(n);
            }
            params.add(p);
            total = total == null ? loss : total.add(loss);
        }
        sd.setLossVariables(total.name());

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
                Map<String, INDArray> feed = Map.of(TransferModel.FEATURES, b.images(), TransferModel.LABELS, TransferModel.labelMatrix(head, b.labels()));
                OutAndGrad og = sd.calculateGradientsAndOutputs(feed, lossNames, all);
                for (int i = 0; i < k; i++) {
                    double loss = og.getOutputs().get(lossNames.get(i)).getDouble(0);
                    if (!Double.isFinite(loss)) {
                        throw new NonFiniteLossException(epoch, step, loss, schedules.get(i).at(step), histories.get(i));
                    }
                    lossSum[i] += loss * b.size();
                    Map<String, INDArray> grads = new HashMap<>();
                    for (String n : params.get(i).keySet()) grads.put(n, og.getGradients().get(n));
                    Trainer.clip(grads, config.clipNorm());
                    optimizers.get(i).step(params.get(i), grads, schedules.get(i).at(step));
                }
                seen += b.size();
                step++;
            }
            Map<String, List<INDArray>> logits = new HashMap<>();
            List<INDArray> valLabels = new ArrayList<>();
            for (Batch b : val.epoch(0)) {
                Map<String, INDArray> out = sd.output(Map.of(TransferModel.FEATURES, b.images()), logitNames.toArray(new String[0]));
                for (String n : logitNames) logits.computeIfAbsent(n, x -> new ArrayList<>()).add(out.get(n).dup());
                valLabels.add(b.labels());
            }
            INDArray y = org.nd4j.linalg.factory.Nd4j.concat(0, valLabels.toArray(new INDArray[0]));
            long millis = (System.nanoTime() - epochStart) / 1_000_000;
            for (int i = 0; i < k; i++) {
                INDArray z = org.nd4j.linalg.factory.Nd4j.concat(0, logits.get(logitNames.get(i)).toArray(new INDArray[0]));
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
}
