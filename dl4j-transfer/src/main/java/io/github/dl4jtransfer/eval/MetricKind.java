package io.github.dl4jtransfer.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The metrics the study reports. The {@link #metricName() name} is the stable key used in configs, result
 * files and {@link #fromName(String)}; the {@link #label() label} is for compact console tables.
 */
public enum MetricKind {
    ACCURACY("accuracy", "acc", true),
    /** Macro recall over the classes present in y_true (sklearn {@code balanced_accuracy_score}). */
    BALANCED_ACCURACY("balanced_accuracy", "bal.acc", true),
    MACRO_F1("macro_f1", "F1", true),
    /** Binary ROC AUC (single-label tasks with two classes; score = positive-class probability). */
    ROC_AUC("roc_auc", "AUC", true),
    /** Multiclass one-vs-rest ROC AUC, unweighted mean over classes. */
    MACRO_ROC_AUC_OVR("roc_auc_ovr", "AUC-ovr", true),
    /** Multi-label: mean of the per-label ROC AUCs (labels with one class in y_true are skipped). */
    MEAN_ROC_AUC("mean_roc_auc", "mAUC", true),
    /** Cohen's kappa with quadratic weights over class indices (ordinal grades, e.g. APTOS). */
    QUADRATIC_KAPPA("quadratic_kappa", "κ²", true);

    private final String name;
    private final String label;
    private final boolean higherIsBetter;

    MetricKind(String name, String label, boolean higherIsBetter) {
        this.name = name;
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    /** Stable lower-case key, e.g. {@code "balanced_accuracy"}. */
    public String metricName() {
        return name;
    }

    /** Short display label, e.g. {@code "bal.acc"}. */
    public String label() {
        return label;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Whether {@code candidate} improves on {@code best}: the rule of checkpoint selection and of the
     * learning-rate grid (train.BestCheckpoint, train.LinearProbe). NaN never improves; anything
     * that is not NaN improves on a NaN best, so the first real value always wins. Ties do not improve, so
     * the earliest epoch with the best value is kept.
     */
    public boolean isBetter(double candidate, double best) {
        if (Double.isNaN(candidate)) return false;
        if (Double.isNaN(best)) return true;
        return higherIsBetter ? candidate > best : candidate < best;
    }

    /** Case-insensitive lookup by {@link #metricName()}; unknown names fail with the list of known ones. */
    public static MetricKind fromName(String name) {
        if (name != null) {
            String key = name.trim().toLowerCase(Locale.ROOT);
            for (MetricKind k : values()) {
                if (k.name.equals(key)) return k;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + name + "'; known metrics: " + knownNames());
    }

    static String knownNames() {
        return Arrays.stream(values()).map(MetricKind::metricName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return name;
    }
}
