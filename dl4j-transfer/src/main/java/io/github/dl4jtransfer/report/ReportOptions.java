package io.github.dl4jtransfer.report;

import java.util.Locale;
import java.util.Map;

/**
 * How a report is rendered.
 *
 * @param title        heading of the HTML and Markdown reports
 * @param baseline     the (model, scenario) every relative gain is measured against; either part may be null,
 *                     and is then chosen by {@link Baseline#AUTO the default rule}
 * @param split        which split's headline metric the gains, tables and chart use (test by default; val to
 *                     look at model selection without touching the test set)
 * @param modelLabels  display names for model ids, on top of the built-in names of the study's backbones
 *                     ("dinov2-vitb14" → "DINOv2 ViT-B/14"); ids without a name are shown as they are
 */
public record ReportOptions(String title, Baseline baseline, MetricSplit split, Map<String, String> modelLabels) {

    public static final String DEFAULT_TITLE = "Transfer benchmark";

    public ReportOptions {
        title = title == null || title.isBlank() ? DEFAULT_TITLE : title;
        baseline = baseline == null ? Baseline.AUTO : baseline;
        split = split == null ? MetricSplit.TEST : split;
        modelLabels = modelLabels == null ? Map.of() : Map.copyOf(modelLabels);
    }

    public static ReportOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Which split's headline metric is reported. */
    public enum MetricSplit {
        TEST, VAL;

        /** Case-insensitive "test" / "val" (or "validation"). */
        public static MetricSplit parse(String s) {
            String k = s.trim().toLowerCase(Locale.ROOT);
            return switch (k) {
                case "test" -> TEST;
                case "val", "validation" -> VAL;
                default -> throw new IllegalArgumentException("unknown metric split '" + s + "'; use test or val");
            };
        }
    }

    /**
     * The reference cell group for relative gains.
     *
     * <p>Default rule, for whichever part is null: the scenario is {@code frozen-linear} when any finished cell
     * ran it (the study's cheapest, most common reference), otherwise the scenario of the first finished cell;
     * the model is the first model, in the order the results are given, with a finished cell in that scenario.
     * {@link ReportWriter#render} reads results sorted by cell id, so there "first" means alphabetically first.
     * Name the baseline explicitly (e.g. {@code deit-b16} / {@code frozen-linear}) for a stable reference.
     *
     * @param model    model id, or null for the default rule
     * @param scenario scenario name, or null for the default rule
     */
    public record Baseline(String model, String scenario) {
        public static final Baseline AUTO = new Baseline(null, null);
        public static final String DEFAULT_SCENARIO = "frozen-linear";

        /** "model:scenario", "model" (default scenario) or ":scenario" (default model). */
        public static Baseline parse(String spec) {
            if (spec == null || spec.isBlank()) return AUTO;
            int colon = spec.indexOf(':');
            if (colon < 0) return new Baseline(spec.trim(), null);
            String m = spec.substring(0, colon).trim();
            String s = spec.substring(colon + 1).trim();
            return new Baseline(m.isEmpty() ? null : m, s.isEmpty() ? null : s);
        }
    }

    public static final class Builder {
        private String title;
        private Baseline baseline;
        private MetricSplit split;
        private Map<String, String> modelLabels;

        private Builder() {
        }

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        public Builder baseline(Baseline baseline) {
            this.baseline = baseline;
            return this;
        }

        public Builder baseline(String model, String scenario) {
            return baseline(new Baseline(model, scenario));
        }

        public Builder split(MetricSplit split) {
            this.split = split;
            return this;
        }

        public Builder modelLabels(Map<String, String> modelLabels) {
            this.modelLabels = modelLabels;
            return this;
        }

        public ReportOptions build() {
            return new ReportOptions(title, baseline, split, modelLabels);
        }
    }
}
