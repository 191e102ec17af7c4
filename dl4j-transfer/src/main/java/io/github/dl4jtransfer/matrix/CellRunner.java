package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.data.SplitStrategy;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.data.split.TrainSubset;
import io.github.dl4jtransfer.eval.Bootstrap;
import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.Evaluator;
import io.github.dl4jtransfer.eval.MetricKind;
import io.github.dl4jtransfer.eval.MetricReport;
import io.github.dl4jtransfer.eval.UndefinedLabelAuc;
import io.github.dl4jtransfer.io.Sha256;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.train.EpochRecord;
import io.github.dl4jtransfer.train.FreezePolicy;
import io.github.dl4jtransfer.train.HeadSpec;
import io.github.dl4jtransfer.train.NonFiniteLossException;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.Scorer;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs one cell in this JVM: reads the dataset and its split, loads the backbone, trains the scenario by the
 * {@link CellRoute} that {@link CellRoutes#choose} picks (on cached frozen outputs when the scenario allows it),
 * evaluates the best checkpoint on validation and test, and returns the result with its provenance. Failures
 * come back as FAILED results, never as exceptions, so a matrix goes on with its other cells.
 */
public final class CellRunner {

    private final BenchmarkPlan plan;
    private final Consumer<String> log;

    public CellRunner(BenchmarkPlan plan, Consumer<String> log) {
        this.plan = plan;
        this.log = log;
    }

    public CellResult run(CellKey key) {
        long start = System.nanoTime();
        String startedAt = Instant.now().toString();
        Partial p = new Partial();
        try {
            return runOrThrow(key, start, startedAt, p);
        } catch (NonFiniteLossException e) {
            p.history = e.history();
            return failed(key, p, e.getMessage() + " (lower the learning rate for this cell with an override, or check the data)", start);
        } catch (RuntimeException | OutOfMemoryError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return failed(key, p, msg, start);
        }
    }

    /** What a cell learned before it failed: kept in its FAILED result. */
    private static final class Partial {
        CellResult.TaskInfo task;
        List<EpochRecord> history = List.of();
        CellResult.Provenance provenance;
    }

    private CellResult runOrThrow(CellKey key, long start, String startedAt, Partial p) {
        ModelSpec modelSpec = plan.model(key.model());
        DatasetSpec dataSpec = plan.dataset(key.dataset());
        Scenario scenario = Scenario.parse(key.scenario());
        TrainerConfig config = plan.trainerFor(key);

        Dataset dataset = Datasets.read(dataSpec.format(), dataSpec.path(), dataSpec.options());
        Task task = dataset.task();
        p.task = CellResult.TaskInfo.of(task);
        Path manifest = plan.outputDir().resolve("splits").resolve(CellKey.safe(key.dataset()) + ".json");
        ProtocolSettings choices = plan.protocolSettings();
        DatasetSplit split = CellRecipe.split(choices, dataSpec, dataset, manifest);
        String splitHash = Sha256.ofFile(manifest);
        TrainingLabels.requireTwoClasses(dataSpec, split);
        Set<String> trainIds = trainSubset(key, split);

        // A frozen backbone only runs forward: its depthwise convolutions may take the faster forward-only form.
        boolean forwardOnly = scenario.freeze() instanceof FreezePolicy.Frozen;
        Backbone backbone = BackboneLoader.load(modelSpec.onnx(), forwardOnly);
        CellRecipe recipe = CellRecipe.of(choices, scenario, split, backbone, dataSpec.options());
        if (recipe.oneChannel() && BackboneLoader.hasGrayscale(modelSpec.onnx())) {
            // The study's first layer on one channel is not [x, 0, 0] through the 3-channel graph (SEEM): its own export.
            backbone = BackboneLoader.loadGrayscale(modelSpec.onnx(), forwardOnly);
            recipe = recipe.singleChannel();
            log.accept("  one-channel input: the backbone's 1-channel variant " + backbone.source().getFileName());
        }
        backbone = backbone.withFeatureTaps(choices.featureTaps());
        Preprocessing prep = recipe.preprocessing();
        HeadSpec head = task.type() == TaskType.MULTI_LABEL ? HeadSpec.multiLabel(task.classNames().size())
                : HeadSpec.singleLabel(task.classNames().size());
        EvalTask evalTask = (task.type() == TaskType.MULTI_LABEL ? EvalTask.multiLabel(task.classNames().size())
                : EvalTask.singleLabel(task.classNames().size())).withPrimary(task.metric());
        UndefinedLabelAuc aucRule = choices.undefinedLabelAuc();
        Scorer scorer = Scorer.of(evalTask.primary(), (logits, labels) -> score(evalTask, aucRule, logits, labels));

        Map<String, Object> cfg = configMap(config, scenario, recipe, split, dataSpec, backbone);
        if (trainIds != null) {
            cfg.put("trainSubset", Map.of("subset", key.subset(), "images", trainIds.size(), "of", split.train().size()));
        }
        p.provenance = new CellResult.Provenance(modelSpec.onnx().toString(), backbone.sha256(), null, dataSpec.format(),
                dataSpec.path().toString(), dataset.contentHash(), splitHash, cfg, key.seed(), Environment.versions(),
                Environment.backend(), Environment.host(), startedAt, dataset.skippedCount());
        p.provenance = p.provenance.withModelWeights(backbone.weights());

        CellRoute route = CellRoutes.choose(plan, scenario, recipe, backbone, split, log);
        CellRoute.Trained t = route.train(new CellRoute.Cell(key, config, scenario, dataset, split, splitHash, backbone, prep,
                recipe.augmentation(), choices.trainingForward(backbone), head, scorer, log, trainIds));
        cfg.putAll(t.config());
        p.history = t.outcome().history();

        long testStart = System.nanoTime();
        Evaluator evaluator = Evaluator.of(evalTask).withUndefinedLabelAuc(aucRule).withScores(t.model().scoreKind());
        MetricReport val = evaluate(evaluator, t.model(), t.val());
        Trainer.Predictions testOut = t.model().predict(t.test());
        Evaluator testEval = evaluator.empty().add(testOut.logits(), testOut.labels());
        MetricReport test = testEval.report();
        // The interval is computed from the predictions as stored (float32), so anyone can recompute it from the file.
        TestPredictions stored = TestPredictions.of(testEval.scored(), t.model().scoreKind(), testOut.ids(), evalTask.outputs());
        ConfidenceInterval interval = Bootstrap.interval(stored.decode(), evaluator);
        long testMillis = (System.nanoTime() - testStart) / 1_000_000;
        double imagesPerSecond = t.trainImages() * (double) t.outcome().history().size() / Math.max(1e-9, t.trainMillis() / 1000.0);
        CellResult.Provenance prov = p.provenance.withDeitTailSha256(t.model().deitTailSha256());
        return new CellResult(key, CellResult.Status.DONE, null, p.task, metrics(val), metrics(test), t.outcome().history(),
                t.outcome().bestEpoch(), t.outcome().stoppedEarly(),
                new CellResult.Timings((System.nanoTime() - start) / 1_000_000, t.featureMillis(), t.trainMillis(), testMillis,
                        imagesPerSecond, t.cacheHit()),
                Environment.peakRssBytes(), t.model().trainableParameterCount(), t.frozenParameters(), prov)
                .withTestPredictions(Double.isNaN(interval.low()) ? null : interval, stored);
    }

    /**
     * The ids of the training samples a cell on part of the training set keeps (nested per seed, stratified, whole
     * groups where the split keeps groups together), or null for a cell on all of it.
     */
    private Set<String> trainSubset(CellKey key, DatasetSplit split) {
        TrainSubset subset = key.trainSubset();
        if (subset.isAll()) return null;
        boolean groups = split.spec().strategy() == SplitStrategy.STRATIFIED_GROUPS;
        Set<String> ids = subset.select(split.train(), key.seed(), groups);
        log.accept("  training subset: " + subset.describe() + ": " + ids.size() + " of " + split.train().size() + " images"
                + (groups ? " (whole groups)" : "") + ", drawn for seed " + key.seed());
        return ids;
    }

    static double score(EvalTask task, UndefinedLabelAuc rule, INDArray logits, INDArray labels) {
        MetricReport r = Evaluator.of(task).withUndefinedLabelAuc(rule).add(logits, labels).report();
        return r.value(task.primary()).orElse(Double.NaN);
    }

    private static MetricReport evaluate(Evaluator evaluator, CellModel model, BatchSource source) {
        Trainer.Predictions p = model.predict(source);
        return evaluator.empty().add(p.logits(), p.labels()).report();
    }

    private static Map<String, Double> metrics(MetricReport r) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<MetricKind, Double> e : r.values().entrySet()) out.put(e.getKey().metricName(), e.getValue());
        return out;
    }

    /**
     * The cell's resolved configuration for provenance: the protocol and each of its choices, the scenario, every
     * training setting and reader option as the records have them, the split, preprocessing and augmentation.
     */
    private Map<String, Object> configMap(TrainerConfig c, Scenario s, CellRecipe recipe, DatasetSplit split, DatasetSpec data,
                                          Backbone backbone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", plan.protocol().id());
        m.put("protocolSettings", ProtocolSettings.SETTINGS.values(plan.protocolSettings()));
        m.put("scenario", s.name());
        m.put("freeze", s.freeze().toString());
        m.put("head", s.head().name().toLowerCase());
        m.put("training", TrainerConfig.SETTINGS.values(c));
        m.put("datasetOptions", DatasetOptions.SETTINGS.values(data.options()));
        m.put("split", split.spec().strategy().key());
        m.putAll(recipe.describe());
        Map<String, Object> taps = new LinkedHashMap<>();
        for (BackboneOutput o : BackboneOutput.values()) {
            String name = backbone.sidecar() == null ? o.key() : backbone.sidecar().outputName(o, backbone.featureTaps());
            if (backbone.outputNames().contains(name)) taps.put(o.key(), name);
        }
        m.put("featureOutputs", taps);
        // The GPUs this worker was given (a Spark task's own GPU, or the user's setting): which device ran the cell.
        String gpus = System.getenv("CUDA_VISIBLE_DEVICES");
        if (gpus != null) m.put("cudaVisibleDevices", gpus);
        return m;
    }

    private CellResult failed(CellKey key, Partial p, String error, long start) {
        log.accept("  FAILED: " + error);
        return CellResult.failed(key, error, p.task, p.history, (System.nanoTime() - start) / 1_000_000, Environment.peakRssBytes(),
                p.provenance);
    }
}
