package io.github.dl4jtransfer.data.image;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Per-channel mean and standard deviation of images in [0, 1], the {@code Normalize(mean, std)} of a dataset.
 * One value per channel: 3 for RGB, 1 for a gray dataset (which {@link #broadcast} spreads over the three
 * identical planes the decoder makes of a gray image, giving the same normalised values as the one-channel
 * tensor the study feeds its adapted first layer).
 *
 * <p>{@link #study(String)} holds the values the study hard-codes per dataset; a dataset without any gets
 * them computed from its training split ({@code data.pipeline.DatasetStatistics}).
 */
public record ChannelStats(double[] mean, double[] std) {

    /**
     * The study's values, {@code defaults/datasets.py} of github.com/joanaapa/Foundation-Medical (HEAD a7aa194):
     * CheXpert :21-22, DDSM :157-163 (full mammograms; its code never sets {@code is_patch}, so the patch values
     * are unused), ISIC2019 :185-186, APTOS2019 :246-247, Camelyon (PCam patches) :304-305. Keys are lower case
     * without separators; {@link #study(String)} normalises the name it is given the same way.
     */
    private static final Map<String, ChannelStats> STUDY;

    static {
        Map<String, ChannelStats> m = new LinkedHashMap<>();
        m.put("aptos2019", new ChannelStats(new double[]{0.415, 0.221, 0.073}, new double[]{0.275, 0.150, 0.081}));
        m.put("isic2019", new ChannelStats(new double[]{0.66776717, 0.52960888, 0.52434725},
                new double[]{0.22381877, 0.20363036, 0.21538623}));
        m.put("chexpert", new ChannelStats(new double[]{0.503}, new double[]{0.292}));
        m.put("ddsm", new ChannelStats(new double[]{0.286}, new double[]{0.267}));
        m.put("ddsmpatches", new ChannelStats(new double[]{0.44}, new double[]{0.25}));
        m.put("camelyon", new ChannelStats(new double[]{0.69991202, 0.53839318, 0.69108667},
                new double[]{0.2308955, 0.27435492, 0.20865005}));
        STUDY = java.util.Collections.unmodifiableMap(m);
    }

    public ChannelStats {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need the same number (1 or more) of values, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        mean = mean.clone();
        std = std.clone();
        for (double s : std) {
            if (!(s > 0) || !Double.isFinite(s)) throw new IllegalArgumentException("std values must be finite and > 0, got " + Arrays.toString(std));
        }
        for (double v : mean) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("mean values must be finite, got " + Arrays.toString(mean));
        }
    }

    /** ImageNet's mean/std, what the backbones' own configurations use. */
    public static ChannelStats imagenet() {
        return new ChannelStats(Preprocessing.imagenetMean(), Preprocessing.imagenetStd());
    }

    /** The study's values for {@code dataset} (aptos2019, isic2019, chexpert, ddsm, ddsm-patches, camelyon/pcam), if it has any. */
    public static Optional<ChannelStats> study(String dataset) {
        if (dataset == null) return Optional.empty();
        String key = dataset.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (key.equals("pcam") || key.equals("patchcamelyon")) key = "camelyon";
        return Optional.ofNullable(STUDY.get(key));
    }

    /** The whole table of the study's values, in the study's order of datasets. */
    public static Map<String, ChannelStats> studyTable() {
        return STUDY;
    }

    public int channels() {
        return mean.length;
    }

    /** These values for {@code channels} channels: a single value repeated for a gray dataset on an RGB input. */
    public ChannelStats broadcast(int channels) {
        if (channels == mean.length) return this;
        if (mean.length != 1) {
            throw new IllegalArgumentException(mean.length + "-channel statistics cannot serve a " + channels + "-channel input");
        }
        double[] m = new double[channels], s = new double[channels];
        Arrays.fill(m, mean[0]);
        Arrays.fill(s, std[0]);
        return new ChannelStats(m, s);
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStats c && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ChannelStats[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
