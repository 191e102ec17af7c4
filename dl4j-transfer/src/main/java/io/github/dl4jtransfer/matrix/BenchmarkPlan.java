package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.TrainerConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A benchmark matrix: models × datasets × scenarios × seeds, the training settings (with per-axis
 * overrides), and where results and the feature cache live.
 *
 * @param deitTail           the DeiT classifier export ({@code tools/export/export.py --family deit-tail}),
 *                           needed when a DeiT scenario is in the plan
 * @param outputDir          results: {@code cells/*.json}, split manifests, the report
 * @param cacheDir           frozen-backbone feature cache, shared by cells and reruns
 * @param featureCache       run frozen backbones once per image and train on cached outputs
 * @param learningRateGrid   frozen-linear cells train one head per rate on the cache and keep the best on
 *                           validation (DINOv2-style); empty = the trainer's learning rate only
 * @param force              re-run cells whose result already exists
 */
public record BenchmarkPlan(List<ModelSpec> models, List<DatasetSpec> datasets, List<String> scenarios, List<Long> seeds,
                            TrainerConfig trainer, List<TrainingOverride> overrides, Path deitTail, Path outputDir,
                            Path cacheDir, boolean featureCache, List<Double> learningRateGrid, boolean force) {

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
        if (models.isEmpty()) throw new IllegalArgumentException("the plan has no models; add at least one <model>");
        if (datasets.isEmpty()) throw new IllegalArgumentException("the plan has no datasets; add at least one <dataset>");
        if (scenarios.isEmpty()) throw new IllegalArgumentException("the plan has no scenarios; add at least one <scenario>");
        if (seeds.isEmpty()) throw new IllegalArgumentException("the plan has no seeds; add at least one <seed>");
        unique(models.stream().map(ModelSpec::name).toList(), "model");
        unique(datasets.stream().map(DatasetSpec::name).toList(), "dataset");
        unique(scenarios, "scenario");
        for (String s : scenarios) {
            Scenario parsed = Scenario.parse(s); // fails fast with the accepted names
            if (parsed.head() == io.github.dl4jtransfer.train.HeadKind.DEIT && deitTail == null) {
                throw new IllegalArgumentException("scenario '" + s + "' needs the DeiT classifier export: set deitTail "
                        + "to the model.onnx written by tools/export/export.py --family deit-tail");
            }
        }
    }

    private static void unique(List<String> names, String what) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) throw new IllegalArgumentException(what + " '" + n + "' appears twice; names must be unique");
        }
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
                    for (long seed : seeds) out.add(new CellKey(m.name(), d.name(), s, seed));
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

    /** The trainer settings for a cell: the plan's, then each matching override in order, with the cell's seed. */
    public TrainerConfig trainerFor(CellKey key) {
        TrainerConfig c = trainer;
        for (TrainingOverride o : overrides) if (o.appliesTo(key)) c = o.applyTo(c);
        return c.toBuilder().optSeed(key.seed()).build();
    }

    public Path cellsDir() {
        return outputDir.resolve("cells");
    }

    /** The plan narrowed to some models, datasets and scenarios (command-line filters); null or empty keeps all. */
    public BenchmarkPlan filter(Set<String> onlyModels, Set<String> onlyDatasets, Set<String> onlyScenarios) {
        List<ModelSpec> m = pick(models, onlyModels, ModelSpec::name, "model");
        List<DatasetSpec> d = pick(datasets, onlyDatasets, DatasetSpec::name, "dataset");
        List<String> s = pick(scenarios, onlyScenarios, x -> x, "scenario");
        return new BenchmarkPlan(m, d, s, seeds, trainer, overrides, deitTail, outputDir, cacheDir, featureCache, learningRateGrid, force);
    }

    public BenchmarkPlan withForce(boolean f) {
        return new BenchmarkPlan(models, datasets, scenarios, seeds, trainer, overrides, deitTail, outputDir, cacheDir, featureCache, learningRateGrid, f);
    }

    private static <T> List<T> pick(List<T> all, Set<String> only, java.util.function.Function<T, String> name, String what) {
        if (only == null || only.isEmpty()) return all;
        Set<String> known = new HashSet<>();
        for (T t : all) known.add(name.apply(t));
        for (String o : only) {
            if (!known.contains(o)) throw new IllegalArgumentException("filter names " + what + " '" + o + "', which is not in the plan; known: " + known);
        }
        return all.stream().filter(t -> only.contains(name.apply(t))).toList();
    }

    public static final class Builder {
        private final Path outputDir;
        private final List<ModelSpec> models = new ArrayList<>();
        private final List<DatasetSpec> datasets = new ArrayList<>();
        private final List<String> scenarios = new ArrayList<>();
        private final List<Long> seeds = new ArrayList<>();
        private final List<TrainingOverride> overrides = new ArrayList<>();
        private final List<Double> grid = new ArrayList<>();
        private TrainerConfig trainer = TrainerConfig.defaults();
        private Path deitTail;
        private Path cacheDir;
        private boolean featureCache = true;
        private boolean force;

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        public Builder addModel(String name, Path onnx) { models.add(new ModelSpec(name, onnx)); return this; }
        public Builder addDataset(DatasetSpec d) { datasets.add(d); return this; }
        public Builder addScenario(String s) { scenarios.add(s); return this; }
        public Builder addSeed(long s) { seeds.add(s); return this; }
        public Builder addOverride(TrainingOverride o) { overrides.add(o); return this; }
        public Builder optTrainer(TrainerConfig c) { trainer = c; return this; }
        public Builder optDeitTail(Path p) { deitTail = p; return this; }
        public Builder optCacheDir(Path p) { cacheDir = p; return this; }
        public Builder optFeatureCache(boolean b) { featureCache = b; return this; }
        public Builder optLearningRateGrid(List<Double> g) { grid.clear(); grid.addAll(g); return this; }
        public Builder optForce(boolean f) { force = f; return this; }

        public BenchmarkPlan build() {
            return new BenchmarkPlan(models, datasets, scenarios, seeds.isEmpty() ? List.of(1L) : seeds, trainer, overrides,
                    deitTail, outputDir, cacheDir, featureCache, grid, force);
        }
    }
}
