package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a {@link TransferModel}: AdamW with decoupled weight decay, linear warm-up then cosine, global
 * gradient-norm clipping, validation every epoch, best checkpoint by the validation metric (restored at
 * the end), optional early stopping. Deterministic on CPU for a given seed.
 */
public final class Trainer {

    private final TrainerConfig config;
    private Consumer<EpochRecord> onEpoch = r -> { };

    public Trainer(TrainerConfig config) {
        this.config = config;
    }

    /** Called after each epoch (progress lines, live curves). */
    public Trainer onEpoch(Consumer<EpochRecord> listener) {
        this.onEpoch = listener;
        return this;
    }

    public TrainingOutcome fit(TransferModel model, BatchSource train, BatchSource val, Scorer scorer) {
        long start = System.nanoTime();
        SameDiff sd = model.sameDiff();
        List<String> names = model.trainableNames();
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String n : names) params.put(n, sd.getArrForVarName(n));
        AdamW optimizer = new AdamW(config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
        int stepsPerEpoch = train.batchCount();
        LearningRateSchedule schedule = new LearningRateSchedule(config.learningRate(), config.warmupSteps(stepsPerEpoch),
                stepsPerEpoch * config.epochs(), config.schedule());
        List<EpochRecord> history = new ArrayList<>();
        Map<String, INDArray> best = null;
        int bestEpoch = -1;
        double bestMetric = Double.NEGATIVE_INFINITY;
        int step = 0;
        boolean stoppedEarly = false;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            double lossSum = 0;
            int seen = 0;
            double lr = schedule.at(step);
            for (Batch b : train.epoch(epoch)) {
                lr = schedule.at(step);
                Step s = gradients(model, b.images(), model.labelMatrix(b.labels()), config.microBatchSize());
                double loss = s.loss();
                if (!Double.isFinite(loss)) throw new NonFiniteLossException(epoch, step, loss, lr, history);
                clip(s.gradients(), config.clipNorm());
                optimizer.step(params, s.gradients(), lr);
                s.gradients().values().forEach(Backprop::close); // a backbone's worth: free now, not at the next GC
                lossSum += loss * b.size();
                seen += b.size();
                step++;
            }
            double metric = evaluate(model, val, scorer);
            EpochRecord rec = new EpochRecord(epoch, lossSum / Math.max(1, seen), metric, lr, (System.nanoTime() - epochStart) / 1_000_000);
            history.add(rec);
            onEpoch.accept(rec);
            if (metric > bestMetric || best == null) {
                bestMetric = metric;
                bestEpoch = epoch;
                best = snapshot(params);
            } else if (config.patience() > 0 && epoch - bestEpoch >= config.patience()) {
                stoppedEarly = true;
                break;
            }
        }
        for (Map.Entry<String, INDArray> e : best.entrySet()) params.get(e.getKey()).assign(e.getValue());
        return new TrainingOutcome(history, bestEpoch, bestMetric, stoppedEarly, (System.nanoTime() - start) / 1_000_000, step);
    }

    /** One batch's mean loss, gradients (owned by the caller) and the most bytes a gradient session held at once. */
    public record Step(double loss, Map<String, INDArray> gradients, long sessionPeakBytes) {
    }

    /**
     * Loss and gradients of a batch, whole or as slices of {@code micro} images whose gradients are summed with
     * weight slice/batch: the losses are means over the batch (over images, or images × labels), so the sum
     * is the whole batch's gradient up to rounding. BatchNorm runs on running statistics here, so slicing
     * changes nothing else.
     */
    public static Step gradients(TransferModel model, INDArray images, INDArray labels, int micro) {
        long n = images.size(0);
        long slice = micro <= 0 ? n : Math.min(micro, n);
        Map<String, INDArray> sum = new HashMap<>();
        double loss = 0;
        long peak = 0;
        for (long from = 0; from < n; from += slice) {
            long to = Math.min(n, from + slice);
            boolean whole = to - from == n; // no copy and no weighting when the batch is one slice
            INDArray x = whole ? images : images.get(NDArrayIndex.interval(from, to)).dup();
            INDArray y = whole ? labels : labels.get(NDArrayIndex.interval(from, to)).dup();
            Backprop.Result r = Backprop.run(model.sameDiff(), Map.of(model.inputName(), x, TransferModel.LABELS, y),
                    List.of(TransferModel.LOSS), model.trainableNames());
            double w = (double) (to - from) / n;
            peak = Math.max(peak, r.sessionPeakBytes());
            loss += w * r.outputs().get(TransferModel.LOSS).getDouble(0);
            r.outputs().values().forEach(Backprop::close);
            for (Map.Entry<String, INDArray> g : r.gradients().entrySet()) {
                if (g.getValue() == null) continue;
                INDArray acc = sum.get(g.getKey());
                if (acc == null) {
                    sum.put(g.getKey(), whole ? g.getValue() : g.getValue().muli(w));
                } else {
                    acc.addi(g.getValue().muli(w));
                    Backprop.close(g.getValue());
                }
            }
            if (!whole) {
                x.close();
                y.close();
            }
        }
        return new Step(loss, sum, peak);
    }

    /** Scales all gradients by clip / total-norm when the global L2 norm exceeds {@code clipNorm}, as torch does. */
    static void clip(Map<String, INDArray> grads, double clipNorm) {
        if (clipNorm <= 0) return;
        double sq = 0;
        for (INDArray g : grads.values()) {
            if (g != null) {
                double norm = g.norm2Number().doubleValue();
                sq += norm * norm;
            }
        }
        double total = Math.sqrt(sq);
        if (!Double.isFinite(total)) return; // the loss check reports it on the next step
        if (total > clipNorm) {
            double scale = clipNorm / (total + 1e-6);
            for (INDArray g : grads.values()) if (g != null) g.muli(scale);
        }
    }

    /** The validation metric over a whole source (NaN-safe: a NaN metric never becomes "best" after a number). */
    public static double evaluate(TransferModel model, BatchSource source, Scorer scorer) {
        Predictions p = predict(model, source);
        double s = scorer.score(p.logits(), p.labels());
        return Double.isNaN(s) ? Double.NEGATIVE_INFINITY : s;
    }

    /** Logits and labels over a whole source, in its order. */
    public static Predictions predict(TransferModel model, BatchSource source) {
        List<INDArray> logits = new ArrayList<>(), labels = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Batch b : source.epoch(0)) {
            logits.add(model.logits(b.images()).dup());
            labels.add(b.labels());
            ids.addAll(b.ids());
        }
        return new Predictions(Nd4j.concat(0, logits.toArray(new INDArray[0])), Nd4j.concat(0, labels.toArray(new INDArray[0])), ids);
    }

    /** Model outputs over a data source. */
    public record Predictions(INDArray logits, INDArray labels, List<String> ids) {
    }

    private static Map<String, INDArray> snapshot(Map<String, INDArray> params) {
        Map<String, INDArray> copy = new HashMap<>();
        for (Map.Entry<String, INDArray> e : params.entrySet()) copy.put(e.getKey(), e.getValue().dup());
        return copy;
    }
}
