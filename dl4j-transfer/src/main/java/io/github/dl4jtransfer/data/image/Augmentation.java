package io.github.dl4jtransfer.data.image;

import java.util.Objects;

/**
 * Training-time augmentation: random resized crop (torchvision semantics: area fraction in
 * [scaleMin, scaleMax], aspect ratio log-uniform in [ratioMin, ratioMax], ten tries, then a centre crop),
 * flips, then colour jitter applied with probability {@code jitterP} in a random order of its four parts
 * (as {@code RandomApply(ColorJitter)}).
 *
 * <p>Where the crop is taken from is {@link #cropInput()}: {@link CropInput#IMAGE} (timm/ImageNet style, the
 * default) samples the box on the decoded image and resamples it straight to the crop size, then flips
 * horizontally before vertically; {@link CropInput#VIEW} (the study's code) samples the box on the evaluation
 * view (resized and centre-cropped, quantised to 8 bits like the PIL image the study passes on), crops it out,
 * resizes that to the crop size, then flips vertically before horizontally ({@code defaults/bases.py:83-95}).
 *
 * <p>The study's scale range 0.8–1.2 reaches past the whole image; torchvision then rejects the draw and
 * retries, so in effect crops cover 80–100% of the image and fall back to the full image more often than
 * with (0.8, 1.0): on a square view 11.4% of draws give the whole view, mean area 0.882 (torchvision,
 * 100k draws). We keep the study's numbers so that the distribution of crops matches what the study trained on.
 */
public record Augmentation(double hflipP, double vflipP, double jitterP, double brightness, double contrast,
                           double saturation, double hue, double scaleMin, double scaleMax, double ratioMin,
                           double ratioMax, CropInput cropInput) {

    /** What the random resized crop samples its box on; see {@link Augmentation}. */
    public enum CropInput {
        /** The decoded image (default; a backbone-style training transform). */
        IMAGE,
        /** The evaluation view: resize, centre crop, then the random resized crop (the study's order). */
        VIEW
    }

    public Augmentation {
        Objects.requireNonNull(cropInput, "cropInput");
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

    /** Cropping from the decoded image ({@link CropInput#IMAGE}). */
    public Augmentation(double hflipP, double vflipP, double jitterP, double brightness, double contrast,
                        double saturation, double hue, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        this(hflipP, vflipP, jitterP, brightness, contrast, saturation, hue, scaleMin, scaleMax, ratioMin, ratioMax,
                CropInput.IMAGE);
    }

    /**
     * The study's parameters cropping from the decoded image: flips 0.5/0.5, jitter 0.2/0.2/0.1/0.1 with p = 0.8,
     * crop scale 0.8–1.2, ratio 3/4–4/3. Today's default training augmentation ({@code ImagePipeline.train}).
     */
    public static Augmentation study() {
        return new Augmentation(0.5, 0.5, 0.8, 0.2, 0.2, 0.1, 0.1, 0.8, 1.2, 3.0 / 4.0, 4.0 / 3.0);
    }

    /**
     * The study's training transform as its code runs it, to pair with {@code Preprocessing.study(...)}: the
     * parameters of {@link #study()} with the crop taken from the evaluation view ({@link CropInput#VIEW}):
     * resize 256 × 256 → centre crop 224 → RandomResizedCrop(224, scale (0.8, 1.2), ratio (3/4, 4/3), bilinear)
     * → vertical flip p 0.5 → horizontal flip p 0.5 → RandomApply(ColorJitter(0.2, 0.2, 0.1, 0.1), p 0.8) →
     * normalise. Sources: {@code defaults/bases.py:38-39, 63-111, 144-148}, {@code params.json:5-99}.
     */
    public static Augmentation studyPipeline() {
        return study().withCropInput(CropInput.VIEW);
    }

    /** This augmentation with the crop sampled on {@code v}. */
    public Augmentation withCropInput(CropInput v) {
        return new Augmentation(hflipP, vflipP, jitterP, brightness, contrast, saturation, hue, scaleMin, scaleMax,
                ratioMin, ratioMax, v);
    }

    /** A stable description, part of cache keys and result records; {@link CropInput#VIEW} adds {@code :view}. */
    public String fingerprint() {
        return "aug1:flip" + hflipP + "," + vflipP + ":jit" + jitterP + "," + brightness + "," + contrast + "," + saturation
                + "," + hue + ":rrc" + scaleMin + "," + scaleMax + "," + ratioMin + "," + ratioMax
                + (cropInput == CropInput.VIEW ? ":view" : "");
    }
}
