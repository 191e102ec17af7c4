package io.github.dl4jtransfer.data.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What the backbone expects of an image: resize ({@code resizeMode}: the shorter side to {@code resize}, or both
 * sides to it), centre-crop {@code height} × {@code width}, {@code interpolation}, then {@code (x - mean) / std}
 * per channel, as float NCHW. Grayscale sources become three identical channels (the decoder replicates them),
 * so DDSM and CheXpert feed RGB backbones unchanged; a 1-channel backbone gets luminance. With
 * {@code grayscaleInput = }{@link GrayscaleInput#R_CHANNEL} (the study's one-channel input) every image becomes
 * PIL's 8-bit luminance, normalised into channel 0, with channels 1 and 2 zero.
 *
 * <p>A backbone brings its own ({@code model.Backbone.preprocessing()}, read from its sidecar); the
 * factories here are for backbone-free pipelines, tests and the study's recipe ({@link #study}). This package
 * knows nothing of backbones: {@code model} depends on {@code data.image}, never the reverse.
 *
 * @param resize        shorter side (or, {@link ResizeMode#SQUASH}, both sides) after resizing; 0 = resize straight to the crop
 * @param channels      3 (RGB) or 1 (luminance)
 * @param resizeMode    {@link ResizeMode#SHORTER_SIDE} (torchvision {@code Resize(int)}, the default) or {@link ResizeMode#SQUASH}
 * @param pilFixedPoint resample 8-bit images with PIL's own fixed-point arithmetic (22-bit integer weights, integer
 *                      sums, round half up), which gives PIL's uint8 pixels bit for bit; off (the default), the
 *                      resampling uses float weights and sums, which can differ from PIL by 1/255 where a value
 *                      falls on a rounding edge. 16-bit images are always resampled in float.
 * @param grayscaleInput {@link GrayscaleInput#REPLICATE} (the default) or {@link GrayscaleInput#R_CHANNEL}, which
 *                      needs three channels and one value of mean/std (three equal values)
 */
public record Preprocessing(int resize, int height, int width, int channels, double[] mean, double[] std,
                            Interpolation interpolation, ResizeMode resizeMode, boolean pilFixedPoint,
                            GrayscaleInput grayscaleInput) {

    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    public Preprocessing {
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(resizeMode, "resizeMode");
        if (height <= 0 || width <= 0 || resize < 0) {
            throw new IllegalArgumentException("preprocessing needs a positive crop and resize >= 0, got resize=" + resize
                    + " crop=" + height + "x" + width);
        }
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        mean = mean.clone();
        std = std.clone();
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std need " + channels + " values, got " + mean.length + " and " + std.length);
        }
        for (double s : std) if (!(s > 0)) throw new IllegalArgumentException("std values must be > 0, got " + Arrays.toString(std));
        Objects.requireNonNull(grayscaleInput, "grayscaleInput");
        if (grayscaleInput == GrayscaleInput.R_CHANNEL && channels == 3 && (mean[1] != mean[0] || mean[2] != mean[0]
                || std[1] != std[0] || std[2] != std[0])) {
            throw new IllegalArgumentException("the one-channel (R_CHANNEL) input needs one gray mean/std, got "
                    + channels + " channels, mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std));
        }
    }

    /** Without the one-channel input ({@link GrayscaleInput#REPLICATE}). */
    public Preprocessing(int resize, int height, int width, int channels, double[] mean, double[] std,
                         Interpolation interpolation, ResizeMode resizeMode, boolean pilFixedPoint) {
        this(resize, height, width, channels, mean, std, interpolation, resizeMode, pilFixedPoint, GrayscaleInput.REPLICATE);
    }

    /** Shorter-side resize, float resampling: the preprocessing of a backbone's sidecar. */
    public Preprocessing(int resize, int height, int width, int channels, double[] mean, double[] std,
                         Interpolation interpolation) {
        this(resize, height, width, channels, mean, std, interpolation, ResizeMode.SHORTER_SIDE, false);
    }

    /** ImageNet's per-channel mean (RGB), the default where a sidecar names none. */
    public static double[] imagenetMean() {
        return IMAGENET_MEAN.clone();
    }

    /** ImageNet's per-channel standard deviation (RGB). */
    public static double[] imagenetStd() {
        return IMAGENET_STD.clone();
    }

    /** ImageNet mean/std, bilinear, 3 channels: for tests and backbone-free baselines. */
    public static Preprocessing of(int resize, int crop) {
        return new Preprocessing(resize, crop, crop, 3, IMAGENET_MEAN, IMAGENET_STD, Interpolation.BILINEAR);
    }

    /**
     * The study's evaluation transform, for every backbone: squash to 256 × 256 (aspect ratio not kept),
     * centre-crop 224 × 224, bilinear with PIL's antialiasing and arithmetic (the study resizes PIL images), then
     * {@code (x - mean) / std} with the dataset's statistics ({@link ChannelStats#study(String)}, or computed from
     * the training split). Three channels; one-value (gray dataset) statistics apply to all three.
     * Sources: {@code defaults/bases.py:26-39, 63-74, 144-148, 219-229}, {@code params.json:122-134}; see
     * docs/datasets.md, "The study's preprocessing".
     */
    public static Preprocessing study(ChannelStats stats) {
        return study(stats, 224);
    }

    /**
     * {@link #study(ChannelStats)} for a backbone whose input is {@code crop} pixels square: the study's 256 : 224
     * ratio of resize to crop kept (every backbone of the study takes 224; small test exports take less).
     */
    public static Preprocessing study(ChannelStats stats, int crop) {
        ChannelStats s = stats.broadcast(3);
        int resize = crop == 224 ? 256 : (int) Math.round(crop * 256.0 / 224.0);
        return new Preprocessing(resize, crop, crop, 3, s.mean(), s.std(), Interpolation.BILINEAR, ResizeMode.SQUASH, true);
    }

    /**
     * This one-channel ({@link GrayscaleInput#R_CHANNEL}) preprocessing for a backbone whose graph takes the one
     * channel itself (SEEM's study variant): the same luminance and normalisation, without the zero planes.
     */
    public Preprocessing singleChannel() {
        if (grayscaleInput != GrayscaleInput.R_CHANNEL) throw new IllegalStateException("only the one-channel (R_CHANNEL) input has a single channel");
        return new Preprocessing(resize, height, width, 1, new double[]{mean[0]}, new double[]{std[0]}, interpolation, resizeMode,
                pilFixedPoint, grayscaleInput);
    }

    /** This preprocessing normalising with {@code stats} (one value each is broadcast to every channel). */
    public Preprocessing withStats(ChannelStats stats) {
        ChannelStats s = stats.broadcast(channels);
        return new Preprocessing(resize, height, width, channels, s.mean(), s.std(), interpolation, resizeMode, pilFixedPoint, grayscaleInput);
    }

    /**
     * This preprocessing with grayscale input {@code v}. {@link GrayscaleInput#R_CHANNEL} on {@link #study} of a gray
     * dataset's (one-value) statistics is the study's CheXpert/DDSM input:
     * {@code Preprocessing.study(ChannelStats.study("chexpert").orElseThrow()).withGrayscaleInput(GrayscaleInput.R_CHANNEL)}.
     */
    public Preprocessing withGrayscaleInput(GrayscaleInput v) {
        return new Preprocessing(resize, height, width, channels, mean, std, interpolation, resizeMode, pilFixedPoint, v);
    }

    /** {@link #study(ChannelStats)} with these per-channel values (one value each for a gray dataset). */
    public static Preprocessing study(double[] mean, double[] std) {
        return study(new ChannelStats(mean, std));
    }

    /** A square {@code crop}; resize defaults to 0 (straight to the crop), ImageNet mean/std, bilinear, RGB. */
    public static Builder builder(int crop) {
        return new Builder(crop);
    }

    public static final class Builder {
        private int resize;
        private int height, width;
        private int channels = 3;
        private double[] mean = IMAGENET_MEAN, std = IMAGENET_STD;
        private Interpolation interpolation = Interpolation.BILINEAR;
        private ResizeMode resizeMode = ResizeMode.SHORTER_SIDE;
        private boolean pilFixedPoint;
        private GrayscaleInput grayscaleInput = GrayscaleInput.REPLICATE;

        private Builder(int crop) {
            height = width = crop;
        }

        public Builder optResize(int v) {
            resize = v;
            return this;
        }

        public Builder optSize(int h, int w) {
            height = h;
            width = w;
            return this;
        }

        public Builder optChannels(int v) {
            channels = v;
            return this;
        }

        public Builder optMean(double... v) {
            mean = v.clone();
            return this;
        }

        public Builder optStd(double... v) {
            std = v.clone();
            return this;
        }

        public Builder optInterpolation(Interpolation v) {
            interpolation = v;
            return this;
        }

        /** Shorter side (default) or squash; see {@link ResizeMode}. */
        public Builder optResizeMode(ResizeMode v) {
            resizeMode = v;
            return this;
        }

        /** PIL's fixed-point arithmetic for 8-bit images (default off); see {@link Preprocessing}. */
        public Builder optPilFixedPoint(boolean v) {
            pilFixedPoint = v;
            return this;
        }

        /** {@link GrayscaleInput#REPLICATE} (default) or the study's one channel; see {@link GrayscaleInput}. */
        public Builder optGrayscaleInput(GrayscaleInput v) {
            grayscaleInput = v;
            return this;
        }

        public Preprocessing build() {
            return new Preprocessing(resize, height, width, channels, mean, std, interpolation, resizeMode, pilFixedPoint,
                    grayscaleInput);
        }
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** Values per preprocessed image: C·H·W. */
    public int tensorSize() {
        return channels * height * width;
    }

    public long[] shape() {
        return new long[]{channels, height, width};
    }

    /**
     * A stable string naming everything that changes the tensors: cached features keyed by it are never
     * reused under different preprocessing. Bump the "pp1" version when the resampling code changes. A squash
     * resize is written {@code sq} instead of {@code r}, PIL's fixed-point arithmetic adds {@code :fx} and the
     * one-channel gray input {@code :gr}; the strings of the defaults (shorter side, float, replicated gray) are as
     * they always were.
     */
    public String fingerprint() {
        StringBuilder b = new StringBuilder("pp1:").append(resizeMode == ResizeMode.SQUASH ? "sq" : "r").append(resize).append(":c").append(channels).append('x').append(height)
                .append('x').append(width).append(':').append(interpolation.key()).append(":m");
        for (double m : mean) b.append(String.format(Locale.ROOT, "%.6f,", m));
        b.append(":s");
        for (double v : std) b.append(String.format(Locale.ROOT, "%.6f,", v));
        if (pilFixedPoint) b.append(":fx");
        if (grayscaleInput == GrayscaleInput.R_CHANNEL) b.append(":gr");
        return b.toString();
    }

    /** The statistics as a {@link ChannelStats}: one value under {@link GrayscaleInput#R_CHANNEL}. */
    public ChannelStats stats() {
        if (grayscaleInput == GrayscaleInput.R_CHANNEL) return new ChannelStats(new double[]{mean[0]}, new double[]{std[0]});
        return new ChannelStats(mean, std);
    }

    /**
     * The evaluation view of one image before normalisation: {@code resize}, centre crop, as three planes
     * (R, G, B; height × width each) in [0, 1]; what {@link #apply} normalises, and what dataset statistics are
     * computed over. Under {@link GrayscaleInput#R_CHANNEL} the three planes are the image's PIL luminance.
     */
    public float[] view(RgbImage img) {
        return Transforms.view(img, this);
    }

    /** The evaluation transform of one decoded image into {@code out[offset …]}. */
    public void apply(RgbImage img, float[] out, int offset) {
        Transforms.eval(img, this, out, offset);
    }

    /** The training transform; {@code rng} is the sample's own, so results do not depend on threads. */
    public void applyTrain(RgbImage img, Augmentation aug, SplittableRandom rng, float[] out, int offset) {
        Transforms.train(img, this, aug, rng, out, offset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && fingerprint().equals(p.fingerprint());
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    @Override
    public String toString() {
        return "Preprocessing[" + fingerprint() + "]";
    }
}
