package io.github.dl4jtransfer.eval;

/**
 * The input is well-formed but the metric has no value on it (ROC AUC with one class in y_true, kappa when
 * both raters use one identical class). Kept apart from other {@link IllegalArgumentException}s (length
 * mismatch, labels out of range: caller bugs) so that {@link Evaluator} can report the metric as
 * unavailable on a degenerate validation split instead of aborting a training run.
 */
public final class UndefinedMetricException extends IllegalArgumentException {

    private final MetricKind metric;

    public UndefinedMetricException(MetricKind metric, String reason) {
        super(metric.metricName() + ": " + reason);
        this.metric = metric;
    }

    public MetricKind metric() {
        return metric;
    }
}
