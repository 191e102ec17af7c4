package io.github.dl4jtransfer.data.image;

/**
 * Training-time augmentation, in the order it is applied: random resized crop (torchvision semantics:
 * area fraction in [scaleMin, scaleMax], aspect ratio log-uniform in [ratioMin, ratioMax], ten tries,
 * then a centre crop), horizontal flip, vertical flip, then colour jitter applied with probability
 * {@code jitterP} in a random order of its four parts (as {@code RandomApply(ColorJitter)}).
 *
 * <p>{@link #study()} is the paper's recipe. Its scale range 0.8–1.2 reaches past the whole image;
 * torchvision then rejects the draw and retries, so in effect crops cover 80–100% of the image and
 * fall back to the full image more often than with (0.8, 1.0). We keep the study's numbers so that the
 * distribution of crops matches what the study trained on.
 */
public record Augmentation(double hflipP, double vflipP, double jitterP, double brightness, double contrast,
                           double saturation, double hue, double scaleMin, double scaleMax, double ratioMin,
                           double ratioMax) {

    public Augmentation {
        for (double p : new double[]{hflipP, vflipP, jitterP}) {
            if (p < 0 || p > 1) throw new IllegalArgumentException("probabilities must be in [0, 1], got " + p);
        }
        if (brightness < 0 || contrast < 0 || saturation < 0 || hue < 0 || hue > 0.5) {
            throw new IllegalArgumentException("jitter strengths must be >= 0 and hue <= 0.5");
        }
        if (scaleMin <= 0 || scaleMax < scaleMin || ratioMin <= 0 || ratioMax < ratioMin) {
            throw new IllegalArgumentException("crop scale and ratio ranges must be positive and ordered, got scale ["
                    + scaleMin + ", " + scaleMax + "] ratio [" + ratioMin + ", " + ratioMax + "]");
        }
    }

    /** Flips 0.5/0.5, jitter 0.2/0.2/0.1/0.1 with p = 0.8, crop scale 0.8–1.2, ratio 3/4–4/3. */
    public static Augmentation study() {
        return new Augmentation(0.5, 0.5, 0.8, 0.2, 0.2, 0.1, 0.1, 0.8, 1.2, 3.0 / 4.0, 4.0 / 3.0);
    }

    /** A stable description, part of cache keys and result records. */
    public String fingerprint() {
        return "aug1:flip" + hflipP + "," + vflipP + ":jit" + jitterP + "," + brightness + "," + contrast + "," + saturation
                + "," + hue + ":rrc" + scaleMin + "," + scaleMax + "," + ratioMin + "," + ratioMax;
    }
}
