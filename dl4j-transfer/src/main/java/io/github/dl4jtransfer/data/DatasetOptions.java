package io.github.dl4jtransfer.data;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.config.RecordSettings;

import io.github.dl4jtransfer.eval.MetricKind;

import java.util.Objects;

/**
 * How a reader treats the data it finds.
 *
 * @param skipBadImages    skip (and count, see {@link Dataset#skipped()}) missing or undecodable images
 *                         instead of failing; label errors are never skipped, they mean a wrong file or format.
 *                         Decodes every image once while reading the dataset (damage inside the pixel data only
 *                         shows then), remembered per file version within a worker
 * @param verifyImages     read every image's header while reading the dataset (implied by skipBadImages),
 *                         so corrupt files fail before training starts rather than mid-epoch
 * @param uncertainty      CheXpert: what uncertain (-1) labels become
 * @param blankAsUncertain CheXpert: treat blank cells as uncertain too; by default blank means "not
 *                         mentioned" and is 0, as in the CheXpert paper and the usual training code
 * @param hashImageBytes   content hash over image bytes instead of file size + mtime (slower, survives copies)
 * @param noFindingWhenAllZero CheXpert: set "No Finding" to 1 on rows whose 14 labels are all 0 after the
 *                         uncertainty policy, as the study does (its {@code defaults/datasets.py} lines 72–76,
 *                         after U-Zeroes). Off by default: CheXpert's labeller leaves "No Finding" blank when
 *                         it is unsure, and turning every row it could not label into a positive "No Finding"
 *                         changes that label's meaning (and its AUC); on to reproduce the study's labels
 * @param metric           override the format's default metric (generic formats), or null; a
 *                         {@link MetricKind} name, stored in its canonical spelling
 * @param taskName         override the task name (generic formats default to the file/folder name), or null
 * @param splitFile        the exact split of another study to use instead of making one: a CSV/TSV of
 *                         {@code id,split} rows, a folder of {@code train.txt}/{@code val.txt}/{@code test.txt}, or
 *                         a split manifest ({@code data.split.DatasetSplit.fromFile}); relative to the dataset's
 *                         root; null = the protocol's split
 * @param mean             per-channel means (comma-separated, one value for a gray dataset) to normalise with under the
 *                         study's preprocessing, instead of the study's value for the format or one computed over the
 *                         training split; set with {@code std}
 * @param std              per-channel standard deviations, likewise
 */
public record DatasetOptions(boolean skipBadImages, boolean verifyImages, UncertaintyPolicy uncertainty,
                             boolean blankAsUncertain, boolean hashImageBytes, String metric, String taskName,
                             boolean noFindingWhenAllZero, String splitFile, String mean, String std) {

    /**
     * These options as named settings: the POM's {@code <dataset>} children besides name, format and path, checked
     * by this record (docs/configuration.md lists each; a test checks it).
     */
    public static final RecordSettings<DatasetOptions> SETTINGS = RecordSettings.of(DatasetOptions.class);

    public DatasetOptions {
        Objects.requireNonNull(uncertainty, "uncertainty");
        // Unknown names fail here, with the list of known ones; whether the metric fits the task's shape
        // is checked by Task once the reader knows the shape.
        if (metric != null) metric = MetricKind.fromName(metric).metricName();
        if ((mean == null) != (std == null)) {
            throw new ConfigException(mean == null ? "<mean>" : "<std>", "is missing while " + (mean == null ? "<std>" : "<mean>") + " is set",
                    "give both, one value per channel (e.g. <mean>0.5,0.5,0.5</mean><std>0.25,0.25,0.25</std>), or neither");
        }
        if (mean != null) {
            double[] m = values(mean, "<mean>"), sd = values(std, "<std>");
            ConfigException.require(m.length == sd.length && (m.length == 1 || m.length == 3), "<mean>",
                    m.length + " means and " + sd.length + " standard deviations", "give 1 (gray) or 3 (RGB) of each");
            for (double v : sd) ConfigException.require(v > 0 && Double.isFinite(v), "<std>", v + " is not a positive number", "e.g. 0.25");
        }
    }

    /** The {@code mean} values, or null when unset. */
    public double[] meanValues() {
        return mean == null ? null : values(mean, "<mean>");
    }

    /** The {@code std} values, or null when unset. */
    public double[] stdValues() {
        return std == null ? null : values(std, "<std>");
    }

    private static double[] values(String csv, String element) {
        try {
            return java.util.Arrays.stream(csv.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new ConfigException(element, "'" + csv + "' is not a comma-separated list of numbers", "e.g. 0.485,0.456,0.406");
        }
    }

    public static DatasetOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some. */
    public Builder toBuilder() {
        return builder().optSkipBadImages(skipBadImages).optVerifyImages(verifyImages).optUncertainty(uncertainty)
                .optBlankAsUncertain(blankAsUncertain).optHashImageBytes(hashImageBytes).optMetric(metric).optTaskName(taskName)
                .optNoFindingWhenAllZero(noFindingWhenAllZero).optSplitFile(splitFile).optStats(mean, std);
    }

    public static final class Builder {
        private boolean skipBadImages;
        private boolean verifyImages;
        private UncertaintyPolicy uncertainty = UncertaintyPolicy.U_ZEROES;
        private boolean blankAsUncertain;
        private boolean hashImageBytes;
        private String metric;
        private String taskName;
        private boolean noFindingWhenAllZero;
        private String splitFile, mean, std;

        public Builder optSkipBadImages(boolean v) {
            skipBadImages = v;
            return this;
        }

        public Builder optVerifyImages(boolean v) {
            verifyImages = v;
            return this;
        }

        public Builder optUncertainty(UncertaintyPolicy v) {
            uncertainty = v;
            return this;
        }

        public Builder optBlankAsUncertain(boolean v) {
            blankAsUncertain = v;
            return this;
        }

        public Builder optHashImageBytes(boolean v) {
            hashImageBytes = v;
            return this;
        }

        public Builder optMetric(String v) {
            metric = v;
            return this;
        }

        public Builder optTaskName(String v) {
            taskName = v;
            return this;
        }

        public Builder optNoFindingWhenAllZero(boolean v) {
            noFindingWhenAllZero = v;
            return this;
        }

        public Builder optSplitFile(String v) {
            splitFile = v;
            return this;
        }

        /** Normalisation values as text, comma-separated (null, null: unset). */
        public Builder optStats(String mean, String std) {
            this.mean = mean;
            this.std = std;
            return this;
        }

        public DatasetOptions build() {
            return new DatasetOptions(skipBadImages, verifyImages, uncertainty, blankAsUncertain, hashImageBytes, metric, taskName,
                    noFindingWhenAllZero, splitFile, mean, std);
        }
    }
}
