package io.github.dl4jtransfer.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.stream.IntStream;

/**
 * k-nearest-neighbour votes on frozen features by cosine similarity: the {@code frozen-knn} scenario, as MedMNIST+
 * (k = 11, majority votes) and DINO's kNN evaluation (k = 20, votes weighted by exp(similarity / 0.07)) measure
 * a backbone without training anything.
 *
 * <p>Scores are vote fractions: for a query, the k training images with the highest cosine similarity each vote
 * with weight w = 1 ({@code temperature} 0) or w = exp(similarity / T), and the score of class (or label) c is
 * Σ w·y_c / Σ w, where y is the neighbour's one-hot class or multi-hot label row. Single-label scores are thus
 * class probabilities (the predicted class is the largest), multi-label ones the weighted fraction of neighbours
 * positive for each label — ranks the ROC AUC reads. They are probabilities, not logits: evaluate them as such
 * ({@code eval.ScoreKind.PROBABILITIES}).
 *
 * <p>Ties are broken explicitly, so a result never depends on a sort's whims:
 * <ul>
 *   <li>equal similarity at the k-th place: the training image earlier in the training split's order wins (the
 *       neighbours are the first k of the order: similarity descending, then training index ascending);</li>
 *   <li>equal vote totals: the scores stay equal (an AUC counts the tie as half), and the predicted class is the
 *       lowest class index among the tied ones, the evaluator's arg-max rule.</li>
 * </ul>
 * Similarities are computed in double precision from the float features, row by row with one summation order, so
 * bit-identical feature rows always tie; rows that are only mathematically equidistant may differ in the last bit.
 * A zero feature vector has similarity 0 to everything. k larger than the training split means all of it.
 *
 * <p>Cost: one dot product per (query, training image) pair, in plain Java over the cores — about N·M·D
 * multiply-adds for N training and M query images of dimension D; no ND4J product, whose blocked summation
 * could split exact ties.
 */
public final class KnnProbe {

    /** The k neighbours of one query in vote order (most similar first), with their similarities. */
    public record Neighbours(int[] indices, double[] similarities) {
    }

    private final double[][] train;
    private final double[][] targets;
    private final int k;
    private final double temperature;

    private KnnProbe(double[][] train, double[][] targets, int k, double temperature) {
        if (train.length == 0) throw new IllegalArgumentException("kNN needs at least one training image");
        if (train.length != targets.length) {
            throw new IllegalArgumentException(train.length + " training features but " + targets.length + " label rows");
        }
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        this.train = train;
        this.targets = targets;
        this.k = Math.min(k, train.length);
        this.temperature = temperature;
    }

    /**
     * @param features    (N, D) training features
     * @param labels      as a batch source delivers them: class indices (N) or (N, 1) for single-label tasks, (N, L)
     *                    multi-hot for multi-label ones
     * @param head        the task's outputs
     * @param k           neighbours that vote
     * @param temperature 0 for one vote each, else the T of exp(similarity / T)
     */
    public static KnnProbe fit(INDArray features, INDArray labels, HeadSpec head, int k, double temperature) {
        double[][] x = rows(features, "training features");
        INDArray classes = !head.multiLabel() && labels.rank() == 2 && labels.size(1) == 1 ? labels.reshape(labels.size(0)) : labels;
        double[][] y = TransferModel.labelMatrix(head, classes).castTo(DataType.DOUBLE).toDoubleMatrix();
        return of(x, y, k, temperature);
    }

    /** From plain arrays: {@code targets} (N, K) one-hot or multi-hot rows. */
    public static KnnProbe of(double[][] features, double[][] targets, int k, double temperature) {
        double[][] normalised = new double[features.length][];
        for (int i = 0; i < features.length; i++) normalised[i] = unit(features[i], "training feature row " + i);
        return new KnnProbe(normalised, targets, k, temperature);
    }

    /** The neighbours that vote: min(k, training images). */
    public int k() {
        return k;
    }

    public double temperature() {
        return temperature;
    }

    /** Scores (B, K) of a batch of query features (B, D), as a double array. */
    public INDArray scores(INDArray features) {
        return Nd4j.createFromArray(scores(rows(features, "query features")));
    }

    /** Scores of each query row; rows in parallel over the cores. */
    public double[][] scores(double[][] queries) {
        double[][] out = new double[queries.length][];
        IntStream.range(0, queries.length).parallel().forEach(i -> out[i] = vote(neighbours(queries[i])));
        return out;
    }

    /** The k training images closest to {@code query} by cosine similarity, ties to the earlier training index. */
    public Neighbours neighbours(double[] query) {
        double[] q = unit(query, "query");
        if (q.length != train[0].length) {
            throw new IllegalArgumentException("query has " + q.length + " features, the training split " + train[0].length);
        }
        // The best k so far, best first. Training images come in index order, so a newcomer that only equals a kept
        // similarity goes after it, and one that equals the k-th is turned away: the earlier index wins the tie.
        int[] idx = new int[k];
        double[] sim = new double[k];
        int count = 0;
        for (int j = 0; j < train.length; j++) {
            double s = dot(q, train[j]);
            if (count == k) {
                if (!(s > sim[k - 1])) continue;
                count--; // the k-th makes room
            }
            int pos = count;
            while (pos > 0 && sim[pos - 1] < s) {
                sim[pos] = sim[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            sim[pos] = s;
            idx[pos] = j;
            count++;
        }
        return new Neighbours(idx, sim);
    }

    /** The vote fractions of these neighbours: Σ w·y / Σ w, summed in vote order. */
    double[] vote(Neighbours n) {
        int outputs = targets[0].length;
        double[] sum = new double[outputs];
        double total = 0;
        // exp((s - s_max) / T): the common factor exp(s_max / T) cancels in the fraction and cannot overflow.
        double top = n.similarities()[0];
        for (int i = 0; i < n.indices().length; i++) {
            double w = temperature == 0 ? 1.0 : Math.exp((n.similarities()[i] - top) / temperature);
            double[] y = targets[n.indices()[i]];
            for (int c = 0; c < outputs; c++) sum[c] += w * y[c];
            total += w;
        }
        for (int c = 0; c < outputs; c++) sum[c] /= total;
        return sum;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) s += a[d] * b[d];
        return s;
    }

    /** {@code v} / ‖v‖ in double; a zero vector stays zero (similarity 0 to everything). */
    private static double[] unit(double[] v, String what) {
        double ss = 0;
        for (double x : v) {
            if (!Double.isFinite(x)) throw new IllegalArgumentException(what + " is not finite: " + x);
            ss += x * x;
        }
        double norm = Math.sqrt(ss);
        double[] out = new double[v.length];
        if (norm == 0) return out;
        for (int d = 0; d < v.length; d++) out[d] = v[d] / norm;
        return out;
    }

    private static double[][] rows(INDArray a, String what) {
        if (a.rank() != 2) throw new IllegalArgumentException(what + " must be (N, D), got rank " + a.rank());
        return a.castTo(DataType.DOUBLE).toDoubleMatrix();
    }
}
