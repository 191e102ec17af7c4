package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one epoch loop: every learner steps on each training batch in turn (one read of the batch for all of
 * them), then one validation pass predicts for all of them, and each learner's listeners see its epoch:
 * history, best checkpoint, early stopping, progress. A learner that stops early drops out of later passes;
 * the loop ends when all have stopped or the epochs are done, and every learner is left holding its best
 * checkpoint's weights.
 *
 * <p>Learners are independent: each has its own weights, optimiser state and schedule, so training several
 * together gives each the same numbers as training it alone.
 */
public final class TrainingLoop {

    private final int epochs;
    private final int patience;
    private Consumer<EpochRecord> onEpoch = r -> { };

    /**
     * @param epochs   epochs to run at most
     * @param patience stop a learner after this many epochs without a better checkpoint; 0 = never
     */
    public TrainingLoop(int epochs, int patience) {
        this.epochs = epochs;
        this.patience = patience;
    }

    /** Called after each epoch of each learner, in learner order (progress lines, live curves). */
    public TrainingLoop onEpoch(Consumer<EpochRecord> listener) {
        this.onEpoch = listener;
        return this;
    }

    /**
     * Trains the learners; returns one outcome per learner, in order.
     *
     * @throws NonFiniteLossException when a learner's loss stops being finite, with that learner's history so far
     */
    public List<TrainingOutcome> fit(List<? extends Learner> learners, BatchSource train, BatchSource val, Scorer scorer) {
        long start = System.nanoTime();
        List<Run> runs = new ArrayList<>();
        for (Learner l : learners) runs.add(new Run(l, scorer));
        for (int epoch = 0; epoch < epochs; epoch++) {
            List<Run> active = runs.stream().filter(r -> !r.stopped).toList();
            if (active.isEmpty()) break;
            long epochStart = System.nanoTime();
            for (Run r : active) r.startEpoch();
            int seen = 0;
            for (Batch b : train.epoch(epoch)) {
                for (Run r : active) r.step(b, epoch);
                seen += b.size();
            }
            double[] metrics = validate(active, val, scorer);
            long millis = (System.nanoTime() - epochStart) / 1_000_000 / active.size();
            for (int i = 0; i < active.size(); i++) active.get(i).endEpoch(epoch, seen, metrics[i], millis);
        }
        long trainMillis = (System.nanoTime() - start) / 1_000_000;
        List<TrainingOutcome> out = new ArrayList<>();
        for (Run r : runs) out.add(r.finish(trainMillis));
        return out;
    }

    /**
     * Each learner's validation metric over the whole source, NaN recorded as -Infinity (an undefined metric,
     * e.g. AUC with one class present, never beats a number).
     */
    private static double[] validate(List<Run> runs, BatchSource val, Scorer scorer) {
        List<List<INDArray>> logits = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) logits.add(new ArrayList<>());
        List<INDArray> labels = new ArrayList<>();
        for (Batch b : val.epoch(0)) {
            for (int i = 0; i < runs.size(); i++) logits.get(i).add(runs.get(i).learner.logits(b.images()));
            labels.add(b.labels());
        }
        INDArray y = Nd4j.concat(0, labels.toArray(new INDArray[0]));
        double[] metrics = new double[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            double m = scorer.score(Nd4j.concat(0, logits.get(i).toArray(new INDArray[0])), y);
            metrics[i] = Double.isNaN(m) ? Double.NEGATIVE_INFINITY : m;
        }
        return metrics;
    }

    /** One learner's state in the loop: its step count, running loss and listeners. */
    private final class Run {
        final Learner learner;
        final History history = new History();
        final BestCheckpoint checkpoint;
        final List<EpochListener> listeners;
        int steps;
        double lossSum;
        double lr;
        boolean stopped;

        Run(Learner learner, Scorer scorer) {
            this.learner = learner;
            this.checkpoint = new BestCheckpoint(learner.parameters(), scorer.metric());
            // Order matters: early stopping reads the checkpoint's best epoch after the checkpoint has seen the epoch.
            this.listeners = List.of(history, onEpoch::accept, checkpoint, new EarlyStopping(patience, checkpoint));
        }

        void startEpoch() {
            lossSum = 0;
            lr = learner.learningRate(steps); // what the record shows when the epoch has no batch
        }

        void step(Batch b, int epoch) {
            lr = learner.learningRate(steps);
            double loss = learner.step(b, lr);
            if (!Double.isFinite(loss)) throw new NonFiniteLossException(epoch, steps, loss, lr, history.records());
            lossSum += loss * b.size();
            steps++;
        }

        void endEpoch(int epoch, int seen, double metric, long millis) {
            EpochRecord rec = new EpochRecord(epoch, lossSum / Math.max(1, seen), metric, lr, millis);
            for (EpochListener l : listeners) l.onEpoch(rec);
            for (EpochListener l : listeners) stopped |= l.stopRequested();
        }

        TrainingOutcome finish(long trainMillis) {
            checkpoint.restore();
            return new TrainingOutcome(List.copyOf(history.records()), checkpoint.bestEpoch(), checkpoint.bestMetric(), stopped,
                    trainMillis, steps);
        }
    }
}
