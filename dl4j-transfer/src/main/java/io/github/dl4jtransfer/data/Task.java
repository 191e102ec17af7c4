package io.github.dl4jtransfer.data;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a dataset asks a model to predict and how the study scores it.
 *
 * @param name       short task name ("aptos2019"); used in file names (split manifests, caches)
 * @param type       single-label (binary = 2 classes) or multi-label
 * @param classNames class (single-label) or label (multi-label) names, in label-index order
 * @param metric     the study's headline metric, one of {@link #METRICS}
 */
public record Task(String name, TaskType type, List<String> classNames, String metric) {

    /** Metric names the evaluation package understands. */
    public static final Set<String> METRICS = Set.of(
            "quadratic_kappa", "balanced_accuracy", "roc_auc", "mean_roc_auc", "accuracy", "macro_f1");

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
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("task '" + name + "': unknown metric '" + metric
                    + "'; expected one of " + METRICS.stream().sorted().toList());
        }
        if (metric.equals("roc_auc") && !(type == TaskType.SINGLE_LABEL && classNames.size() == 2)) {
            throw new IllegalArgumentException("task '" + name + "': roc_auc needs a binary single-label task; use mean_roc_auc for multi-label");
        }
        if (metric.equals("mean_roc_auc") && type != TaskType.MULTI_LABEL) {
            throw new IllegalArgumentException("task '" + name + "': mean_roc_auc is for multi-label tasks; use roc_auc for binary");
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
        if (type == TaskType.MULTI_LABEL) return "mean_roc_auc";
        return numClasses == 2 ? "roc_auc" : "accuracy";
    }
}
