package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.data.split.TrainSubset;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.train.TrainerConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A benchmark matrix: models × datasets × scenarios × seeds, the training settings (with per-axis
 * overrides), and where results and the feature cache live. Build one with {@link #builder(Path)}, which
 * validates everything once ({@link PlanValidation}); the record itself only holds a valid plan (and is what
 * {@code plan.json} carries to workers).
 *
 * @param trainer            the training settings every cell starts from (overrides then apply per cell)
 * @param deitTail           the DeiT classifier export ({@code tools/export/export.py --family deit-tail}),
 *                           needed when a DeiT scenario is in the plan
 * @param outputDir          results: {@code cells/*.json}, split manifests, the report
 * @param cacheDir           frozen-backbone feature cache, shared by cells and reruns
 * @param featureCache       run frozen backbones once per image and train on cached outputs
 * @param learningRateGrid   frozen-linear cells train one head per rate on the cache and keep the best on
 *                           validation (DINOv2-style); empty = the trainer's learning rate only
 * @param force              re-run cells whose result already exists
 * @param protocol           the protocol the cells follow ({@link Protocol#STUDY} unless set)
 * @param protocolSettings   what the protocol decides beyond training settings, as resolved (user settings applied)
 * @param explicitTraining   the training settings the user gave ({@code <training>}, properties, a non-default
 *                           {@link Builder#optTrainer}): the protocol's per-dataset values ({@link ProtocolDefaults})
 *                           apply to the others
 * @param trainSubsets       the label-efficiency axis: how much of each training set the cells train on, as
 *                           {@link TrainSubset#id()}s ({@code all}, {@code f0.1}, {@code k5}); {@code [all]} unless set
 */
public record BenchmarkPlan(List<ModelSpec> models, List<DatasetSpec> datasets, List<String> scenarios, List<Long> seeds,
                            TrainerConfig trainer, List<TrainingOverride> overrides, Path deitTail, Path outputDir,
                            Path cacheDir, boolean featureCache, List<Double> learningRateGrid, boolean force,
                            Protocol protocol, ProtocolSettings protocolSettings, Set<String> explicitTraining,
                            List<String> trainSubsets) {

    public BenchmarkPlan {
        models = List.copyOf(models);
        datasets = List.copyOf(datasets);
        scenarios = List.copyOf(scenarios);
        seeds = List.copyOf(seeds);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        learningRateGrid = learningRateGrid == null ? List.of() : List.copyOf(learningRateGrid);
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(outputDir, "outputDir");
        if (cacheDir == null) cacheDir = outputDir.resolve("feature-cache");
        if (protocol == null) protocol = Protocol.STUDY;
        if (protocolSettings == null) protocolSettings = ProtocolSettings.of(protocol);
        explicitTraining = explicitTraining == null ? Set.of() : Set.copyOf(explicitTraining);
        // One spelling per subset, in the order given; a plan written before the axis existed trains on all of it.
        Set<String> subsets = new LinkedHashSet<>();
        if (trainSubsets != null) for (String t : trainSubsets) subsets.add(TrainSubset.parse(t).id());
        trainSubsets = subsets.isEmpty() ? List.of(TrainSubset.ALL.id()) : List.copyOf(subsets);
    }

    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /** Every cell, model-major (a model's cells run together and share its feature cache entries). */
    public List<CellKey> cells() {
        List<CellKey> out = new ArrayList<>();
        for (ModelSpec m : models) {
            for (DatasetSpec d : datasets) {
                for (String s : scenarios) {
                    for (long seed : seeds) {
                        for (String t : trainSubsets) out.add(new CellKey(m.name(), d.name(), s, seed, t));
                    }
                }
            }
        }
        return out;
    }

    public ModelSpec model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model named '" + name + "' in the plan"));
    }

    public DatasetSpec dataset(String name) {
        return datasets.stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no dataset named '" + name + "' in the plan"));
    }

    /**
     * The trainer settings for a cell: the plan's, the protocol's values for the cell's dataset where the user set
     * none ({@link ProtocolDefaults#training}), then each matching override in order, with the cell's seed.
     */
    public TrainerConfig trainerFor(CellKey key) {
        Map<String, Object> byProtocol = new LinkedHashMap<>(ProtocolDefaults.training(protocol, dataset(key.dataset()).format()));
        byProtocol.keySet().removeAll(explicitTraining);
        if (explicitTraining.stream().anyMatch(ProtocolDefaults.WARMUP_LENGTH::contains)) {
            byProtocol.keySet().removeAll(ProtocolDefaults.WARMUP_LENGTH);
        }
        TrainerConfig c = TrainerConfig.SETTINGS.apply(trainer, byProtocol, "protocol " + protocol.id() + " ");
        for (TrainingOverride o : overrides) if (o.appliesTo(key)) c = o.applyTo(c);
        return c.toBuilder().optSeed(key.seed()).build();
    }

    public Path cellsDir() {
        return CellResults.dirUnder(outputDir);
    }

    /** The command-line filters' element, as users type them. */
    public static final String FILTER_ELEMENT = "-Dtransfer.models / -Dtransfer.datasets / -Dtransfer.scenarios";

    /** The plan narrowed to some models, datasets and scenarios (command-line filters); null or empty keeps all. */
    public BenchmarkPlan filter(Set<String> onlyModels, Set<String> onlyDatasets, Set<String> onlyScenarios) {
        List<ModelSpec> m = pick(models, onlyModels, ModelSpec::name, "model");
        List<DatasetSpec> d = pick(datasets, onlyDatasets, DatasetSpec::name, "dataset");
        List<String> s = pick(scenarios, onlyScenarios, x -> x, "scenario");
        return new BenchmarkPlan(m, d, s, seeds, trainer, overrides, deitTail, outputDir, cacheDir, featureCache, learningRateGrid, force,
                protocol, protocolSettings, explicitTraining, trainSubsets);
    }

    /**
     * The plan with its files where this node has them: backbones by name (others keep theirs), the DeiT classifier
     * and the feature cache (null keeps them). A Spark task uses it for files shipped with the job.
     */
    public BenchmarkPlan withLocalFiles(Map<String, Path> onnxByModel, Path deitTailHere, Path cacheDirHere) {
        List<ModelSpec> m = models.stream().map(x -> onnxByModel.containsKey(x.name()) ? new ModelSpec(x.name(), onnxByModel.get(x.name())) : x).toList();
        return new BenchmarkPlan(m, datasets, scenarios, seeds, trainer, overrides, deitTailHere == null ? deitTail : deitTailHere, outputDir,
                cacheDirHere == null ? cacheDir : cacheDirHere, featureCache, learningRateGrid, force, protocol, protocolSettings, explicitTraining, trainSubsets);
    }

    /**
     * The plan narrowed by the command-line filters as typed ({@code -Dtransfer.models=a,b}): comma-separated names;
     * null or blank keeps the axis whole. A list that names nothing ({@code ,,}) is an error rather than "all": a
     * filter typed wrong must not run the whole axis.
     */
    public BenchmarkPlan filterByNames(String models, String datasets, String scenarios) {
        return filter(names(models, "-Dtransfer.models", "model"), names(datasets, "-Dtransfer.datasets", "dataset"),
                names(scenarios, "-Dtransfer.scenarios", "scenario"));
    }

    private static Set<String> names(String csv, String property, String what) {
        if (csv == null || csv.isBlank()) return null;
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String n : csv.split(",", -1)) if (!n.isBlank()) out.add(n.trim());
        if (out.isEmpty()) {
            throw new ConfigException(property, "'" + csv + "' names no " + what,
                    "give comma-separated " + what + " names (e.g. " + property + "=a,b), or leave it out to run every " + what);
        }
        return out;
    }

    public BenchmarkPlan withForce(boolean f) {
        return new BenchmarkPlan(models, datasets, scenarios, seeds, trainer, overrides, deitTail, outputDir, cacheDir, featureCache, learningRateGrid, f,
                protocol, protocolSettings, explicitTraining, trainSubsets);
    }

    private static <T> List<T> pick(List<T> all, Set<String> only, Function<T, String> name, String what) {
        if (only == null || only.isEmpty()) return all;
        Set<String> known = new HashSet<>();
        for (T t : all) known.add(name.apply(t));
        for (String o : only) {
            if (!known.contains(o)) {
                throw new ConfigException(FILTER_ELEMENT, "filter names " + what + " '" + o + "', which is not in the plan", "known: " + known);
            }
        }
        return all.stream().filter(t -> only.contains(name.apply(t))).toList();
    }

    /**
     * Collects a plan as a user wrote it — names, paths and settings as given, nothing checked yet — and
     * {@link #build() builds} it through {@link PlanValidation}, which throws one {@link ConfigException} naming
     * the element, the problem and the fix. The Maven plugin fills this same builder from the POM.
     */
    public static final class Builder {
        final Path outputDir;
        final List<PlanValidation.RawModel> models = new ArrayList<>();
        final List<PlanValidation.RawDataset> datasets = new ArrayList<>();
        final List<String> scenarios = new ArrayList<>();
        final List<Long> seeds = new ArrayList<>();
        /** Each override as given, read when the plan is built (told where it stands, for its messages). */
        final List<Function<String, TrainingOverride>> overrides = new ArrayList<>();
        final List<Double> grid = new ArrayList<>();
        /** The label-efficiency axis as given (checked by {@link #build()}). */
        final List<Double> trainFractions = new ArrayList<>();
        final List<Integer> shots = new ArrayList<>();
        TrainerConfig trainer = TrainerConfig.defaults();
        Map<String, String> training = Map.of();
        Path deitTail;
        Path cacheDir;
        boolean featureCache = true;
        boolean force;
        /** As given (a name, checked by {@link #build()}). */
        String protocol = Protocol.STUDY.id();
        final Map<String, String> protocolSettings = new LinkedHashMap<>();

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        /** A backbone: a short unique name and the exported {@code model.onnx} (its {@code model.json} next to it). */
        public Builder addModel(String name, Path onnx) { models.add(new PlanValidation.RawModel(name, onnx)); return this; }
        /** A dataset: a short unique name, a reader format ({@code aptos2019}…), its root, reader options (null: defaults). */
        public Builder addDataset(String name, String format, Path path, DatasetOptions.Builder options) {
            datasets.add(new PlanValidation.RawDataset(name, format, path, options, null));
            return this;
        }
        /** A dataset read with the default options. */
        public Builder addDataset(String name, String format, Path path) {
            return addDataset(name, format, path, DatasetOptions.builder());
        }
        /** A dataset whose reader options are given as text by name ({@link DatasetOptions#SETTINGS}), as in a POM. */
        public Builder addDataset(String name, String format, Path path, Map<String, String> options) {
            datasets.add(new PlanValidation.RawDataset(name, format, path, null, new LinkedHashMap<>(options)));
            return this;
        }
        public Builder addDataset(DatasetSpec d) { return addDataset(d.name(), d.format(), d.path(), d.options().toBuilder()); }
        public Builder addScenario(String s) { scenarios.add(s); return this; }
        public Builder addSeed(long s) { seeds.add(s); return this; }
        /** A seed as configured; null (an empty {@code <seed/>}) is reported by {@link #build()}. */
        public Builder addSeed(Long s) { seeds.add(s); return this; }
        /** A typed override. */
        public Builder addOverride(TrainingOverride o) { overrides.add(where -> o); return this; }
        /** An override as POM text: one of {@code model}/{@code dataset}/{@code scenario} and settings by name. */
        public Builder addOverride(Map<String, String> entries) {
            Map<String, String> copy = new LinkedHashMap<>(entries);
            overrides.add(where -> TrainingOverride.parse(copy, where));
            return this;
        }
        /** The settings every cell starts from (default: the study's). */
        public Builder optTrainer(TrainerConfig c) { trainer = c; return this; }
        /** Settings as text by name ({@code <training>}, {@code -Dtransfer.<name>}), applied over {@link #optTrainer}. */
        public Builder optTraining(Map<String, String> settings) { training = new LinkedHashMap<>(settings); return this; }
        public Builder optDeitTail(Path p) { deitTail = p; return this; }
        public Builder optCacheDir(Path p) { cacheDir = p; return this; }
        public Builder optFeatureCache(boolean b) { featureCache = b; return this; }
        public Builder optLearningRateGrid(List<Double> g) { grid.clear(); grid.addAll(g); return this; }
        public Builder optForce(boolean f) { force = f; return this; }
        /** The protocol every cell follows (default {@link Protocol#STUDY}). */
        public Builder optProtocol(Protocol p) { protocol = p == null ? null : p.id(); return this; }
        /** The protocol by name ({@code study}, {@code modern}); a bad name is reported by {@link #build()}. */
        public Builder optProtocol(String p) {
            protocol = p;
            return this;
        }
        /**
         * Single protocol choices changed ({@link ProtocolSettings#SETTINGS} names, values as text), applied over the
         * protocol's own, e.g. {@code splits=modern} to run the study with our patient-disjoint splits.
         */
        public Builder optProtocolSettings(Map<String, String> settings) { protocolSettings.putAll(settings); return this; }

        /**
         * A point of the label-efficiency axis: train on this fraction of each training set (stratified; each class
         * keeps at least one image); 1.0 is the whole set. Subsets are nested per seed (the 1% set inside the 10% set).
         */
        public Builder addTrainFraction(Double f) { trainFractions.add(f); return this; }
        /** A point of the label-efficiency axis: train on {@code k} images per class (per label for multi-label tasks). */
        public Builder addShots(Integer k) { shots.add(k); return this; }

        /** The validated plan, or a {@link ConfigException} naming what to fix. */
        public BenchmarkPlan build() {
            return PlanValidation.validate(this);
        }
    }
}
