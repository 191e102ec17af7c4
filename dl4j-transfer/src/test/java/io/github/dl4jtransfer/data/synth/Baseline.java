package io.github.dl4jtransfer.data.synth;

import io.github.dl4jtransfer.data.Batch;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.pipeline.ImagePipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The "simple baseline" of the issue: logistic regression (softmax over classes, or one sigmoid per
 * label) on 16×16 downsampled, standardised pixels, trained by full-batch gradient descent with L2.
 * Pixels come through the real pipeline, so the baseline also checks that the pipeline delivers images
 * whose content carries the label.
 */
final class Baseline {

    static final int SIZE = 16;

    final boolean multi;
    final int k;
    double[][] w; // [k][d + 1], last column the bias
    double[] mu, sd;

    Baseline(boolean multi, int k) {
        this.multi = multi;
        this.k = k;
    }

    record Data(double[][] x, float[][] y, int[] label) {
    }

    static Data load(Dataset ds, List<Sample> samples) {
        Preprocessing p = Preprocessing.builder(SIZE).optMean(0.5, 0.5, 0.5).optStd(0.25, 0.25, 0.25).build();
        ImagePipeline pipe = ImagePipeline.builder(ds, samples, p).optBatchSize(64).build();
        List<double[]> xs = new ArrayList<>();
        List<float[]> ys = new ArrayList<>();
        List<Integer> ls = new ArrayList<>();
        for (Batch b : pipe.epoch(0)) {
            float[] img = b.images().data().asFloat();
            int d = img.length / b.size();
            for (int i = 0; i < b.size(); i++) {
                double[] x = new double[d];
                for (int j = 0; j < d; j++) x[j] = img[i * d + j];
                xs.add(x);
                if (ds.task().isMultiLabel()) {
                    ys.add(b.labels().getRow(i).toFloatVector());
                    ls.add(-1);
                } else {
                    ls.add(b.labels().getInt(i));
                    ys.add(null);
                }
            }
        }
        return new Data(xs.toArray(new double[0][]), ys.toArray(new float[0][]), ls.stream().mapToInt(Integer::intValue).toArray());
    }

    void fit(Data data, int iterations, double lr, double l2) {
        int n = data.x.length, d = data.x[0].length;
        mu = new double[d];
        sd = new double[d];
        for (double[] x : data.x) for (int j = 0; j < d; j++) mu[j] += x[j] / n;
        for (double[] x : data.x) for (int j = 0; j < d; j++) sd[j] += (x[j] - mu[j]) * (x[j] - mu[j]) / n;
        for (int j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) + 1e-6;
        double[][] xs = Arrays.stream(data.x).map(this::standardise).toArray(double[][]::new);
        w = new double[k][d + 1];
        double[][] grad = new double[k][d + 1];
        for (int it = 0; it < iterations; it++) {
            for (double[] g : grad) Arrays.fill(g, 0);
            for (int i = 0; i < n; i++) {
                double[] p = probabilities(xs[i]);
                for (int c = 0; c < k; c++) {
                    double target = multi ? data.y[i][c] : (data.label[i] == c ? 1 : 0);
                    double e = (p[c] - target) / n;
                    for (int j = 0; j < d; j++) grad[c][j] += e * xs[i][j];
                    grad[c][d] += e;
                }
            }
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) w[c][j] -= lr * (grad[c][j] + l2 * w[c][j]);
                w[c][d] -= lr * grad[c][d];
            }
        }
    }

    double[] standardise(double[] x) {
        double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) z[j] = (x[j] - mu[j]) / sd[j];
        return z;
    }

    /** Class probabilities (softmax) or per-label probabilities (sigmoid) of a standardised input. */
    double[] probabilities(double[] z) {
        double[] s = new double[k];
        int d = z.length;
        for (int c = 0; c < k; c++) {
            double v = w[c][d];
            for (int j = 0; j < d; j++) v += w[c][j] * z[j];
            s[c] = v;
        }
        if (multi) {
            for (int c = 0; c < k; c++) s[c] = 1 / (1 + Math.exp(-s[c]));
            return s;
        }
        double max = Arrays.stream(s).max().orElse(0), sum = 0;
        for (int c = 0; c < k; c++) sum += s[c] = Math.exp(s[c] - max);
        for (int c = 0; c < k; c++) s[c] /= sum;
        return s;
    }

    double[][] predict(Data data) {
        return Arrays.stream(data.x).map(x -> probabilities(standardise(x))).toArray(double[][]::new);
    }

    // ---------------------------------------------------------------- metrics (plain definitions)

    static int argmax(double[] p) {
        int b = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[b]) b = i;
        return b;
    }

    static double quadraticKappa(int[] truth, int[] pred, int k) {
        double[][] o = new double[k][k];
        double[] ht = new double[k], hp = new double[k];
        int n = truth.length;
        for (int i = 0; i < n; i++) {
            o[truth[i]][pred[i]]++;
            ht[truth[i]]++;
            hp[pred[i]]++;
        }
        double num = 0, den = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double wgt = (double) (i - j) * (i - j) / ((k - 1) * (k - 1));
                num += wgt * o[i][j];
                den += wgt * ht[i] * hp[j] / n;
            }
        }
        return den == 0 ? 0 : 1 - num / den;
    }

    static double balancedAccuracy(int[] truth, int[] pred, int k) {
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < k; c++) {
            int n = 0, hit = 0;
            for (int i = 0; i < truth.length; i++) {
                if (truth[i] == c) {
                    n++;
                    if (pred[i] == c) hit++;
                }
            }
            if (n > 0) {
                sum += (double) hit / n;
                classes++;
            }
        }
        return sum / classes;
    }

    /** Mann–Whitney AUC; NaN when one class is absent. */
    static double auc(double[] score, boolean[] positive) {
        double sum = 0;
        long pos = 0, neg = 0;
        for (int i = 0; i < score.length; i++) {
            if (!positive[i]) continue;
            pos++;
            for (int j = 0; j < score.length; j++) {
                if (positive[j]) continue;
                sum += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
            }
        }
        for (boolean p : positive) if (!p) neg++;
        return pos == 0 || neg == 0 ? Double.NaN : sum / (pos * neg);
    }
}
