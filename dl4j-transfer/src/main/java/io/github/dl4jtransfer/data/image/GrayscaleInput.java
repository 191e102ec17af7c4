package io.github.dl4jtransfer.data.image;

/**
 * How a grayscale dataset's images reach a three-channel backbone.
 *
 * <p>The study loads CheXpert and DDSM ({@code img_channels = 1}, {@code defaults/datasets.py:18, 98}) with PIL's
 * {@code convert('L')} ({@code utils/_utils.py:25-35}), normalises the one channel with the dataset's one mean/std,
 * and cuts every backbone's first convolution / patch embedding down to its first (red) input channel
 * ({@code weight.repeat(1, 4, 1, 1)[:, :1]}, {@code defaults/models.py:36-45, 58-69, 98-109, 117-126, 289-303, …}).
 * A first layer that is linear in its input and pads with zeros gives the same output on the three-channel input
 * {@code [x, 0, 0]} with its full weight: that is {@link #R_CHANNEL}, and the backbone stays as exported.
 */
public enum GrayscaleInput {
    /**
     * The decoded image as it is, gray planes replicated into R, G and B, each channel normalised with its own
     * (or the one broadcast) mean/std: the first layer sums all three filters. The default.
     */
    REPLICATE,
    /**
     * The study's one channel: every image converted to 8-bit luminance exactly as PIL's {@code convert('L')}
     * ({@code (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16}; a gray image is unchanged), normalised with the dataset's
     * single mean/std into channel 0; channels 1 and 2 are zero.
     */
    R_CHANNEL
}
