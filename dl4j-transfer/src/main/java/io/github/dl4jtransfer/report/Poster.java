package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.model.BackboneWeights;
import io.github.dl4jtransfer.train.FreezePolicy;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The study poster's chart ({@code images/overall_comparison.png} of the study's code): one bar per backbone ×
 * classifier, each the better of the frozen and the unfrozen backbone, as relative gain in % averaged over the
 * tasks, sorted ascending, with the backbone's pre-training data under its label. The ImageNet baselines get
 * the linear classifier only.
 *
 * <p>Rule for "the better of frozen and unfrozen" ({@link #SELECTION}): <b>per task</b> — on every task the
 * scenario ({@code frozen-<classifier>} or {@code unfrozen-<classifier>}) with the better mean headline metric
 * over its finished seeds; ties go to frozen, the cheaper one. The bar averages the gains of those choices, so
 * one bar may combine a frozen backbone on one task with an unfrozen one on another; {@link Row#scenarioByDataset}
 * says which. The choice is made on the report's split, the same numbers the bar shows. Partial unfreezing
 * ({@code last<k>-…}) is not a candidate.
 *
 * @param reference  what the gains are measured against
 * @param selection  the better-of rule, in words
 * @param baselines  the model ids / family names treated as baselines
 * @param rows       one per backbone × classifier, ascending by mean gain (NaN, i.e. no task comparable, last)
 * @param notes      what was left out of the chart and why
 */
public record Poster(Reference reference, String selection, List<String> baselines, List<Row> rows, List<String> notes) {

    public static final String SELECTION = "per task: the better of frozen and unfrozen by mean headline metric over "
            + "seeds (ties: frozen)";

    /**
     * @param model          reference model id
     * @param target         the scenario ("unfrozen-linear") or classifier ("linear") it is taken at
     * @param label          "DeiT-B/16 · unfrozen + linear"
     * @param explicit       named in the options (false: chosen by the default rule)
     * @param meanByDataset  the reference's mean headline metric per task
     * @param scenarioByDataset per task, the scenario the value comes from
     */
    public record Reference(String model, String target, String label, boolean explicit, Map<String, Double> meanByDataset,
                            Map<String, String> scenarioByDataset) {
    }

    /**
     * One bar.
     *
     * @param classifier        "linear" or "deit"
     * @param backbone          display name of the model ("DINOv2 ViT-B/14"; "DeiT-B/16 (⚠ random weights)" when its
     *                          cells ran with random weights)
     * @param classifierLabel   "linear" or "DeiT"
     * @param label             "DINOv2 ViT-B/14 · linear"
     * @param family            sidecar family, null when unknown
     * @param pretrainingData   what the backbone was pretrained on, null when unknown
     * @param pretrainingSource "sidecar" or "built-in", null when unknown
     * @param baseline          one of the ImageNet baselines (linear classifier only)
     * @param reference         the bar of the reference's model and classifier
     * @param meanGainPercent   mean of {@code gainByDataset}; NaN when no task has both this bar and the reference
     * @param gainByDataset     per task: (chosen mean − reference) / |reference| × 100, sign flipped for
     *                          lower-is-better metrics
     * @param scenarioByDataset per task, the scenario chosen (frozen-linear, unfrozen-deit, …)
     */
    public record Row(String model, String classifier, String backbone, String classifierLabel, String label, String family,
                      String pretrainingData, String pretrainingSource, boolean baseline, boolean reference,
                      double meanGainPercent, Map<String, Double> gainByDataset, Map<String, String> scenarioByDataset) {
    }

    /** Per task, a value and the scenario it came from. */
    private record Pick(Map<String, Double> mean, Map<String, String> scenario) {
    }

    static Poster compute(List<CellResult> results, List<Aggregates.GroupSummary> groups, Aggregates.BaselineInfo baseline,
                          ReportOptions options) {
        List<String> notes = new ArrayList<>();
        Map<String, List<CellResult>> cellsByModel = new LinkedHashMap<>();
        for (CellResult r : results) cellsByModel.computeIfAbsent(r.key().model(), k -> new ArrayList<>()).add(r);
        Map<String, ModelInfo> infos = new LinkedHashMap<>();
        cellsByModel.forEach((m, cells) -> infos.put(m, ModelInfo.of(m, cells)));
        List<String> baselines = options.posterBaselines() == null ? ModelInfo.DEFAULT_BASELINES : options.posterBaselines();

        Reference reference = resolveReference(results, groups, baseline, infos, options);
        Set<String> randomModels = Aggregates.randomWeightModels(results);

        List<Row> rows = new ArrayList<>();
        Set<String> skippedPartial = new LinkedHashSet<>();
        boolean skippedKnn = false;
        for (Map.Entry<String, ModelInfo> e : infos.entrySet()) {
            String model = e.getKey();
            ModelInfo info = e.getValue();
            boolean isBaseline = info.isBaseline(baselines);
            for (HeadKind head : HeadKind.values()) {
                List<Aggregates.GroupSummary> candidates = candidates(groups, model, head);
                if (candidates.isEmpty()) continue;
                if (head == HeadKind.KNN) {
                    skippedKnn = true; // the poster has trained classifiers only; the relative-gain chart shows kNN
                    continue;
                }
                if (isBaseline && head != HeadKind.LINEAR) {
                    notes.add(Labels.model(model, options.modelLabels()) + " is a baseline: its " + Labels.classifier(head)
                            + "-classifier cells are left out of the poster chart (baselines get the linear classifier only)");
                    continue;
                }
                rows.add(row(model, head, info, isBaseline, candidates, reference, options, randomModels.contains(model)));
            }
            for (Aggregates.GroupSummary g : groups) {
                if (g.model().equals(model) && isPartial(g.scenario())) skippedPartial.add(g.scenario());
            }
        }
        if (!skippedPartial.isEmpty()) {
            notes.add("partial unfreezing (" + String.join(", ", skippedPartial) + ") is not a candidate for the poster "
                    + "chart's better-of-frozen/unfrozen rule");
        }
        if (skippedKnn) {
            notes.add("frozen-knn is not drawn on the poster chart (its bars are trained classifiers); the relative-gain "
                    + "chart and the per-task tables show it");
        }
        if (reference.meanByDataset().isEmpty() && !results.isEmpty()) {
            notes.add("the poster reference has no finished cell; no poster gains are computed");
        }
        // Ascending like the poster; bars without a comparable task go last, ties by label for a stable order.
        rows.sort(Comparator.comparing((Row r) -> Double.isNaN(r.meanGainPercent()))
                .thenComparingDouble(Row::meanGainPercent)
                .thenComparing(Row::label));
        return new Poster(reference, SELECTION, List.copyOf(baselines), List.copyOf(rows), List.copyOf(notes));
    }

    private static Row row(String model, HeadKind head, ModelInfo info, boolean isBaseline,
                           List<Aggregates.GroupSummary> candidates, Reference reference, ReportOptions options,
                           boolean randomWeights) {
        Pick pick = better(candidates);
        Map<String, Double> gains = new LinkedHashMap<>();
        Map<String, String> chosen = new LinkedHashMap<>();
        for (Map.Entry<String, Double> d : pick.mean().entrySet()) {
            String dataset = d.getKey();
            chosen.put(dataset, pick.scenario().get(dataset));
            Double ref = reference.meanByDataset().get(dataset);
            if (ref == null || ref == 0.0) continue;
            double gain = (d.getValue() - ref) / Math.abs(ref) * 100.0;
            if (!Aggregates.higherIsBetter(metricOf(candidates, dataset))) gain = -gain;
            gains.put(dataset, gain);
        }
        double mean = gains.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        String backbone = Labels.model(model, options.modelLabels())
                + (randomWeights ? " (" + BackboneWeights.RANDOM_MARKER + ")" : "");
        String classifier = Labels.classifier(head);
        boolean isReference = model.equals(reference.model()) && head == headOf(reference.target());
        return new Row(model, head.name().toLowerCase(Locale.ROOT), backbone, classifier, backbone + " · " + classifier,
                info.family(), info.pretrainingData(), info.pretrainingSource(), isBaseline, isReference, mean,
                Collections.unmodifiableMap(gains), Collections.unmodifiableMap(chosen));
    }

    /** Per task, the better of the candidate groups with a finished seed (ties: frozen, then results order). */
    private static Pick better(List<Aggregates.GroupSummary> candidates) {
        Map<String, Aggregates.GroupSummary> best = new LinkedHashMap<>();
        for (Aggregates.GroupSummary g : candidates) {
            if (g.primary().n() == 0) continue;
            Aggregates.GroupSummary current = best.get(g.dataset());
            if (current == null || beats(g, current)) best.put(g.dataset(), g);
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, String> scenario = new LinkedHashMap<>();
        best.forEach((d, g) -> {
            mean.put(d, g.primary().mean());
            scenario.put(d, g.scenario());
        });
        return new Pick(mean, scenario);
    }

    private static boolean beats(Aggregates.GroupSummary a, Aggregates.GroupSummary b) {
        double x = a.primary().mean();
        double y = b.primary().mean();
        if (x == y) return isFrozen(a.scenario()) && !isFrozen(b.scenario());
        return Aggregates.higherIsBetter(a.metric()) ? x > y : x < y;
    }

    /** The model's frozen and unfrozen groups with this classifier (any task). */
    private static List<Aggregates.GroupSummary> candidates(List<Aggregates.GroupSummary> groups, String model, HeadKind head) {
        List<Aggregates.GroupSummary> out = new ArrayList<>();
        for (Aggregates.GroupSummary g : groups) {
            if (!g.model().equals(model)) continue;
            Scenario s = scenario(g.scenario());
            if (s != null && s.head() == head && !(s.freeze() instanceof FreezePolicy.LastK)) out.add(g);
        }
        return out;
    }

    private static Reference resolveReference(List<CellResult> results, List<Aggregates.GroupSummary> groups,
                                              Aggregates.BaselineInfo baseline, Map<String, ModelInfo> infos,
                                              ReportOptions options) {
        ReportOptions.PosterReference asked = options.posterReference();
        boolean explicit = asked.model() != null || asked.target() != null;
        String model = asked.model();
        if (model == null) {
            model = infos.values().stream()
                    .filter(i -> ReportOptions.PosterReference.DEFAULT_FAMILY.equals(i.family()))
                    .map(ModelInfo::model)
                    .filter(m -> results.stream().anyMatch(r -> r.isDone() && r.key().model().equals(m)))
                    .findFirst().orElse(baseline.model());
        }
        if (model == null) return new Reference(null, null, null, explicit, Map.of(), Map.of());
        String m = model;
        if (asked.model() != null && !infos.containsKey(m)) {
            throw new IllegalArgumentException("poster reference model " + m + " is not in the results; available: "
                    + String.join(", ", infos.keySet()));
        }
        List<Aggregates.GroupSummary> own = groups.stream().filter(g -> g.model().equals(m)).toList();

        String target = asked.target();
        if (target == null) {
            boolean hasDefault = own.stream().anyMatch(g -> g.scenario().equals(ReportOptions.PosterReference.DEFAULT_SCENARIO)
                    && g.primary().n() > 0);
            if (hasDefault) {
                target = ReportOptions.PosterReference.DEFAULT_SCENARIO;
            } else if (!candidates(groups, m, HeadKind.LINEAR).stream().filter(g -> g.primary().n() > 0).toList().isEmpty()) {
                target = "linear";
            } else {
                target = own.stream().filter(g -> g.primary().n() > 0).map(Aggregates.GroupSummary::scenario).findFirst().orElse(null);
            }
            if (target == null) return new Reference(m, null, null, explicit, Map.of(), Map.of());
        } else {
            target = target.trim().toLowerCase(Locale.ROOT);
        }

        HeadKind classifier = classifierNamed(target);
        List<Aggregates.GroupSummary> source;
        String label;
        if (classifier != null) {
            source = candidates(groups, m, classifier);
            label = Labels.model(m, options.modelLabels()) + " · " + Labels.classifier(classifier)
                    + " (better of frozen/unfrozen per task)";
        } else {
            String t = target;
            source = own.stream().filter(g -> g.scenario().equals(t)).toList();
            label = Labels.of(m, t, options.modelLabels());
        }
        if (explicit && source.isEmpty()) {
            Set<String> available = new LinkedHashSet<>();
            for (Aggregates.GroupSummary g : groups) available.add(g.model() + ":" + g.scenario());
            throw new IllegalArgumentException("poster reference " + m + ":" + target + " is not in the results; give a "
                    + "model:scenario or model:classifier (linear, deit); available: " + String.join(", ", available));
        }
        Pick pick = better(source);
        return new Reference(m, target, label, explicit, Collections.unmodifiableMap(pick.mean()),
                Collections.unmodifiableMap(pick.scenario()));
    }

    /** "linear" → LINEAR, "deit" / "deit-b" → DEIT, anything else (a scenario) → null. */
    static HeadKind classifierNamed(String target) {
        if (target == null) return null;
        return switch (target.trim().toLowerCase(Locale.ROOT)) {
            case "linear" -> HeadKind.LINEAR;
            case "deit", "deit-b" -> HeadKind.DEIT;
            default -> null;
        };
    }

    /** The classifier of a reference target, scenario or classifier name; null when it names neither. */
    private static HeadKind headOf(String target) {
        HeadKind c = classifierNamed(target);
        if (c != null) return c;
        Scenario s = target == null ? null : scenario(target);
        return s == null ? null : s.head();
    }

    private static String metricOf(List<Aggregates.GroupSummary> groups, String dataset) {
        return groups.stream().filter(g -> g.dataset().equals(dataset) && g.metric() != null)
                .map(Aggregates.GroupSummary::metric).findFirst().orElse(null);
    }

    private static Scenario scenario(String name) {
        try {
            return Scenario.parse(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isFrozen(String name) {
        Scenario s = scenario(name);
        return s != null && s.freeze() instanceof FreezePolicy.Frozen;
    }

    private static boolean isPartial(String name) {
        Scenario s = scenario(name);
        return s != null && s.freeze() instanceof FreezePolicy.LastK;
    }
}
