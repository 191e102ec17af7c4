package io.github.dl4jtransfer.matrix;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.eval.Bootstrap;
import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.model.BackboneWeights;
import io.github.dl4jtransfer.train.EpochRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one finished (or failed) cell produced, written as its own JSON file so that a matrix can be
 * resumed, merged and re-reported without re-running anything.
 *
 * @param key                the cell
 * @param status             DONE, or FAILED with {@code error} set (the other fields hold what was recorded so far)
 * @param error              what went wrong and the fix, for FAILED cells; null otherwise
 * @param task               the task's name, type and class names, and its headline metric
 * @param valMetrics         every metric on the validation split at the best epoch (metric name → value)
 * @param testMetrics        every metric on the test split with the best checkpoint
 * @param history            per-epoch train loss, validation metric, learning rate, time (convergence curves)
 * @param bestEpoch          epoch (0-based) whose checkpoint was tested; -1 when none finished
 * @param stoppedEarly       early stopping ended the run before the configured epochs
 * @param timings            wall times and throughput
 * @param peakMemoryBytes    peak resident memory of the process that ran the cell (0 when unknown)
 * @param trainableParameters parameters the optimiser updated (head and DeiT classifier included)
 * @param frozenParameters   backbone parameters held constant
 * @param provenance         hashes, configuration, seed, versions, backend
 * @param testInterval       bootstrap 95 % interval of the headline test metric over test images ({@link Bootstrap}:
 *                           1,000 resamples, stratified by class for single-label tasks), computed from
 *                           {@code testPredictions}; null for FAILED cells, results written before it was recorded,
 *                           and when the metric is undefined on every resample
 * @param testPredictions    every test image's scores and target, compactly ({@link TestPredictions}): what paired
 *                           comparisons between cells resample; null where {@code testInterval} is
 */
public record CellResult(CellKey key, Status status, String error, TaskInfo task, Map<String, Double> valMetrics,
                         Map<String, Double> testMetrics, List<EpochRecord> history, int bestEpoch, boolean stoppedEarly,
                         Timings timings, long peakMemoryBytes, long trainableParameters, long frozenParameters,
                         Provenance provenance, ConfidenceInterval testInterval, TestPredictions testPredictions) {

    public enum Status { DONE, FAILED }

    /** Without test interval and predictions (set them with {@link #withTestPredictions}). */
    public CellResult(CellKey key, Status status, String error, TaskInfo task, Map<String, Double> valMetrics,
                      Map<String, Double> testMetrics, List<EpochRecord> history, int bestEpoch, boolean stoppedEarly,
                      Timings timings, long peakMemoryBytes, long trainableParameters, long frozenParameters,
                      Provenance provenance) {
        this(key, status, error, task, valMetrics, testMetrics, history, bestEpoch, stoppedEarly, timings, peakMemoryBytes,
                trainableParameters, frozenParameters, provenance, null, null);
    }

    /** The same result with its test interval and the predictions it was computed from. */
    public CellResult withTestPredictions(ConfidenceInterval interval, TestPredictions predictions) {
        return new CellResult(key, status, error, task, valMetrics, testMetrics, history, bestEpoch, stoppedEarly, timings,
                peakMemoryBytes, trainableParameters, frozenParameters, provenance, interval, predictions);
    }

    /**
     * A FAILED result: no metrics and no best epoch, but what was known when the cell failed (its task, the
     * epochs it finished, its provenance; any of them may be null or empty when it failed before them), so the
     * report can show how far it got.
     */
    public static CellResult failed(CellKey key, String error, TaskInfo task, List<EpochRecord> history, long totalMillis,
                                    long peakMemoryBytes, Provenance provenance) {
        return new CellResult(key, Status.FAILED, error, task, Map.of(), Map.of(), new ArrayList<>(history), -1, false,
                new Timings(totalMillis, 0, 0, 0, 0, false), peakMemoryBytes, 0, 0, provenance);
    }

    /**
     * @param name        task name ("aptos2019")
     * @param type        "single_label" or "multi_label" ({@link #typeName(TaskType)})
     * @param classNames  classes (or labels) in index order
     * @param metric      the headline metric ("quadratic_kappa", "balanced_accuracy", "roc_auc", "mean_roc_auc"…)
     */
    public record TaskInfo(String name, String type, List<String> classNames, String metric) {

        public static TaskInfo of(Task task) {
            return new TaskInfo(task.name(), typeName(task.type()), task.classNames(), task.metric());
        }

        /** The type as result files (and the report reading them) spell it: the enum's name in lower case. */
        public static String typeName(TaskType type) {
            return type.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param totalMillis            whole cell, loading included
     * @param featureMillis          running the frozen backbone to fill the feature cache (0 on a cache hit)
     * @param trainMillis            training epochs including per-epoch validation
     * @param testMillis             final test evaluation
     * @param trainImagesPerSecond   training images processed per second of training time
     * @param featureCacheHit        the frozen features came from the cache
     */
    public record Timings(long totalMillis, long featureMillis, long trainMillis, long testMillis,
                          double trainImagesPerSecond, boolean featureCacheHit) {
    }

    /**
     * @param modelFile       backbone ONNX file as configured
     * @param modelSha256     SHA-256 of the ONNX file
     * @param deitTailSha256  SHA-256 of the DeiT classifier export (DeiT scenarios), else null
     * @param datasetFormat   reader format ("aptos2019", "medmnist"…)
     * @param datasetPath     dataset root as configured
     * @param datasetHash     content hash of the dataset (labels and image fingerprints)
     * @param splitHash       hash of the split manifest the cell used
     * @param config          trainer configuration and scenario settings, flattened
     * @param seed            the seed
     * @param versions        dl4j-transfer, ND4J, Java versions
     * @param backend         ND4J backend ("CPU", "CUDA") and device
     * @param host            machine name and cores
     * @param startedAt       ISO-8601 start time
     * @param skippedImages   images skipped as bad under skipBadImages
     * @param modelWeights    where the backbone's weights came from, from its sidecar (checkpoint file or "random",
     *                        its SHA-256, tensors loaded of total); null in results written before it was recorded.
     *                        The report marks backbones whose weights are {@linkplain BackboneWeights#random() random}
     */
    public record Provenance(String modelFile, String modelSha256, String deitTailSha256, String datasetFormat,
                             String datasetPath, String datasetHash, String splitHash, Map<String, Object> config,
                             long seed, Map<String, String> versions, String backend, String host, String startedAt,
                             int skippedImages, BackboneWeights modelWeights) {

        /** Without the model's weights (set them with {@link #withModelWeights}). */
        public Provenance(String modelFile, String modelSha256, String deitTailSha256, String datasetFormat,
                          String datasetPath, String datasetHash, String splitHash, Map<String, Object> config,
                          long seed, Map<String, String> versions, String backend, String host, String startedAt,
                          int skippedImages) {
            this(modelFile, modelSha256, deitTailSha256, datasetFormat, datasetPath, datasetHash, splitHash, config, seed,
                    versions, backend, host, startedAt, skippedImages, null);
        }

        /** The same provenance with the DeiT classifier's hash, known once the model is built. */
        public Provenance withDeitTailSha256(String sha256) {
            return new Provenance(modelFile, modelSha256, sha256, datasetFormat, datasetPath, datasetHash, splitHash, config,
                    seed, versions, backend, host, startedAt, skippedImages, modelWeights);
        }

        /** The same provenance with the backbone's weights ({@code Backbone.weights()}). */
        public Provenance withModelWeights(BackboneWeights weights) {
            return new Provenance(modelFile, modelSha256, deitTailSha256, datasetFormat, datasetPath, datasetHash, splitHash,
                    config, seed, versions, backend, host, startedAt, skippedImages, weights);
        }

        /** The backbone had no pretrained weight ({@link BackboneWeights#random()}); false when not recorded. */
        public boolean randomWeights() {
            return modelWeights != null && modelWeights.random();
        }
    }

    public boolean isDone() {
        return status == Status.DONE;
    }

    /**
     * The protocol the cell followed ({@code study} or {@code modern}); results written before protocols were
     * recorded followed this project's settings, which are {@code modern}'s.
     */
    @JsonIgnore
    public String protocol() {
        Object p = provenance == null || provenance.config() == null ? null : provenance.config().get("protocol");
        return p == null ? "modern" : p.toString();
    }

    /** The headline metric on the test split, or NaN when the cell failed or the metric was undefined. */
    public double primaryTestMetric() {
        if (testMetrics == null || task == null) return Double.NaN;
        Double v = testMetrics.get(task.metric());
        return v == null ? Double.NaN : v;
    }

    /** The headline metric on the validation split at the best epoch, or NaN. */
    public double primaryValMetric() {
        if (valMetrics == null || task == null) return Double.NaN;
        Double v = valMetrics.get(task.metric());
        return v == null ? Double.NaN : v;
    }
}
