package io.github.dl4jtransfer.data;

import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.MetricKind;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a dataset asks a model to predict and how the study scores it.
 *
 * @param name       short task name ("aptos2019"); used in file names (split manifests, caches)
 * @param type       single-label (binary = 2 classes) or multi-label
 * @param classNames class (single-label) or label (multi-label) names, in label-index order
 * @param metric     the study's headline metric: the {@link MetricKind#metricName() name} of a metric the
 *                   evaluator scores for a task of this shape ({@link EvalTask#metrics()}), in its canonical
 *                   spelling. {@link MetricKind} is the one list of metrics, so that whatever a dataset can
 *                   name here is what the evaluator computes and selects checkpoints by.
 */
public record Task(String name, TaskType type, List<String> classNames, String metric) {

    public Task {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(metric, "metric");
        classNames = List.copyOf(classNames);
        if (classNames.size() < (type == TaskType.SINGLE_LABEL ? 2 : 1)) {
            throw new IllegalArgumentException("task '" + name + "' needs at least "
                    + (type == TaskType.SINGLE_LABEL ? "2 classes" : "1 label") + ", got " + classNames);
        }
        if (Set.copyOf(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("task '" + name + "' has duplicate class names: " + classNames);
        }
        try {
            // EvalTask rejects a metric that does not apply to the task's shape (roc_auc on five classes,
            // accuracy on multi-label) and lists the ones that do.
            MetricKind kind = MetricKind.fromName(metric);
            new EvalTask(type == TaskType.MULTI_LABEL ? EvalTask.Type.MULTI_LABEL : EvalTask.Type.SINGLE_LABEL,
                    classNames.size(), kind);
            metric = kind.metricName();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task '" + name + "': " + e.getMessage(), e);
        }
    }

    public int numClasses() {
        return classNames.size();
    }

    public boolean isMultiLabel() {
        return type == TaskType.MULTI_LABEL;
    }

    /** The metric the study would use for a generic dataset of this shape. */
    public static String defaultMetric(TaskType type, int numClasses) {
        if (type == TaskType.MULTI_LABEL) return MetricKind.MEAN_ROC_AUC.metricName();
        return (numClasses == 2 ? MetricKind.ROC_AUC : MetricKind.ACCURACY).metricName();
    }
}
