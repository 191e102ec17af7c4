package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.data.pipeline.InMemoryBatchSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's rules with scripted learners: checkpoint choice, NaN metrics, ties, early stopping, non-finite loss. */
class TrainingLoopTest {

    /** One batch per epoch; its weight counts the steps taken, its validation metric is scripted per epoch. */
    private static final class Scripted implements Learner {
        final INDArray w = Nd4j.scalar(DataType.DOUBLE, 0.0);
        final double[] metrics;
        final double[] losses;

        Scripted(double[] metrics, double... losses) {
            this.metrics = metrics;
            this.losses = losses;
        }

        public double learningRate(int step) {
            return 0.1 * (step + 1);
        }

        public double step(Batch batch, double lr) {
            int s = (int) w.getDouble(0);
            double loss = s < losses.length ? losses[s] : 1.0;
            if (Double.isFinite(loss)) w.addi(1);
            return loss;
        }

        public INDArray logits(INDArray inputs) {
            return Nd4j.valueArrayOf(new long[]{inputs.size(0), 1}, metrics[(int) w.getDouble(0) - 1], DataType.DOUBLE);
        }

        public Map<String, INDArray> parameters() {
            return Map.of("w", w);
        }
    }

    private static final BatchSource ONE = new InMemoryBatchSource(Nd4j.zeros(DataType.FLOAT, 2, 1), Nd4j.zeros(DataType.FLOAT, 2),
            List.of("a", "b"), 2, false, 0);

    private static List<TrainingOutcome> fit(int epochs, int patience, Learner... learners) {
        return new TrainingLoop(epochs, patience).fit(List.of(learners), ONE, ONE, (logits, labels) -> logits.getDouble(0));
    }

    @Test
    void firstEpochIsTheFirstCheckpointEvenWithAnUndefinedMetric() {
        Scripted a = new Scripted(new double[]{Double.NaN, Double.NaN});
        TrainingOutcome o = fit(2, 0, a).get(0);
        assertEquals(0, o.bestEpoch());
        assertEquals(Double.NEGATIVE_INFINITY, o.bestValMetric());
        assertEquals(List.of(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY), o.history().stream().map(EpochRecord::valMetric).toList());
        assertEquals(1.0, a.w.getDouble(0), "the first epoch's weights are restored");

        Scripted b = new Scripted(new double[]{Double.NaN, 0.2, Double.NaN});
        assertEquals(1, fit(3, 0, b).get(0).bestEpoch(), "a number beats an undefined first epoch");
        assertEquals(2.0, b.w.getDouble(0));
    }

    @Test
    void tiesKeepTheEarliestEpoch() {
        Scripted a = new Scripted(new double[]{0.5, 0.7, 0.7, 0.6});
        TrainingOutcome o = fit(4, 0, a).get(0);
        assertEquals(1, o.bestEpoch());
        assertEquals(0.7, o.bestValMetric());
        assertEquals(2.0, a.w.getDouble(0));
        assertFalse(o.stoppedEarly());
        assertEquals(4, o.steps());
        assertEquals(0.4, o.history().get(3).learningRate(), 1e-12);
    }

    @Test
    void earlyStoppingStopsOnlyTheLearnerThatStalls() {
        Scripted stalls = new Scripted(new double[]{0.5, 0.4, 0.3, 0.2});
        Scripted learns = new Scripted(new double[]{0.1, 0.2, 0.3, 0.4});
        List<TrainingOutcome> out = fit(4, 1, stalls, learns);
        assertTrue(out.get(0).stoppedEarly());
        assertEquals(2, out.get(0).history().size());
        assertEquals(2, out.get(0).steps());
        assertEquals(1.0, stalls.w.getDouble(0));
        assertFalse(out.get(1).stoppedEarly());
        assertEquals(4, out.get(1).history().size());
        assertEquals(3, out.get(1).bestEpoch());
    }

    @Test
    void aNonFiniteLossStopsWithThatLearnersHistory() {
        Scripted ok = new Scripted(new double[]{0.1, 0.2, 0.3});
        Scripted bad = new Scripted(new double[]{0.1, 0.2, 0.3}, 1.0, 1.0, Double.NaN);
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> fit(3, 0, ok, bad));
        assertEquals(2, e.history().size());
        assertTrue(e.getMessage().contains("epoch 2, step 2 (lr 0.30000000000000004)"), e.getMessage());
    }
}
