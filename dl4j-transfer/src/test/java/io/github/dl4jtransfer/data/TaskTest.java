package io.github.dl4jtransfer.data;

import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.MetricKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dataset can name exactly the metrics the evaluator scores for its shape: MetricKind is the one list. */
class TaskTest {

    private static final List<String> THREE = List.of("a", "b", "c");

    @Test
    void everyMetricTheEvaluatorScoresCanBeChosen() {
        for (int classes : new int[]{2, 3}) {
            List<String> names = THREE.subList(0, classes);
            for (MetricKind k : EvalTask.singleLabel(classes).metrics()) {
                assertDoesNotThrow(() -> new Task("t", TaskType.SINGLE_LABEL, names, k.metricName()), k + " on " + classes);
            }
        }
        for (MetricKind k : EvalTask.multiLabel(3).metrics()) {
            assertDoesNotThrow(() -> new Task("t", TaskType.MULTI_LABEL, THREE, k.metricName()), k.metricName());
        }
        assertEquals("roc_auc_ovr", new Task("t", TaskType.SINGLE_LABEL, THREE, "roc_auc_ovr").metric());
    }

    @Test
    void metricsThatDoNotFitTheShapeOrDoNotExistAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Task("t", TaskType.SINGLE_LABEL, THREE, "roc_auc"));
        assertTrue(e.getMessage().contains("task 't'") && e.getMessage().contains("roc_auc_ovr"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Task("t", TaskType.MULTI_LABEL, THREE, "accuracy"));
        e = assertThrows(IllegalArgumentException.class, () -> new Task("t", TaskType.SINGLE_LABEL, THREE, "auroc"));
        assertTrue(e.getMessage().contains("quadratic_kappa"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DatasetOptions.builder().optMetric("auroc").build());
    }

    @Test
    void namesAreStoredInTheirCanonicalSpelling() {
        assertEquals("balanced_accuracy", new Task("t", TaskType.SINGLE_LABEL, THREE, " Balanced_Accuracy").metric());
        assertEquals("macro_f1", DatasetOptions.builder().optMetric("MACRO_F1").build().metric());
    }
}
