package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.data.pipeline.ImagePipeline;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.Evaluator;
import io.github.dl4jtransfer.eval.MetricKind;
import io.github.dl4jtransfer.eval.MetricReport;
import io.github.dl4jtransfer.io.Sha256;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.data.pipeline.BatchSource;
import io.github.dl4jtransfer.train.EpochRecord;
import io.github.dl4jtransfer.train.FeatureCache;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.HeadSpec;
import io.github.dl4jtransfer.train.LinearProbe;
import io.github.dl4jtransfer.train.NonFiniteLossException;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.Scorer;
import io.github.dl4jtransfer.train.Trainer;
import io.github.dl4jtransfer.train.TrainerConfig;
import io.github.dl4jtransfer.train.TrainingOutcome;
import io.github.dl4jtransfer.train.TransferModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one cell in this JVM: reads the dataset and its split, loads the backbone, trains the scenario (on
 * cached frozen outputs when the scenario allows it), evaluates the best checkpoint on validation and test,
 * and returns the result with its provenance. Failures come back as FAILED results, never as exceptions,
 * so a matrix goes on with its other cells.
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
            return failed(key, p, e.getMessage() + " (lower the learning rate for this cell with an override, or check the data)", start, startedAt);
        } catch (RuntimeException | OutOfMemoryError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return failed(key, p, msg, start, startedAt);
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
        p.task = new CellResult.TaskInfo(task.name(), task.type() == TaskType.MULTI_LABEL ? "multi_label" : "single_label",
                task.classNames(), task.metric());
        Path manifest = plan.outputDir().resolve("splits").resolve(CellKey.safe(key.dataset()) + ".json");
        DatasetSplit split = DatasetSplit.loadOrCreate(manifest, dataset, dataset.defaultSplit());
        String splitHash = Sha256.ofFile(manifest);

        Backbone backbone = BackboneLoader.load(modelSpec.onnx());
        Preprocessing prep = backbone.preprocessing();
        HeadSpec head = task.type() == TaskType.MULTI_LABEL ? HeadSpec.multiLabel(task.classNames().size())
                : HeadSpec.singleLabel(task.classNames().size());
        EvalTask evalTask = (task.type() == TaskType.MULTI_LABEL ? EvalTask.multiLabel(task.classNames().size())
                : EvalTask.singleLabel(task.classNames().size())).withPrimary(task.metric());
        Scorer scorer = (logits, labels) -> score(evalTask, logits, labels);

        Map<String, Object> cfg = configMap(config, scenario, prep);
        p.provenance = new CellResult.Provenance(modelSpec.onnx().toString(), backbone.sha256(), null, dataSpec.format(),
                dataSpec.path().toString(), dataset.contentHash(), splitHash, cfg, key.seed(), Environment.versions(),
                Environment.backend(), Environment.host(), startedAt, dataset.skippedCount());

        boolean cached = plan.featureCache() && scenario.cacheable() && fitsInMemory(scenario, backbone, split);
        long featureMillis = 0;
        boolean cacheHit = false;
        TransferModel model;
        TrainingOutcome outcome;
        BatchSource valSource, testSource;
        int trainImages;
        long trainStart;
        if (cached) {
            boolean tokens = scenario.head() == HeadKind.DEIT;
            FeatureCache cache = new FeatureCache(plan.cacheDir());
            int batch = config.batchSize();
            FeatureCache.Entry tr = cache.getOrCompute(cacheKey(backbone, dataset, splitHash, prep, Split.TRAIN, tokens), backbone,
                    ImagePipeline.eval(split, Split.TRAIN, prep, batch));
            FeatureCache.Entry va = cache.getOrCompute(cacheKey(backbone, dataset, splitHash, prep, Split.VAL, tokens), backbone,
                    ImagePipeline.eval(split, Split.VAL, prep, batch));
            FeatureCache.Entry te = cache.getOrCompute(cacheKey(backbone, dataset, splitHash, prep, Split.TEST, tokens), backbone,
                    ImagePipeline.eval(split, Split.TEST, prep, batch));
            featureMillis = (tr.hit() ? 0 : tr.millis()) + (va.hit() ? 0 : va.millis()) + (te.hit() ? 0 : te.millis());
            cacheHit = tr.hit() && va.hit() && te.hit();
            log.accept("  features: " + (cacheHit ? "from cache" : "computed in " + featureMillis + " ms") + " ("
                    + tr.size() + "/" + va.size() + "/" + te.size() + " train/val/test)");
            valSource = va.source(tokens, batch, false, 0);
            testSource = te.source(tokens, batch, false, 0);
            trainImages = tr.size();
            trainStart = System.nanoTime();
            if (tokens) {
                model = TransferModel.forTokens(tr.tokens().size(1), tr.tokens().size(2), head, plan.deitTail(), key.seed());
                outcome = new Trainer(config).onEpoch(r -> epochLine(r)).fit(model, tr.source(true, batch, true, key.seed()), valSource, scorer);
            } else {
                double[] grid = plan.learningRateGrid().stream().mapToDouble(Double::doubleValue).toArray();
                LinearProbe.Result r = LinearProbe.fit(tr.source(false, batch, true, key.seed()), valSource, tr.features().size(1),
                        head, config, grid, scorer);
                if (grid.length > 1) log.accept("  learning-rate grid: best " + r.learningRate() + " of " + r.grid());
                cfg.put("learning_rate_chosen", r.learningRate());
                model = r.model();
                outcome = r.outcome();
                outcome.history().forEach(this::epochLine);
            }
        } else {
            model = TransferModel.build(backbone, scenario, head, plan.deitTail(), key.seed());
            BatchSource train = ImagePipeline.train(split, prep, config.batchSize(), key.seed());
            valSource = ImagePipeline.eval(split, Split.VAL, prep, config.batchSize());
            testSource = ImagePipeline.eval(split, Split.TEST, prep, config.batchSize());
            trainImages = train.sampleCount();
            trainStart = System.nanoTime();
            outcome = new Trainer(config).onEpoch(this::epochLine).fit(model, train, valSource, scorer);
        }
        long trainMillis = (System.nanoTime() - trainStart) / 1_000_000;
        p.history = outcome.history();

        long testStart = System.nanoTime();
        MetricReport val = evaluate(evalTask, model, valSource);
        MetricReport test = evaluate(evalTask, model, testSource);
        long testMillis = (System.nanoTime() - testStart) / 1_000_000;
        double imagesPerSecond = trainImages * (double) outcome.history().size() / Math.max(1e-9, trainMillis / 1000.0);
        CellResult.Provenance prov = p.provenance.withDeitTailSha256(model.deitTailSha256());
        long frozenParams = backbone.parameterCount() - (cached ? 0 : backboneTrainable(model, backbone));
        return new CellResult(key, CellResult.Status.DONE, null, p.task, metrics(val), metrics(test), outcome.history(),
                outcome.bestEpoch(), outcome.stoppedEarly(),
                new CellResult.Timings((System.nanoTime() - start) / 1_000_000, featureMillis, trainMillis, testMillis, imagesPerSecond, cacheHit),
                Environment.peakRssBytes(), model.trainableParameterCount(), frozenParams, prov);
    }

    /** Cached DeiT tokens are held in memory for training: use them only while they fit in a few GiB. */
    private boolean fitsInMemory(Scenario scenario, Backbone backbone, DatasetSplit split) {
        if (scenario.head() != HeadKind.DEIT) return true;
        io.github.dl4jtransfer.graph.Dim[] t = backbone.outputShape(backbone.outputName("tokens"));
        double bytes = (double) split.dataset().size() * t[1].value() * t[2].value() * 4;
        if (bytes <= TOKEN_CACHE_LIMIT_BYTES) return true;
        log.accept(String.format("  tokens of %d images need %.1f GiB: training through the frozen backbone instead of the cache",
                split.dataset().size(), bytes / (1L << 30)));
        return false;
    }

    static final double TOKEN_CACHE_LIMIT_BYTES = 4.0 * (1L << 30);

    private static long backboneTrainable(TransferModel model, Backbone backbone) {
        long n = 0;
        for (String name : model.trainableNames()) if (backbone.parameters().containsKey(name)) n += model.parameter(name).length();
        return n;
    }

    private void epochLine(EpochRecord r) {
        log.accept(String.format("  epoch %d: loss %.4f, val %.4f (lr %.2e, %d ms)", r.epoch() + 1, r.trainLoss(), r.valMetric(), r.learningRate(), r.millis()));
    }

    private static FeatureCache.Key cacheKey(Backbone b, Dataset d, String splitHash, Preprocessing prep, Split split, boolean tokens) {
        return new FeatureCache.Key(b.sha256(), d.contentHash(), split.name().toLowerCase(), splitHash, prep.fingerprint(), tokens);
    }

    static double score(EvalTask task, INDArray logits, INDArray labels) {
        MetricReport r = Evaluator.of(task).add(logits, labels).report();
        return r.value(task.primary()).orElse(Double.NaN);
    }

    private static MetricReport evaluate(EvalTask task, TransferModel model, BatchSource source) {
        Trainer.Predictions p = Trainer.predict(model, source);
        return Evaluator.of(task).add(p.logits(), p.labels()).report();
    }

    private static Map<String, Double> metrics(MetricReport r) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<MetricKind, Double> e : r.values().entrySet()) out.put(e.getKey().metricName(), e.getValue());
        return out;
    }

    /** The cell's resolved configuration for provenance: the scenario, every training setting as the record has it, preprocessing. */
    private static Map<String, Object> configMap(TrainerConfig c, Scenario s, Preprocessing prep) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", s.name());
        m.put("freeze", s.freeze().toString());
        m.put("head", s.head().name().toLowerCase());
        m.put("training", TrainerConfig.SETTINGS.values(c));
        m.put("preprocessing", prep.fingerprint());
        return m;
    }

    private CellResult failed(CellKey key, Partial p, String error, long start, String startedAt) {
        log.accept("  FAILED: " + error);
        List<EpochRecord> history = new ArrayList<>(p.history);
        return new CellResult(key, CellResult.Status.FAILED, error, p.task, Map.of(), Map.of(), history, -1, false,
                new CellResult.Timings((System.nanoTime() - start) / 1_000_000, 0, 0, 0, 0, false),
                Environment.peakRssBytes(), 0, 0, p.provenance);
    }
}
