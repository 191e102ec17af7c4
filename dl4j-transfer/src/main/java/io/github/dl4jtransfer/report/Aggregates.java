package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.eval.MetricKind;
import io.github.dl4jtransfer.model.BackboneWeights;
import io.github.dl4jtransfer.train.EpochRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the report shows, computed once from the cell results: per-group seed statistics and the study's
 * relative performance gain. Written to {@code results.json} next to the cells.
 *
 * @param split     the split whose headline metric is summarised ("test" or "val")
 * @param protocol  the protocol the cells followed ({@code study} or {@code modern}; both, comma-separated, when
 *                  results of the two were mixed, which also adds a warning)
 * @param baseline  the resolved reference for the gains
 * @param datasets  datasets in the order they first appear in the results
 * @param groups    one entry per dataset × model × scenario (seeds pooled), results order
 * @param gains     one entry per model × scenario, sorted by mean gain, best first (NaN gains last)
 * @param poster    the study poster's chart: one bar per backbone × classifier, better of frozen/unfrozen,
 *                  ascending ({@link Poster})
 * @param warnings  things the reader should know (backbones with random weights, baseline missing on a dataset,
 *                  failed cells…)
 *
 * <p>Labels name a backbone whose cells ran with random weights ({@link CellResult.Provenance#randomWeights()}: exported
 * without a checkpoint, or with none of its tensors loaded) with {@link BackboneWeights#RANDOM_MARKER} after the model
 * name, in every table of both reports.
 */
public record Aggregates(String split, String protocol, BaselineInfo baseline, List<String> datasets, List<GroupSummary> groups,
                         List<RelativeGain> gains, Poster poster, List<String> warnings) {

    /**
     * @param model         baseline model id
     * @param scenario      baseline scenario
     * @param label         "DeiT-B/16 · frozen + linear"
     * @param explicit      named in the options (false: chosen by the default rule)
     * @param meanByDataset the baseline's mean headline metric per dataset (datasets where it has finished cells)
     */
    public record BaselineInfo(String model, String scenario, String label, boolean explicit,
                               Map<String, Double> meanByDataset) {
    }

    /**
     * Seeds of one dataset × model × scenario pooled.
     *
     * @param metric        the task's headline metric name
     * @param primary       headline metric on the chosen split over finished seeds
     * @param testMetrics   every test metric over finished seeds (metric name → stats), headline first
     * @param bestEpochs    per finished seed, the 1-based epoch whose checkpoint was tested (= epochs to best)
     * @param epochsToBest  statistics of {@code bestEpochs}
     * @param epochsRun     statistics of the number of epochs each finished seed trained
     * @param stoppedEarly  finished seeds that early stopping ended
     * @param meanValCurve  validation headline metric per epoch (index = 0-based epoch), mean over the seeds
     *                      that reached that epoch; NaN where none has a value
     * @param done          finished seeds
     * @param failed        failed seeds
     * @param testInterval  bootstrap 95 % interval of the mean headline test metric, over test images and (with
     *                      several) seeds ({@link PairedBootstrap}); null without stored test predictions
     */
    public record GroupSummary(String dataset, String model, String scenario, String label, String task,
                               String metric, SeedStats primary, Map<String, SeedStats> testMetrics,
                               List<Integer> bestEpochs, SeedStats epochsToBest, SeedStats epochsRun,
                               int stoppedEarly, List<Double> meanValCurve, int done, int failed,
                               ConfidenceInterval testInterval) {
    }

    /**
     * The study's number for one backbone × classifier.
     *
     * @param meanGainPercent average over {@code gainByDataset}; NaN when no dataset has both this group and
     *                        the baseline
     * @param gainByDataset   per dataset: (mean − baseline mean) / |baseline mean| × 100, sign flipped for
     *                        lower-is-better metrics so that positive always means better
     * @param isBaseline      this is the reference group (its gains are 0 by construction)
     * @param interval        paired bootstrap 95 % interval of {@code meanGainPercent} ({@link PairedBootstrap}); null on
     *                        the validation split and where a task lacks stored test predictions
     */
    public record RelativeGain(String model, String scenario, String label, double meanGainPercent,
                               Map<String, Double> gainByDataset, boolean isBaseline, ConfidenceInterval interval) {

        /** The interval lies wholly on one side of 0: the gain is more than the test images' and seeds' noise. */
        public boolean significant() {
            return interval != null && interval.excludes(0.0);
        }

        public int datasets() {
            return gainByDataset.size();
        }
    }

    private record GroupKey(String dataset, String model, String scenario) {
    }

    private record ModelScenario(String model, String scenario) {
    }

    private static String protocol(List<CellResult> results, List<String> warnings) {
        Set<String> protocols = new java.util.TreeSet<>();
        for (CellResult r : results) protocols.add(r.protocol());
        if (protocols.size() > 1) {
            warnings.add("these results mix protocols " + protocols + ": cells of different protocols do not compare (docs/scenarios.md)");
        }
        return protocols.isEmpty() ? "-" : String.join(", ", protocols);
    }

    public static Aggregates compute(List<CellResult> results, ReportOptions options) {
        boolean test = options.split() == ReportOptions.MetricSplit.TEST;
        List<String> warnings = new ArrayList<>();

        Set<String> randomModels = randomWeightModels(results);
        if (!randomModels.isEmpty()) {
            warnings.add(randomModels.size() + (randomModels.size() == 1 ? " backbone" : " backbones") + " ran with RANDOM "
                    + "weights (exported without a checkpoint, or none of its tensors loaded): "
                    + randomModels.stream().map(m -> Labels.model(m, options.modelLabels())).collect(java.util.stream.Collectors.joining(", "))
                    + ". Their rows, marked \"" + BackboneWeights.RANDOM_MARKER + "\", measure an untrained network, "
                    + "not pretrained features.");
        }

        Map<GroupKey, List<CellResult>> byGroup = new LinkedHashMap<>();
        Set<String> datasets = new LinkedHashSet<>();
        for (CellResult r : results) {
            datasets.add(r.key().dataset());
            byGroup.computeIfAbsent(new GroupKey(r.key().dataset(), r.key().model(), r.key().scenario()),
                    k -> new ArrayList<>()).add(r);
        }

        PairedBootstrap boot = PairedBootstrap.of(results);
        List<GroupSummary> groups = new ArrayList<>();
        for (Map.Entry<GroupKey, List<CellResult>> e : byGroup.entrySet()) {
            groups.add(summarise(e.getKey(), e.getValue(), test, options, randomModels, boot));
        }

        long failed = results.stream().filter(r -> !r.isDone()).count();
        if (failed > 0) warnings.add(failed + " of " + results.size() + " cells failed; they are listed with their errors "
                + "and left out of every mean");

        BaselineInfo baseline = resolveBaseline(results, groups, options, warnings, randomModels);
        List<RelativeGain> gains = relativeGains(groups, baseline, options, warnings, randomModels, test ? boot : null);
        Poster poster = Poster.compute(results, groups, baseline, options);
        return new Aggregates(test ? "test" : "val", protocol(results, warnings), baseline, List.copyOf(datasets), groups, gains, poster,
                warnings);
    }

    /** Models with a cell whose provenance says its backbone had random weights, in results order. */
    static Set<String> randomWeightModels(List<CellResult> results) {
        Set<String> out = new LinkedHashSet<>();
        for (CellResult r : results) {
            if (r.provenance() != null && r.provenance().randomWeights()) out.add(r.key().model());
        }
        return out;
    }

    private static String label(String model, String scenario, ReportOptions options, Set<String> randomModels) {
        return Labels.of(model, scenario, options.modelLabels(), randomModels.contains(model));
    }

    private static GroupSummary summarise(GroupKey key, List<CellResult> cells, boolean test, ReportOptions options,
                                          Set<String> randomModels, PairedBootstrap boot) {
        List<CellResult> done = cells.stream().filter(CellResult::isDone).toList();
        CellResult.TaskInfo task = cells.stream().map(CellResult::task).filter(t -> t != null).findFirst().orElse(null);
        String metric = task == null ? null : task.metric();

        double[] primary = done.stream().mapToDouble(r -> test ? r.primaryTestMetric() : r.primaryValMetric()).toArray();

        // Headline metric first, then the others alphabetically: tables read the same across datasets.
        Map<String, SeedStats> testMetrics = new LinkedHashMap<>();
        TreeMap<String, List<Double>> others = new TreeMap<>();
        for (CellResult r : done) {
            if (r.testMetrics() == null) continue;
            r.testMetrics().forEach((name, v) -> others.computeIfAbsent(name, n -> new ArrayList<>()).add(v));
        }
        if (metric != null && others.containsKey(metric)) testMetrics.put(metric, SeedStats.of(others.remove(metric)));
        others.forEach((name, vs) -> testMetrics.put(name, SeedStats.of(vs)));

        List<Integer> bestEpochs = done.stream().filter(r -> r.bestEpoch() >= 0).map(r -> r.bestEpoch() + 1).toList();
        SeedStats epochsRun = SeedStats.of(done.stream().map(r -> r.history() == null ? 0 : r.history().size()).toList());
        int stopped = (int) done.stream().filter(CellResult::stoppedEarly).count();

        return new GroupSummary(key.dataset(), key.model(), key.scenario(),
                label(key.model(), key.scenario(), options, randomModels), task == null ? null : task.name(), metric,
                SeedStats.of(primary), testMetrics, bestEpochs, SeedStats.of(bestEpochs), epochsRun, stopped,
                meanCurve(done), done.size(), cells.size() - done.size(), testInterval(key, done, boot));
    }

    /** The group's interval from the stored predictions; else, for a single seed, the one its cell recorded. */
    private static ConfidenceInterval testInterval(GroupKey key, List<CellResult> done, PairedBootstrap boot) {
        ConfidenceInterval ci = boot.group(key.dataset(), key.model(), key.scenario());
        if (ci == null && done.size() == 1) ci = done.get(0).testInterval();
        return ci;
    }

    /** Mean over seeds of the validation metric at each epoch; a seed that stopped early simply stops adding. */
    static List<Double> meanCurve(List<CellResult> cells) {
        int len = 0;
        for (CellResult r : cells) {
            if (r.history() == null) continue;
            for (EpochRecord e : r.history()) len = Math.max(len, e.epoch() + 1);
        }
        double[] sum = new double[len];
        int[] count = new int[len];
        for (CellResult r : cells) {
            if (r.history() == null) continue;
            for (EpochRecord e : r.history()) {
                if (e.epoch() >= 0 && Double.isFinite(e.valMetric())) {
                    sum[e.epoch()] += e.valMetric();
                    count[e.epoch()]++;
                }
            }
        }
        List<Double> out = new ArrayList<>(len);
        for (int i = 0; i < len; i++) out.add(count[i] == 0 ? Double.NaN : sum[i] / count[i]);
        return out;
    }

    private static BaselineInfo resolveBaseline(List<CellResult> results, List<GroupSummary> groups,
                                                ReportOptions options, List<String> warnings, Set<String> randomModels) {
        ReportOptions.Baseline asked = options.baseline();
        List<CellResult> done = results.stream().filter(CellResult::isDone).toList();

        String scenario = asked.scenario();
        if (scenario == null) {
            boolean hasDefault = done.stream().anyMatch(r -> r.key().scenario().equals(ReportOptions.Baseline.DEFAULT_SCENARIO)
                    && (asked.model() == null || r.key().model().equals(asked.model())));
            if (hasDefault) {
                scenario = ReportOptions.Baseline.DEFAULT_SCENARIO;
            } else {
                scenario = done.stream().filter(r -> asked.model() == null || r.key().model().equals(asked.model()))
                        .map(r -> r.key().scenario()).findFirst().orElse(null);
            }
        }
        String model = asked.model();
        if (model == null && scenario != null) {
            String s = scenario;
            model = done.stream().filter(r -> r.key().scenario().equals(s)).map(r -> r.key().model()).findFirst().orElse(null);
        }

        boolean explicit = asked.model() != null || asked.scenario() != null;
        if (explicit) {
            String m = model;
            String s = scenario;
            boolean present = results.stream().anyMatch(r -> r.key().model().equals(m) && r.key().scenario().equals(s));
            if (!present) {
                throw new IllegalArgumentException("baseline " + (m == null ? "(any model)" : m) + " × "
                        + (s == null ? "(any scenario)" : s) + " is not in the results; available: "
                        + String.join(", ", available(results)));
            }
        }
        if (model == null || scenario == null) {
            if (!results.isEmpty()) warnings.add("no finished cell to use as baseline; relative gains are not computed");
            return new BaselineInfo(model, scenario, null, explicit, Map.of());
        }

        Map<String, Double> means = new LinkedHashMap<>();
        for (GroupSummary g : groups) {
            if (g.model().equals(model) && g.scenario().equals(scenario) && g.primary().n() > 0) {
                means.put(g.dataset(), g.primary().mean());
            }
        }
        if (means.isEmpty()) warnings.add("baseline " + model + " × " + scenario + " has no finished cell; relative gains are not computed");
        return new BaselineInfo(model, scenario, label(model, scenario, options, randomModels), explicit, means);
    }

    private static List<String> available(List<CellResult> results) {
        Set<String> out = new LinkedHashSet<>();
        for (CellResult r : results) out.add(r.key().model() + ":" + r.key().scenario());
        return List.copyOf(out);
    }

    private static List<RelativeGain> relativeGains(List<GroupSummary> groups, BaselineInfo baseline,
                                                    ReportOptions options, List<String> warnings, Set<String> randomModels,
                                                    PairedBootstrap boot) {
        Map<String, String> metricByDataset = new LinkedHashMap<>();
        for (GroupSummary g : groups) if (g.metric() != null) metricByDataset.putIfAbsent(g.dataset(), g.metric());
        Map<ModelScenario, Map<String, Double>> byPair = new LinkedHashMap<>();
        Set<String> noBaseline = new LinkedHashSet<>();
        for (GroupSummary g : groups) {
            Map<String, Double> perDataset = byPair.computeIfAbsent(new ModelScenario(g.model(), g.scenario()),
                    k -> new LinkedHashMap<>());
            Double base = baseline.meanByDataset().get(g.dataset());
            if (g.primary().n() == 0) continue;
            if (base == null) {
                noBaseline.add(g.dataset());
                continue;
            }
            if (base == 0.0) {
                // A zero reference (e.g. κ² of a constant predictor) makes a ratio meaningless, not infinite.
                noBaseline.add(g.dataset());
                continue;
            }
            double gain = (g.primary().mean() - base) / Math.abs(base) * 100.0;
            if (!higherIsBetter(g.metric())) gain = -gain;
            perDataset.put(g.dataset(), gain);
        }
        if (!baseline.meanByDataset().isEmpty()) {
            for (String d : noBaseline) {
                warnings.add("dataset " + d + " has no usable baseline value (" + baseline.label()
                        + " missing, failed or 0); it is left out of the relative gains");
            }
        }

        List<RelativeGain> gains = new ArrayList<>();
        for (Map.Entry<ModelScenario, Map<String, Double>> e : byPair.entrySet()) {
            Map<String, Double> perDataset = e.getValue();
            double mean = perDataset.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            boolean isBase = e.getKey().model().equals(baseline.model()) && e.getKey().scenario().equals(baseline.scenario());
            ConfidenceInterval ci = null;
            if (boot != null && !perDataset.isEmpty()) {
                Map<String, String> bar = new LinkedHashMap<>(), ref = new LinkedHashMap<>();
                for (String d : perDataset.keySet()) {
                    bar.put(d, e.getKey().scenario());
                    ref.put(d, baseline.scenario());
                }
                ci = boot.gain(e.getKey().model(), bar, baseline.model(), ref, metricByDataset);
            }
            gains.add(new RelativeGain(e.getKey().model(), e.getKey().scenario(),
                    label(e.getKey().model(), e.getKey().scenario(), options, randomModels), mean,
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(perDataset)), isBase, ci));
        }
        // Best first; groups without a comparable dataset sink to the bottom instead of sorting as NaN does.
        gains.sort(Comparator.comparing((RelativeGain g) -> Double.isNaN(g.meanGainPercent()))
                .thenComparing(RelativeGain::meanGainPercent, Comparator.reverseOrder()));
        return gains;
    }

    /** Every metric the study uses is higher-is-better; names this toolkit does not know are assumed so too. */
    static boolean higherIsBetter(String metric) {
        if (metric == null) return true;
        try {
            return MetricKind.fromName(metric).higherIsBetter();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
