package io.github.dl4jtransfer.graph;

/**
 * ONNX Resize along one axis as a matrix: output[j] = Σ_i A[j][i] · input[i]. Resizing is linear in the
 * input for every mode, so a resize is a product with these constant matrices, one per resized axis; that is
 * exact to the ONNX definition, differentiable through matmul, and independent of libnd4j's resize kernels
 * (its bicubic differs from torch's by 2e-3).
 *
 * <p>Follows the ONNX operator definition (opset 11–19): the output coordinate is mapped to the input by the
 * coordinate transformation mode; nearest picks one sample, linear two, cubic four (Keys' kernel with
 * {@code cubicCoeffA}); samples beyond the edge repeat the edge (torch's clamped reads), or, with
 * {@code excludeOutside}, get weight 0 and the rest are renormalised.
 */
record Interpolation(String mode, String coordinateMode, String nearestMode, double cubicCoeffA, boolean excludeOutside) {

    Interpolation {
        switch (mode) {
            case "nearest", "linear", "cubic" -> { }
            default -> throw new UnsupportedOpException("Resize mode '" + mode + "' is not supported");
        }
        switch (coordinateMode) {
            case "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn" -> { }
            default -> throw new UnsupportedOpException("Resize coordinate_transformation_mode '" + coordinateMode
                    + "' is not supported (supported: half_pixel, pytorch_half_pixel, align_corners, asymmetric, "
                    + "tf_half_pixel_for_nn)");
        }
        switch (nearestMode) {
            case "round_prefer_floor", "round_prefer_ceil", "floor", "ceil" -> { }
            default -> throw new UnsupportedOpException("Resize nearest_mode '" + nearestMode + "' is not supported");
        }
    }

    /**
     * @param in    input length
     * @param out   output length
     * @param scale the scale ONNX uses in the coordinate mapping: the given scale, or out / in where sizes were given
     * @return A, [out][in]
     */
    double[][] matrix(int in, int out, double scale) {
        double[][] a = new double[out][in];
        for (int j = 0; j < out; j++) {
            double x = source(j, in, out, scale);
            switch (mode) {
                case "nearest" -> a[j][clamp(nearest(x), in)] = 1;
                case "linear" -> spread(a[j], in, x, 2, r -> new double[]{1 - r, r});
                default -> spread(a[j], in, x, 4, this::cubic);
            }
        }
        return a;
    }

    /** The input coordinate of output index j. */
    private double source(int j, int in, int out, double scale) {
        return switch (coordinateMode) {
            case "half_pixel" -> (j + 0.5) / scale - 0.5;
            case "pytorch_half_pixel" -> out > 1 ? (j + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> out == 1 ? 0 : j * (in - 1.0) / (out - 1.0);
            case "tf_half_pixel_for_nn" -> (j + 0.5) / scale;
            default -> j / scale;
        };
    }

    private long nearest(double x) {
        return switch (nearestMode) {
            case "floor" -> (long) Math.floor(x);
            case "ceil" -> (long) Math.ceil(x);
            case "round_prefer_ceil" -> (long) Math.floor(x + 0.5);
            default -> (long) Math.ceil(x - 0.5);   // round_prefer_floor: halves go down
        };
    }

    private static int clamp(long i, int n) {
        return (int) Math.max(0, Math.min(n - 1, i));
    }

    private interface Kernel {
        double[] weights(double ratio);
    }

    /** Adds the taps of sample coordinate x: taps = 2 from floor(x), or 4 from floor(x) - 1. */
    private void spread(double[] row, int in, double x, int taps, Kernel kernel) {
        long base = (long) Math.floor(x);
        double[] w = kernel.weights(x - base);
        long first = base - (taps / 2 - 1);
        if (excludeOutside) {
            double sum = 0;
            for (int t = 0; t < taps; t++) {
                long i = first + t;
                if (i < 0 || i >= in) w[t] = 0;
                sum += w[t];
            }
            for (int t = 0; t < taps; t++) w[t] /= sum;
        }
        for (int t = 0; t < taps; t++) row[clamp(first + t, in)] += w[t];
    }

    /** Keys' cubic convolution weights for the taps at distances 1 + r, r, 1 - r, 2 - r. */
    private double[] cubic(double r) {
        double a = cubicCoeffA;
        return new double[]{far(r + 1, a), near(r, a), near(1 - r, a), far(2 - r, a)};
    }

    private static double near(double d, double a) {
        return ((a + 2) * d - (a + 3)) * d * d + 1;
    }

    private static double far(double d, double a) {
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
    }
}
