package io.github.dl4jtransfer.train;

import java.nio.FloatBuffer;

/**
 * A linear head's loss and gradients on a batch of cached features, in plain Java loops over float buffers (the
 * arrays' own memory where they are dense). For the heads a linear probe trains (768 × 5 on batches of 8) the work
 * is ~60 k multiply-adds, less than the fixed cost of the dozen ND4J ops it took before (docs/performance.md).
 * Sums run in double; the loss is torch's (mean softmax cross-entropy over the batch, log-sum-exp stabilised, or
 * mean sigmoid BCE with logits over every element).
 */
final class HeadStep {

    private HeadStep() {
    }

    /** Logits z = x·w + b for x [n, d] and w [d, k], row-major. */
    static double[] logits(FloatBuffer x, FloatBuffer w, FloatBuffer b, int n, int d, int k) {
        double[] z = new double[n * k];
        for (int i = 0; i < n; i++) {
            int zi = i * k;
            for (int c = 0; c < k; c++) z[zi + c] = b.get(c);
            for (int j = 0; j < d; j++) {
                double xv = x.get(i * d + j);
                if (xv == 0) continue;
                int wj = j * k;
                for (int c = 0; c < k; c++) z[zi + c] += xv * w.get(wj + c);
            }
        }
        return z;
    }

    /**
     * Softmax cross-entropy against one-hot (or soft) targets y [n, k]; writes dL/dw into {@code gw} [d, k] and dL/db
     * into {@code gb} [k] (dz = (softmax(z) − y) / n) and returns the mean loss.
     */
    static double softmaxCrossEntropy(FloatBuffer x, FloatBuffer w, FloatBuffer b, FloatBuffer y, int n, int d, int k,
                                      FloatBuffer gw, FloatBuffer gb) {
        double[] z = logits(x, w, b, n, d, k);
        double loss = 0;
        double[] dz = new double[n * k];
        for (int i = 0; i < n; i++) {
            int o = i * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) max = Math.max(max, z[o + c]);
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(z[o + c] - max);
            double logSum = Math.log(sum);
            for (int c = 0; c < k; c++) {
                double logp = z[o + c] - max - logSum;
                loss -= y.get(o + c) * logp;
                dz[o + c] = (Math.exp(logp) - y.get(o + c)) / n;
            }
        }
        gradients(x, dz, n, d, k, gw, gb);
        return loss / n;
    }

    /** Sigmoid BCE with logits against y [n, k] in [0, 1], mean over all n·k elements (dz = (σ(z) − y) / (n·k)). */
    static double sigmoidBce(FloatBuffer x, FloatBuffer w, FloatBuffer b, FloatBuffer y, int n, int d, int k,
                             FloatBuffer gw, FloatBuffer gb) {
        double[] z = logits(x, w, b, n, d, k);
        double loss = 0;
        int m = n * k;
        double[] dz = new double[m];
        for (int e = 0; e < m; e++) {
            double v = z[e];
            loss += Math.max(v, 0) - v * y.get(e) + Math.log1p(Math.exp(-Math.abs(v)));
            dz[e] = (1 / (1 + Math.exp(-v)) - y.get(e)) / m;
        }
        gradients(x, dz, n, d, k, gw, gb);
        return loss / m;
    }

    /** gw = xᵀ·dz [d, k], gb = Σ_rows dz [k]. */
    private static void gradients(FloatBuffer x, double[] dz, int n, int d, int k, FloatBuffer gw, FloatBuffer gb) {
        double[] w = new double[d * k];
        double[] b = new double[k];
        for (int i = 0; i < n; i++) {
            int o = i * k;
            for (int c = 0; c < k; c++) b[c] += dz[o + c];
            for (int j = 0; j < d; j++) {
                double xv = x.get(i * d + j);
                if (xv == 0) continue;
                int wj = j * k;
                for (int c = 0; c < k; c++) w[wj + c] += xv * dz[o + c];
            }
        }
        for (int e = 0; e < w.length; e++) gw.put(e, (float) w[e]);
        for (int c = 0; c < k; c++) gb.put(c, (float) b[c]);
    }
}
