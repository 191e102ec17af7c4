package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.image.ChannelStats;
import io.github.dl4jtransfer.data.image.GrayscaleInput;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.image.RgbImage;
import io.github.dl4jtransfer.data.split.DatasetSplit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-channel mean and standard deviation of a dataset's images, for {@code Normalize(mean, std)} where the
 * study gives none ({@link ChannelStats#study(String)}).
 *
 * <p>Computed over every pixel of the evaluation view {@code view} makes of each image before normalisation
 * (its resize and centre crop; {@code view}'s own mean/std are ignored), in [0, 1]: mean = Σx / N, std =
 * √(Σx² / N − mean²) (population, as the study's {@code compute_stats}, {@code utils/_utils.py:91-102}, which
 * the study defines but never calls). Every view has the same size, so every image weighs the same; the
 * study's helper instead averages per-batch means, which differs only through a smaller last batch. A
 * one-channel view gives luminance statistics. Sums are kept per image in double and added in sample order,
 * so the result does not depend on the thread count. Under the one-channel gray input
 * ({@link GrayscaleInput#R_CHANNEL}, the study's CheXpert/DDSM) the statistics are one value, over the PIL luminance.
 *
 * <p>Whether a dataset is gray: the study decides per dataset by a class attribute ({@code img_channels = 1} for
 * CheXpert and DDSM, 3 for the others, {@code defaults/datasets.py:18, 98, 182, 243, 300}), which
 * {@link ChannelStats#study(String)} mirrors (one value for exactly those); {@link #isGrayscale} decides from the
 * images for any other, and {@link #studyPreprocessing} puts both together.
 */
public final class DatasetStatistics {

    private DatasetStatistics() {
    }

    /** Over the training split of {@code split}, on all available processors. */
    public static ChannelStats of(DatasetSplit split, Preprocessing view) {
        return of(split.dataset(), split.train(), view, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The study's values for {@code split}'s dataset when the study has them (by its format name: aptos2019,
     * isic2019, chexpert, ddsm), else computed over its training split through {@code view}.
     */
    public static ChannelStats studyOrComputed(DatasetSplit split, Preprocessing view) {
        return ChannelStats.study(split.dataset().format()).orElseGet(() -> of(split, view));
    }

    /**
     * Whether {@code dataset} is grayscale by its images: every one of up to {@code maxImages} of {@code samples}
     * (evenly spaced, first and last included; all of them when {@code maxImages} is 0 or larger than the list)
     * decodes to three identical planes — a gray PNG/JPEG, or a colour file with R = G = B everywhere.
     */
    public static boolean isGrayscale(Dataset dataset, List<Sample> samples, int maxImages) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no images to look at in " + dataset.root());
        if (maxImages < 0) throw new IllegalArgumentException("maxImages must be >= 0, got " + maxImages);
        int n = samples.size(), k = maxImages == 0 ? n : Math.min(n, maxImages);
        for (int j = 0; j < k; j++) {
            int i = k == 1 ? 0 : (int) ((long) j * (n - 1) / (k - 1));
            if (!SampleImages.decode(dataset, samples.get(i)).isGray()) return false;
        }
        return true;
    }

    /** {@link #isGrayscale(Dataset, List, int)} over up to 64 images of the training split. */
    public static boolean isGrayscale(DatasetSplit split) {
        return isGrayscale(split.dataset(), split.train(), 64);
    }

    /**
     * The study's preprocessing for {@code split}'s dataset: {@link Preprocessing#study} with the study's statistics
     * where it has them (by format name), else computed over the training split; with the one-channel gray input
     * ({@link GrayscaleInput#R_CHANNEL}) for a gray dataset — the study's CheXpert and DDSM (their statistics are one
     * value), or, for a dataset the study does not have, one whose images are gray ({@link #isGrayscale(DatasetSplit)}).
     */
    public static Preprocessing studyPreprocessing(DatasetSplit split) {
        java.util.Optional<ChannelStats> known = ChannelStats.study(split.dataset().format());
        boolean gray = known.map(s -> s.channels() == 1).orElseGet(() -> isGrayscale(split));
        GrayscaleInput input = gray ? GrayscaleInput.R_CHANNEL : GrayscaleInput.REPLICATE;
        ChannelStats stats = known.orElseGet(() -> of(split,
                Preprocessing.study(gray ? new ChannelStats(new double[]{0.5}, new double[]{0.25}) : ChannelStats.imagenet())
                        .withGrayscaleInput(input)));
        return Preprocessing.study(stats).withGrayscaleInput(input);
    }

    /** Over {@code samples} of {@code dataset}, decoding on {@code threads} threads. */
    public static ChannelStats of(Dataset dataset, List<Sample> samples, Preprocessing view, int threads) {
        Objects.requireNonNull(view, "view");
        if (samples.isEmpty()) throw new IllegalArgumentException("no images to compute statistics over in " + dataset.root());
        if (threads <= 0) throw new IllegalArgumentException("threads must be > 0, got " + threads);
        boolean oneGray = view.grayscaleInput() == GrayscaleInput.R_CHANNEL;
        int channels = oneGray ? 1 : view.channels(), n = samples.size();
        // Per image and channel: Σx and Σx²; summed in sample order at the end.
        double[] sums = new double[n * channels * 2];
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(threads, n);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "dataset-statistics");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int k = 0; k < workers; k++) {
                parts.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        accumulate(dataset, samples.get(i), view, sums, i * channels * 2);
                    }
                }));
            }
            for (Future<?> f : parts) f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new DatasetException("computing dataset statistics failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while computing dataset statistics", e);
        } finally {
            pool.shutdownNow();
        }
        double pixels = (double) n * view.height() * view.width();
        double[] mean = new double[channels], std = new double[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < n; i++) {
                s += sums[(i * channels + c) * 2];
                s2 += sums[(i * channels + c) * 2 + 1];
            }
            mean[c] = s / pixels;
            std[c] = Math.sqrt(Math.max(0, s2 / pixels - mean[c] * mean[c]));
            if (!(std[c] > 0)) {
                throw new DatasetException("channel " + c + " of " + n + " images in " + dataset.root()
                        + " is constant (" + mean[c] + "); it cannot be normalised by its standard deviation");
            }
        }
        return new ChannelStats(mean, std);
    }

    private static void accumulate(Dataset dataset, Sample s, Preprocessing view, double[] sums, int at) {
        RgbImage img = SampleImages.decode(dataset, s);
        float[] planes = view.view(img);
        int plane = view.height() * view.width();
        if (view.grayscaleInput() == GrayscaleInput.R_CHANNEL) { // three equal planes of PIL luminance: one channel
            double sum = 0, sq = 0;
            for (int i = 0; i < plane; i++) {
                double g = planes[i];
                sum += g;
                sq += g * g;
            }
            sums[at] = sum;
            sums[at + 1] = sq;
            return;
        }
        if (view.channels() == 1) {
            double sum = 0, sq = 0;
            for (int i = 0; i < plane; i++) {
                double g = 0.299f * planes[i] + 0.587f * planes[plane + i] + 0.114f * planes[2 * plane + i];
                sum += g;
                sq += g * g;
            }
            sums[at] = sum;
            sums[at + 1] = sq;
            return;
        }
        for (int c = 0; c < 3; c++) {
            double sum = 0, sq = 0;
            for (int i = c * plane, end = i + plane; i < end; i++) {
                double v = planes[i];
                sum += v;
                sq += v * v;
            }
            sums[at + 2 * c] = sum;
            sums[at + 2 * c + 1] = sq;
        }
    }
}
