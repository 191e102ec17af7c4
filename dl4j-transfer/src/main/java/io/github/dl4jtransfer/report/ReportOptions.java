package io.github.dl4jtransfer.report;


import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.ModelSpec;
import io.github.dl4jtransfer.train.Scenario;

import java.util.List;
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
 * @param posterReference what the poster chart's gains are measured against; either part may be null, and is
 *                     then chosen by {@link PosterReference#AUTO its default rule}
 * @param posterBaselines model ids or family names that the poster chart treats as baselines (one bar, linear
 *                     classifier only); null for the study's ImageNet baselines (families deit, dino, resnet)
 */
public record ReportOptions(String title, Baseline baseline, MetricSplit split, Map<String, String> modelLabels,
                            PosterReference posterReference, List<String> posterBaselines) {

    public static final String DEFAULT_TITLE = "Transfer benchmark";

    public ReportOptions {
        title = title == null || title.isBlank() ? DEFAULT_TITLE : title;
        baseline = baseline == null ? Baseline.AUTO : baseline;
        split = split == null ? MetricSplit.TEST : split;
        modelLabels = modelLabels == null ? Map.of() : Map.copyOf(modelLabels);
        posterReference = posterReference == null ? PosterReference.AUTO : posterReference;
        posterBaselines = posterBaselines == null ? null : posterBaselines.stream().map(String::strip).filter(b -> !b.isEmpty()).toList();
    }

    /**
     * Options as a POM or command line gives them (null or blank: the report's default): the gain chart's
     * {@code model:scenario} baseline, the poster chart's reference ({@link PosterReference#parse}) and its
     * baselines (comma-separated model ids or family names). A name that matches no result is reported by the
     * report itself (a warning, and no gains), since results may come from several runs.
     */
    public static ReportOptions fromText(String baseline, String posterReference, String posterBaselines) {
        Builder b = builder();
        if (baseline != null && !baseline.isBlank()) b.baseline(Baseline.parse(baseline.trim()));
        if (posterReference != null && !posterReference.isBlank()) b.posterReference(PosterReference.parse(posterReference));
        if (posterBaselines != null && !posterBaselines.isBlank()) b.posterBaselines(List.of(posterBaselines.split(",")));
        return b.build();
    }

    /**
     * Checks the references a user named against the plan about to run, whose cells are all the report will have:
     * a baseline or poster reference outside it used to be found only when the report was written, after every cell
     * ran. Parts left to the default rule are not checked (the rule picks among the results).
     *
     * @throws ConfigException naming the element, the name that is not in the plan and what is
     */
    public void requireIn(BenchmarkPlan plan) {
        List<String> models = plan.models().stream().map(ModelSpec::name).toList();
        String fix = "; or leave it unset for the default (docs/report.md)";
        if (baseline.model() != null) {
            ConfigException.require(models.contains(baseline.model()), "<baseline> / -Dtransfer.baseline",
                    "model '" + baseline.model() + "' is not in the plan" + filtered(), "use one of " + models + fix);
        }
        if (baseline.scenario() != null) {
            ConfigException.require(plan.scenarios().contains(scenarioName(baseline.scenario())), "<baseline> / -Dtransfer.baseline",
                    "scenario '" + baseline.scenario() + "' is not in the plan" + filtered(), "use one of " + plan.scenarios() + fix);
        }
        if (posterReference.model() != null) {
            ConfigException.require(models.contains(posterReference.model()), "<posterReference> / -Dtransfer.posterReference",
                    "model '" + posterReference.model() + "' is not in the plan" + filtered(), "use one of " + models + fix);
        }
        String target = posterReference.target();
        if (target != null && Poster.classifierNamed(target) == null) {
            ConfigException.require(plan.scenarios().contains(scenarioName(target)), "<posterReference> / -Dtransfer.posterReference",
                    "scenario '" + target + "' is not in the plan" + filtered(),
                    "use one of " + plan.scenarios() + " or a classifier (linear, deit)" + fix);
        }
    }

    private static String filtered() {
        return " (the plan as run, after any -Dtransfer.models / -Dtransfer.scenarios filter)";
    }

    /** The scenario's canonical name, as the plan holds it; the text itself when it is not one. */
    private static String scenarioName(String s) {
        try {
            return Scenario.parse(s.trim()).name();
        } catch (IllegalArgumentException e) {
            return s;
        }
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

    /**
     * The reference of the poster chart: a model and either a scenario ({@code unfrozen-linear}: that group's
     * mean per task) or a classifier ({@code linear}, {@code deit}: per task the better of its frozen and
     * unfrozen scenarios, the rule the bars use).
     *
     * <p>Default rule, for whichever part is null: the model is the first model, in results order, of family
     * {@code deit} (the study's supervised ImageNet-1k DeiT-B, the poster's "ImNet-1k-Sup"), or the report's
     * baseline model when there is none; the target is {@code unfrozen-linear} when that model has a finished cell
     * in it (ImageNet pretraining fine-tuned end to end, the "standard practice" the study compares with),
     * otherwise its {@code linear} classifier, otherwise its first finished scenario.
     *
     * @param model  model id, or null for the default rule
     * @param target scenario name or classifier ({@code linear} / {@code deit}), or null for the default rule
     */
    public record PosterReference(String model, String target) {
        public static final PosterReference AUTO = new PosterReference(null, null);
        public static final String DEFAULT_FAMILY = "deit";
        public static final String DEFAULT_SCENARIO = "unfrozen-linear";

        /** "model:scenario", "model:classifier", "model" (default target) or ":target" (default model). */
        public static PosterReference parse(String spec) {
            if (spec == null || spec.isBlank()) return AUTO;
            int colon = spec.indexOf(':');
            if (colon < 0) return new PosterReference(spec.trim(), null);
            String m = spec.substring(0, colon).trim();
            String t = spec.substring(colon + 1).trim();
            return new PosterReference(m.isEmpty() ? null : m, t.isEmpty() ? null : t);
        }
    }

    public static final class Builder {
        private String title;
        private Baseline baseline;
        private MetricSplit split;
        private Map<String, String> modelLabels;
        private PosterReference posterReference;
        private List<String> posterBaselines;

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

        public Builder posterReference(PosterReference posterReference) {
            this.posterReference = posterReference;
            return this;
        }

        public Builder posterReference(String model, String target) {
            return posterReference(new PosterReference(model, target));
        }

        /** Model ids or family names drawn as baselines (linear only); null restores the default. */
        public Builder posterBaselines(List<String> posterBaselines) {
            this.posterBaselines = posterBaselines;
            return this;
        }

        public ReportOptions build() {
            return new ReportOptions(title, baseline, split, modelLabels, posterReference, posterBaselines);
        }
    }
}
