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
}
