package io.github.dl4jtransfer.data.image;

/**
 * A decoded image as three float planes (R, G, B; channel-major, row-major) with values in [0, 1].
 * Grayscale sources are replicated into three identical planes, which is what the backbones expect.
 *
 * @param bits bit depth of the source (8 or 16); 8-bit sources are re-quantised to 1/255 steps after
 *             each resize pass, as PIL (and so torchvision on PIL images) works in uint8
 */
public record RgbImage(int width, int height, float[] data, int bits) {

    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (data.length != 3 * width * height) {
            throw new IllegalArgumentException("expected " + 3 * width * height + " values for " + width + "x" + height + "x3, got " + data.length);
        }
    }

    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    public int plane() {
        return width * height;
    }

    /** Whether the three planes are identical (a gray source, or a colour file with R = G = B everywhere). */
    public boolean isGray() {
        int n = plane();
        return java.util.Arrays.equals(data, 0, n, data, n, 2 * n) && java.util.Arrays.equals(data, 0, n, data, 2 * n, 3 * n);
    }

    /**
     * This image as PIL's {@code convert('L')} has it, in three identical planes: for 8-bit pixels
     * {@code L = (19595·R + 38470·G + 7471·B + 0x8000) >> 16} (ITU-R 601-2 luma in PIL's 16-bit fixed point with
     * rounding, Pillow ≥ 7.0; the study's environment pins no Pillow, and its torchvision 0.15 needs a recent one),
     * exact for RGB and RGBA sources; PIL converts palette images from their palette with 1/1000 weights, which can
     * land one 8-bit step away on rounding edges. For 16-bit pixels the same weights in float (PIL has no 16-bit
     * RGB). A gray image is returned as it is.
     */
    public RgbImage luminance() {
        if (isGray()) return this;
        int n = plane();
        float[] out = new float[3 * n];
        if (bits == 8) {
            for (int i = 0; i < n; i++) {
                int r = (int) (data[i] * 255f + 0.5f), g = (int) (data[n + i] * 255f + 0.5f), b = (int) (data[2 * n + i] * 255f + 0.5f);
                out[i] = ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255f;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = Math.min(1f, 0.299f * data[i] + 0.587f * data[n + i] + 0.114f * data[2 * n + i]);
            }
        }
        System.arraycopy(out, 0, out, n, n);
        System.arraycopy(out, 0, out, 2 * n, n);
        return new RgbImage(width, height, out, bits);
    }
}
