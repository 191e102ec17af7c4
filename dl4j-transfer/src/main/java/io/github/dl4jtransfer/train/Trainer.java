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
 * gradient-norm clipping, and {@link TrainingLoop}'s validation every epoch, best checkpoint by the validation
 * metric (restored at the end) and optional early stopping. Deterministic on CPU for a given seed.
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
        LearningRateSchedule schedule = LearningRateSchedule.of(config, config.learningRate(), train.batchCount());
        try {
            return new TrainingLoop(config.epochs(), config.patience()).onEpoch(onEpoch)
                    .fit(List.of(new ModelLearner(model, config, schedule)), train, val, scorer).get(0);
        } finally {
            Backprop.freeKeptBuffers(model.sameDiff()); // the step's buffers, kept for the next step, are not wanted now
        }
    }

    /** A whole model under AdamW: the loop's view of what this trainer trains. */
    private static final class ModelLearner implements Learner {
        private final TransferModel model;
        private final Map<String, INDArray> params = new LinkedHashMap<>();
        private final Map<String, INDArray> checkpointed = new LinkedHashMap<>();
        private final AdamW optimizer;
        private final LearningRateSchedule schedule;
        private final int microBatchSize;
        private final double clipNorm;

        ModelLearner(TransferModel model, TrainerConfig config, LearningRateSchedule schedule) {
            this.model = model;
            SameDiff sd = model.sameDiff();
            for (String n : model.trainableNames()) params.put(n, sd.getArrForVarName(n));
            checkpointed.putAll(params);
            checkpointed.putAll(model.buffers()); // BatchNorm running statistics, as torch's state dict carries them
            this.optimizer = AdamW.of(config);
            this.schedule = schedule;
            this.microBatchSize = config.microBatchSize();
            this.clipNorm = config.clipNorm();
        }

        @Override
        public double learningRate(int step) {
            return schedule.at(step);
        }

        @Override
        public double step(Batch b, double lr) {
            Step s = gradients(model, b.images(), model.labelMatrix(b.labels()), microBatchSize);
            if (Double.isFinite(s.loss())) {
                clip(s.gradients(), clipNorm);
                optimizer.step(params, s.gradients(), lr);
            }
            s.gradients().values().forEach(Backprop::close); // a backbone's worth: free now, not at the next GC
            return s.loss();
        }

        @Override
        public INDArray logits(INDArray inputs) {
            return model.logits(inputs).dup();
        }

        @Override
        public Map<String, INDArray> parameters() {
            return checkpointed;
        }
    }

    /** One batch's mean loss, gradients (owned by the caller) and the most bytes a gradient session held at once. */
    public record Step(double loss, Map<String, INDArray> gradients, long sessionPeakBytes) {
    }

    /**
     * Loss and gradients of a batch, whole or as slices of {@code micro} images whose gradients are summed with
     * weight slice/batch: the losses are means over the batch (over images, or images × labels), so the sum
     * is the whole batch's gradient up to rounding. With the default training forward BatchNorm runs on running
     * statistics, so slicing changes nothing else; with BatchNorm in training mode ({@link TrainingGraphOptions})
     * each slice is normalised with its own statistics and updates the running statistics once, as separate torch
     * forwards would. Drop-path masks are drawn per slice from the model's seed.
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
            Map<String, INDArray> feed = new HashMap<>(model.trainingFeed(to - from));
            feed.put(model.inputName(), x);
            feed.put(TransferModel.LABELS, y);
            Backprop.Result r = model.backprop(feed);
            model.afterTrainingForward(r.outputs(), to - from);
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

    /**
     * Scales all gradients by clip / total-norm when the global L2 norm exceeds {@code clipNorm}, as torch does. Float32
     * gradients are summed and scaled in Java loops over their memory (two native calls per tensor saved per step;
     * the squares are summed in double).
     */
    static void clip(Map<String, INDArray> grads, double clipNorm) {
        if (clipNorm <= 0) return;
        double sq = 0;
        for (INDArray g : grads.values()) {
            if (g == null) continue;
            java.nio.FloatBuffer b = DenseFloats.of(g);
            if (b != null) {
                for (int i = 0, n = b.limit(); i < n; i++) {
                    double x = b.get(i);
                    sq += x * x;
                }
            } else {
                double norm = g.norm2Number().doubleValue();
                sq += norm * norm;
            }
        }
        double total = Math.sqrt(sq);
        if (!Double.isFinite(total)) return; // the loss check reports it on the next step
        if (total > clipNorm) {
            double scale = clipNorm / (total + 1e-6);
            for (INDArray g : grads.values()) {
                if (g == null) continue;
                java.nio.FloatBuffer b = DenseFloats.of(g);
                if (b == null) {
                    g.muli(scale);
                    continue;
                }
                float f = (float) scale;
                for (int i = 0, n = b.limit(); i < n; i++) b.put(i, b.get(i) * f);
            }
        }
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

}
