package io.github.dl4jtransfer.eval;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What is evaluated: a single-label task with {@code outputs} classes (softmax) or a multi-label task with
 * {@code outputs} labels (sigmoid), and the primary metric that selects checkpoints. The primary metric is
 * a per-dataset choice (APTOS: quadratic_kappa, ISIC: balanced_accuracy, CheXpert: mean_roc_auc), hence
 * {@link #withPrimary(String)} by name.
 */
public record EvalTask(Type type, int outputs, MetricKind primary) {

    public enum Type { SINGLE_LABEL, MULTI_LABEL }

    public EvalTask {
        if (type == null) throw new IllegalArgumentException("task type is null");
        if (type == Type.SINGLE_LABEL && outputs < 2) {
            throw new IllegalArgumentException("a single-label task needs at least 2 classes, got " + outputs);
        }
        if (type == Type.MULTI_LABEL && outputs < 1) {
            throw new IllegalArgumentException("a multi-label task needs at least 1 label, got " + outputs);
        }
        if (primary == null) throw new IllegalArgumentException("primary metric is null");
        Set<MetricKind> applicable = applicable(type, outputs);
        if (!applicable.contains(primary)) {
            throw new IllegalArgumentException("primary metric " + primary.metricName() + " does not apply to "
                    + describe(type, outputs) + "; applicable: "
                    + applicable.stream().map(MetricKind::metricName).collect(Collectors.joining(", ")));
        }
    }

    /** Single-label with {@code numClasses} classes; primary metric accuracy until {@link #withPrimary}. */
    public static EvalTask singleLabel(int numClasses) {
        return new EvalTask(Type.SINGLE_LABEL, numClasses, MetricKind.ACCURACY);
    }

    /** Multi-label with {@code numLabels} labels; primary (and only) metric mean_roc_auc. */
    public static EvalTask multiLabel(int numLabels) {
        return new EvalTask(Type.MULTI_LABEL, numLabels, MetricKind.MEAN_ROC_AUC);
    }

    /** Same task, primary metric looked up by {@link MetricKind#fromName name}; must apply to the task. */
    public EvalTask withPrimary(String metricName) {
        return withPrimary(MetricKind.fromName(metricName));
    }

    public EvalTask withPrimary(MetricKind metric) {
        return new EvalTask(type, outputs, metric);
    }

    public boolean isMultiLabel() {
        return type == Type.MULTI_LABEL;
    }

    /** Every metric an {@link Evaluator} computes for this task, in {@link MetricKind} order. */
    public Set<MetricKind> metrics() {
        return applicable(type, outputs);
    }

    private static Set<MetricKind> applicable(Type type, int outputs) {
        if (type == Type.MULTI_LABEL) return EnumSet.of(MetricKind.MEAN_ROC_AUC);
        EnumSet<MetricKind> set = EnumSet.of(MetricKind.ACCURACY, MetricKind.BALANCED_ACCURACY,
                MetricKind.MACRO_F1, MetricKind.QUADRATIC_KAPPA);
        set.add(outputs == 2 ? MetricKind.ROC_AUC : MetricKind.MACRO_ROC_AUC_OVR);
        return set;
    }

    private static String describe(Type type, int outputs) {
        return type == Type.MULTI_LABEL ? "a multi-label task with " + outputs + " labels"
                : "a single-label task with " + outputs + " classes";
    }

    @Override
    public String toString() {
        return describe(type, outputs) + " (primary " + primary.metricName() + ")";
    }
}
