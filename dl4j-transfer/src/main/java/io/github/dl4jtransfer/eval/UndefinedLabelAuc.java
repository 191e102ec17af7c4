package io.github.dl4jtransfer.eval;

/**
 * What {@link Metrics#meanRocAuc(int[][], double[][], UndefinedLabelAuc)} does with a label whose AUC is
 * undefined because its y_true column holds one class only (a rare finding absent from a small split).
 *
 * <p>The choice moves the headline number: with {@link #HALF} a split without, say, any "Pleural Other"
 * positive pulls the mean towards 0.5 whatever the model does; with {@link #SKIP} the mean is over fewer
 * labels. Results made under different rules do not compare.
 */
public enum UndefinedLabelAuc {

    /** Ours and the default: the label is left out of the mean (and listed as skipped). */
    SKIP,

    /**
     * The study's rule: the label counts 0.5 and the mean is over all labels (Palés Huix et al., WACV 2024,
     * repository joanaapa/Foundation-Medical, {@code utils/metrics.py} {@code mean_roc_auc}, lines 29–39:
     * {@code auc = 0.5} unless the column has a positive, then divided by the number of labels). Their code
     * checks for positives only; a column of positives alone makes scikit-learn raise there, and counts 0.5
     * here too.
     */
    HALF
}
