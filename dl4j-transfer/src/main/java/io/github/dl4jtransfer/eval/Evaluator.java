package io.github.dl4jtransfer.eval;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates logits and targets over batches and computes every metric of the {@link EvalTask}.
 *
 * <pre>{@code
 * Evaluator val = Evaluator.singleLabel(5).withPrimary("quadratic_kappa");
 * for (batch : loader) val.add(model.logits(batch.images()), batch.labels());
 * MetricReport r = val.report();   // r.primary(), r.summary(), r.confusionMatrix()
 * }</pre>
 *
 * <p>Logits are copied to double on {@link #add}; nothing holds on to ND4J buffers. Single-label predictions
 * are the argmax of the logits (first index on ties, as numpy). The AUCs are computed on scores that rank
 * exactly like the softmax / sigmoid probabilities but cannot round to ties: the logit margin z1 - z0 for
 * binary tasks (= logit of the positive-class probability), log-softmax for one-vs-rest, and the logits for
 * multi-label tasks. Probabilities in double saturate to 1.0 once a logit margin passes ~37, which would turn
 * confident, correctly ordered predictions into ties.
 *
 * <p>Scores that are already probabilities ({@link ScoreKind#PROBABILITIES}, {@link #withScores}: a kNN probe's
 * vote fractions) are ranked as they are: the binary AUC on p1, one-vs-rest on each p_c, the arg-max unchanged.
 *
 * <p>Metrics that are undefined on the data (see {@link UndefinedMetricException}) land in
 * {@link MetricReport#unavailable()} with the reason; malformed input fails in {@code add}. Not thread-safe.
 */
public final class Evaluator {

    private final EvalTask task;
    private final UndefinedLabelAuc undefinedLabelAuc;
    private final ScoreKind scoreKind;
    private final List<double[]> logits = new ArrayList<>();
    private final List<int[]> multiTargets = new ArrayList<>();
    private int[] classes = new int[64];

    public Evaluator(EvalTask task) {
        this(task, UndefinedLabelAuc.SKIP, ScoreKind.LOGITS);
    }

    private Evaluator(EvalTask task, UndefinedLabelAuc undefinedLabelAuc, ScoreKind scoreKind) {
        if (task == null) throw new IllegalArgumentException("task is null");
        if (undefinedLabelAuc == null) throw new IllegalArgumentException("undefinedLabelAuc is null");
        if (scoreKind == null) throw new IllegalArgumentException("scoreKind is null");
        this.task = task;
        this.undefinedLabelAuc = undefinedLabelAuc;
        this.scoreKind = scoreKind;
    }

    public static Evaluator of(EvalTask task) {
        return new Evaluator(task);
    }

    public static Evaluator singleLabel(int numClasses) {
        return new Evaluator(EvalTask.singleLabel(numClasses));
    }

    public static Evaluator multiLabel(int numLabels) {
        return new Evaluator(EvalTask.multiLabel(numLabels));
    }

    /** A fresh, empty evaluator for the same task with the primary metric named {@code metricName}. */
    public Evaluator withPrimary(String metricName) {
        return new Evaluator(task.withPrimary(metricName), undefinedLabelAuc, scoreKind);
    }

    /**
     * A fresh, empty evaluator whose multi-label mean ROC AUC treats labels with one class in y_true by
     * {@code rule}: {@link UndefinedLabelAuc#SKIP} (the default) or the study's {@link UndefinedLabelAuc#HALF}.
     */
    public Evaluator withUndefinedLabelAuc(UndefinedLabelAuc rule) {
        return new Evaluator(task, rule, scoreKind);
    }

    /** A fresh, empty evaluator that reads the scores it is given as {@code kind} (logits unless told). */
    public Evaluator withScores(ScoreKind kind) {
        return new Evaluator(task, undefinedLabelAuc, kind);
    }

    public ScoreKind scoreKind() {
        return scoreKind;
    }

    public UndefinedLabelAuc undefinedLabelAuc() {
        return undefinedLabelAuc;
    }

    public EvalTask task() {
        return task;
    }

    /** Samples added since construction or the last {@link #reset()}. */
    public int count() {
        return logits.size();
    }

    public void reset() {
        logits.clear();
        multiTargets.clear();
    }

    /**
     * Adds a batch.
     *
     * @param batchLogits (B, C) raw model outputs, before softmax / sigmoid
     * @param targets     single-label: class indices, shape (B) or (B, 1), or one-hot (B, C);
     *                    multi-label: (B, L) of 0 / 1
     */
    public Evaluator add(INDArray batchLogits, INDArray targets) {
        if (targets == null) throw new IllegalArgumentException("targets are null");
        double[][] z = logitRows(batchLogits);
        if (task.isMultiLabel()) {
            addMulti(z, toMatrix(targets, "targets"));
        } else {
            addSingle(z, classIndices(targets, z.length));
        }
        return this;
    }

    /** Adds a single-label batch with targets given as class indices. */
    public Evaluator add(INDArray batchLogits, int[] targetClasses) {
        if (task.isMultiLabel()) {
            throw new IllegalArgumentException("class-index targets given to " + task + "; pass (B, L) 0/1 targets");
        }
        if (targetClasses == null) throw new IllegalArgumentException("targets are null");
        double[][] z = logitRows(batchLogits);
        addSingle(z, targetClasses.clone());
        return this;
    }

    /** Adds single-label rows given as arrays: per-class scores and the class index of each row. */
    public Evaluator add(double[][] scores, int[] targetClasses) {
        if (task.isMultiLabel()) {
            throw new IllegalArgumentException("class-index targets given to " + task + "; pass (B, L) 0/1 targets");
        }
        if (targetClasses == null) throw new IllegalArgumentException("targets are null");
        addSingle(checkedRows(scores), targetClasses.clone());
        return this;
    }

    /** Adds multi-label rows given as arrays: per-label scores and 0/1 targets. */
    public Evaluator add(double[][] scores, int[][] targets) {
        if (!task.isMultiLabel()) throw new IllegalArgumentException("0/1 target rows given to " + task + "; pass class indices");
        if (targets == null) throw new IllegalArgumentException("targets are null");
        double[][] t = new double[targets.length][];
        for (int i = 0; i < t.length; i++) t[i] = java.util.Arrays.stream(targets[i]).asDoubleStream().toArray();
        addMulti(checkedRows(scores), t);
        return this;
    }

    /** A fresh, empty evaluator with this one's task, AUC rule and score kind. */
    public Evaluator empty() {
        return new Evaluator(task, undefinedLabelAuc, scoreKind);
    }

    /** What was added so far, as arrays: the per-image scores and targets that metrics (and resamples of them) read. */
    public ScoredImages scored() {
        double[][] z = logits.toArray(new double[0][]);
        return task.isMultiLabel() ? ScoredImages.multiLabel(z, multiTargets.toArray(new int[0][]))
                : ScoredImages.singleLabel(z, Arrays.copyOf(classes, logits.size()));
    }

    /** One-shot evaluation of a single batch, independent of anything accumulated. */
    public MetricReport evaluate(INDArray batchLogits, INDArray targets) {
        return new Evaluator(task, undefinedLabelAuc, scoreKind).add(batchLogits, targets).report();
    }

    /** Computes every metric of the task over all samples added so far. */
    public MetricReport report() {
        if (logits.isEmpty()) throw new IllegalStateException("no samples to evaluate for " + task);
        return task.isMultiLabel() ? reportMulti() : reportSingle();
    }

    // ---- single-label ----------------------------------------------------------------------------------

    private void addSingle(double[][] z, int[] y) {
        if (y.length != z.length) {
            throw new IllegalArgumentException("batch size mismatch: logits have " + z.length + " rows, targets "
                    + y.length);
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= task.outputs()) {
                throw new IllegalArgumentException("target class " + y[i] + " at row " + i + " is outside [0, "
                        + (task.outputs() - 1) + "] for " + task);
            }
        }
        int n = logits.size();
        if (classes.length < n + y.length) classes = Arrays.copyOf(classes, Math.max(2 * classes.length, n + y.length));
        System.arraycopy(y, 0, classes, n, y.length);
        logits.addAll(Arrays.asList(z));
    }

    private MetricReport reportSingle() {
        int n = logits.size();
        int c = task.outputs();
        int[] y = Arrays.copyOf(classes, n);
        int[] pred = new int[n];
        for (int i = 0; i < n; i++) pred[i] = argmax(logits.get(i));

        Map<MetricKind, Double> values = new EnumMap<>(MetricKind.class);
        Map<MetricKind, String> unavailable = new EnumMap<>(MetricKind.class);
        values.put(MetricKind.ACCURACY, Metrics.accuracy(y, pred));
        values.put(MetricKind.BALANCED_ACCURACY, Metrics.balancedAccuracy(y, pred));
        values.put(MetricKind.MACRO_F1, Metrics.macroF1(y, pred));
        attempt(MetricKind.QUADRATIC_KAPPA, values, unavailable, () -> Metrics.quadraticWeightedKappa(y, pred, c));
        if (c == 2) {
            double[] margin = new double[n];
            boolean p = scoreKind == ScoreKind.PROBABILITIES;
            for (int i = 0; i < n; i++) margin[i] = p ? logits.get(i)[1] : logits.get(i)[1] - logits.get(i)[0];
            attempt(MetricKind.ROC_AUC, values, unavailable, () -> Metrics.rocAuc(y, margin));
        } else {
            double[][] logProbs = new double[n][];
            for (int i = 0; i < n; i++) {
                logProbs[i] = scoreKind == ScoreKind.PROBABILITIES ? logits.get(i).clone() : logSoftmax(logits.get(i));
            }
            attempt(MetricKind.MACRO_ROC_AUC_OVR, values, unavailable, () -> Metrics.rocAucOvrScores(y, logProbs));
        }
        return new MetricReport(task, n, values, unavailable, Metrics.confusionMatrix(y, pred, c), null, null);
    }

    /** Index of the largest logit, the first one on ties (numpy.argmax). */
    static int argmax(double[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) best = k;
        }
        return best;
    }

    /**
     * log p_k = z_k - max - log1p(sum over the other classes of exp(z_j - max)). Excluding the arg-max term
     * from the sum and using log1p keeps the top class's log-probability distinct from 0 for confident rows.
     */
    static double[] logSoftmax(double[] z) {
        int top = argmax(z);
        double max = z[top];
        double rest = 0;
        for (int k = 0; k < z.length; k++) {
            if (k != top) rest += Math.exp(z[k] - max);
        }
        double logNorm = Math.log1p(rest);
        double[] out = new double[z.length];
        for (int k = 0; k < z.length; k++) out[k] = (z[k] - max) - logNorm;
        return out;
    }

    // ---- multi-label -----------------------------------------------------------------------------------

    private void addMulti(double[][] z, double[][] t) {
        if (t.length != z.length) {
            throw new IllegalArgumentException("batch size mismatch: logits have " + z.length + " rows, targets "
                    + t.length);
        }
        int[][] rows = new int[t.length][];
        for (int i = 0; i < t.length; i++) {
            if (t[i].length != task.outputs()) {
                throw new IllegalArgumentException("targets have " + t[i].length + " columns, expected "
                        + task.outputs() + " for " + task);
            }
            rows[i] = new int[t[i].length];
            for (int j = 0; j < t[i].length; j++) {
                double v = t[i][j];
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException("multi-label targets must be 0 or 1; found " + v + " at ("
                            + i + ", " + j + ")");
                }
                rows[i][j] = (int) v;
            }
        }
        logits.addAll(Arrays.asList(z));
        multiTargets.addAll(Arrays.asList(rows));
    }

    private MetricReport reportMulti() {
        int n = logits.size();
        int[][] y = multiTargets.toArray(new int[0][]);
        double[][] scores = logits.toArray(new double[0][]);
        Map<MetricKind, Double> values = new EnumMap<>(MetricKind.class);
        Map<MetricKind, String> unavailable = new EnumMap<>(MetricKind.class);
        double[] perLabel;
        int[] skipped;
        try {
            MultiLabelAuc auc = Metrics.meanRocAuc(y, scores, undefinedLabelAuc);
            values.put(MetricKind.MEAN_ROC_AUC, auc.mean());
            perLabel = auc.perLabel();
            skipped = auc.skippedLabels();
        } catch (UndefinedMetricException e) {
            unavailable.put(MetricKind.MEAN_ROC_AUC, e.getMessage());
            perLabel = new double[task.outputs()];
            Arrays.fill(perLabel, Double.NaN);
            skipped = java.util.stream.IntStream.range(0, task.outputs()).toArray();
        }
        return new MetricReport(task, n, values, unavailable, null, perLabel, skipped);
    }

    // ---- shared ----------------------------------------------------------------------------------------

    private interface Computation {
        double compute();
    }

    /** Runs a metric that may be undefined on this data, recording the value or the reason. */
    private static void attempt(MetricKind kind, Map<MetricKind, Double> values, Map<MetricKind, String> unavailable,
                                Computation computation) {
        try {
            values.put(kind, computation.compute());
        } catch (UndefinedMetricException e) {
            unavailable.put(kind, e.getMessage());
        }
    }

    private double[][] logitRows(INDArray batchLogits) {
        if (batchLogits == null) throw new IllegalArgumentException("logits are null");
        long[] shape = batchLogits.shape();
        if (shape.length != 2 || shape[1] != task.outputs()) {
            throw new IllegalArgumentException("logits must have shape (B, " + task.outputs() + ") for " + task
                    + ", got " + Arrays.toString(shape));
        }
        double[][] z = toMatrix(batchLogits, "logits");
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z[i].length; j++) {
                if (Double.isNaN(z[i][j])) {
                    throw new IllegalArgumentException("logits contain NaN at (" + i + ", " + j
                            + "); the model output is not finite");
                }
            }
        }
        return z;
    }

    private double[][] checkedRows(double[][] scores) {
        if (scores == null) throw new IllegalArgumentException("scores are null");
        double[][] z = new double[scores.length][];
        for (int i = 0; i < z.length; i++) {
            if (scores[i].length != task.outputs()) {
                throw new IllegalArgumentException("score row " + i + " has " + scores[i].length + " columns, expected "
                        + task.outputs() + " for " + task);
            }
            for (int j = 0; j < scores[i].length; j++) {
                if (Double.isNaN(scores[i][j])) throw new IllegalArgumentException("scores contain NaN at (" + i + ", " + j + ")");
            }
            z[i] = scores[i].clone();
        }
        return z;
    }

    private int[] classIndices(INDArray targets, int batch) {
        long[] shape = targets.shape();
        int c = task.outputs();
        if (shape.length == 2 && shape[1] == c) return fromOneHot(toMatrix(targets, "targets"));
        double[] flat;
        if (shape.length == 1 || (shape.length == 2 && shape[1] == 1)) {
            flat = shape[0] == 0 ? new double[0] : targets.reshape(shape[0]).toDoubleVector();
        } else {
            throw new IllegalArgumentException("single-label targets must be class indices (B) or (B, 1), or one-hot"
                    + " (B, " + c + "); got shape " + Arrays.toString(shape));
        }
        int[] y = new int[flat.length];
        for (int i = 0; i < flat.length; i++) {
            if (flat[i] != Math.rint(flat[i])) {
                throw new IllegalArgumentException("class index at row " + i + " is not an integer: " + flat[i]);
            }
            y[i] = (int) flat[i];
        }
        return y;
    }

    private int[] fromOneHot(double[][] t) {
        int[] y = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            int hot = -1;
            for (int k = 0; k < t[i].length; k++) {
                double v = t[i][k];
                if (v == 1 && hot < 0) {
                    hot = k;
                } else if (v != 0) {
                    throw new IllegalArgumentException("one-hot targets must have exactly one 1 per row; row " + i
                            + " is " + Arrays.toString(t[i]));
                }
            }
            if (hot < 0) {
                throw new IllegalArgumentException("one-hot targets must have exactly one 1 per row; row " + i
                        + " is all zeros");
            }
            y[i] = hot;
        }
        return y;
    }

    private static double[][] toMatrix(INDArray a, String what) {
        long[] shape = a.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(what + " must be a (B, K) matrix, got shape " + Arrays.toString(shape));
        }
        if (shape[0] == 0) return new double[0][];
        return a.toDoubleMatrix();
    }
}
