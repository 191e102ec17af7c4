package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.TrainingOverride;
import io.github.dl4jtransfer.train.TrainerConfig;

import io.github.dl4jtransfer.matrix.DatasetSpec;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded default matrix, a demo in which every scenario learns: the tiny (random-weight) fixtures of the
 * study's eight backbone families, packed in this plugin's jar and extracted on first use, × the four synthetic
 * synthmed tasks (generated on first use) × the four study scenarios and the kNN probe × two seeds × two training
 * set sizes (10% and all of it): 640 cells. Through-backbone cells train one epoch at batch 8 (as many steps as two
 * epochs at 16: the tiny backbones cost the same per image at either batch size); cells on cached features train
 * longer, since their epochs cost milliseconds. Under {@code <protocol>modern</protocol>} (the sample project's) the
 * frozen cells use the cache: about 7 minutes on two idle cores (README).
 */
final class EmbeddedDefault {

    /** The study's eight families, in its order. */
    static final List<String> FAMILIES = List.of("dinov2-vitb14", "deit-b16", "dino-vitb16", "openclip-vitb16",
            "blip-vitb16", "sam-vitb", "seem-focalnet-t", "resnet152");
    static final String DEIT_TAIL = "deit-tail";
    /** The study's four scenarios and MedMNIST+'s kNN probe (k = 11). */
    static final List<String> SCENARIOS = List.of("frozen-linear", "frozen-knn", "unfrozen-linear", "frozen-deit", "unfrozen-deit");
    /** Two seeds: the report shows spread, and its intervals pool both. */
    static final List<Long> SEEDS = List.of(1L, 2L);
    /** A two-point label-efficiency axis: 10% of each training set (nested, stratified) and all of it. */
    static final List<Double> TRAIN_FRACTIONS = List.of(0.1, 1.0);
    private static final String RESOURCES = "/io/github/dl4jtransfer/maven/embedded/";
    /** The study's 1-channel variant (SEEM), next to model.onnx when the family has one. */
    private static final String GRAY_VARIANT = "model-gray.onnx";

    /** Through-backbone cells: one epoch of small batches at a constant rate (~35 steps on a synthmed task). */
    static final int EPOCHS = 1;
    static final int BATCH_SIZE = 8;
    static final double LEARNING_RATE = 1e-3;
    static final int WARMUP_EPOCHS = 0;
    static final TrainerConfig.Schedule SCHEDULE = TrainerConfig.Schedule.CONSTANT;
    /** Frozen-linear cells on cached features (milliseconds per epoch) get more epochs, in batches of 64... */
    static final int FROZEN_LINEAR_EPOCHS = 30;
    static final int FROZEN_LINEAR_BATCH_SIZE = 64;
    /** ...and, where the protocol shows them augmented images through the backbone (the study's), fewer. */
    static final int FROZEN_LINEAR_EPOCHS_UNCACHED = 5;
    /** ...and a small learning-rate grid, trained together on the cache (random tiny backbones give small features). */
    static final List<Double> FROZEN_LINEAR_GRID = List.of(1e-3, 1e-2, 1e-1);
    /** Frozen-deit cells on cached tokens: the DeiT block trains for a few epochs (about 1.5 s a cell). */
    static final int FROZEN_DEIT_EPOCHS = 5;
    static final int FROZEN_DEIT_BATCH_SIZE = 16;

    /** At most this many workers side by side (each ~1 GB resident with a tiny backbone). */
    static final int MAX_WORKERS = 4;

    private EmbeddedDefault() {
    }

    /**
     * The libnd4j build for the embedded default: the plain one. Its tiny backbones gain little from oneDNN, less than a
     * second kind of worker costs: the 640 cells took 6 min 34 s on the plain build and 6 min 56 s with {@code auto}
     * (frozen-backbone cells on oneDNN, run after the others), same VM, both without the install.
     */
    static final String NATIVE_BUILD = "plain";

    /**
     * Workers for the embedded default: one per core, up to {@link #MAX_WORKERS}. The tiny backbones train as fast on
     * one thread as on two (libnd4j's ops on their small tensors do not keep a second thread busy), so two one-thread
     * workers on two cores finish the matrix about twice as fast as one two-thread worker.
     */
    static int workers(int cores) {
        return Math.max(1, Math.min(MAX_WORKERS, cores));
    }

    /**
     * The embedded default's training, under whatever {@code <training>} sets: through-backbone cells one epoch of
     * batches of 8; with no epochs and no overrides configured, cells on cached features (frozen-linear, and
     * frozen-deit where tokens are cached) get more epochs, and frozen-linear a small learning-rate grid.
     */
    static void training(BenchmarkPlan.Builder b, Map<String, String> configured, boolean noOverrides, List<String> scenarios,
                         List<Double> grid, boolean frozenCellsCached) {
        b.optTrainer(TrainerConfig.builder().optEpochs(EPOCHS).optBatchSize(BATCH_SIZE).optLearningRate(LEARNING_RATE)
                .optWarmupEpochs(WARMUP_EPOCHS).optSchedule(SCHEDULE).build());
        if (configured.containsKey("epochs") || !noOverrides) return;
        if (scenarios.contains("frozen-linear")) {
            b.addOverride(new TrainingOverride(TrainingOverride.Axis.SCENARIO, "frozen-linear", Map.of(
                    "epochs", frozenCellsCached ? FROZEN_LINEAR_EPOCHS : FROZEN_LINEAR_EPOCHS_UNCACHED,
                    "batchSize", frozenCellsCached ? FROZEN_LINEAR_BATCH_SIZE : BATCH_SIZE)));
            if (frozenCellsCached && (grid == null || grid.isEmpty())) b.optLearningRateGrid(FROZEN_LINEAR_GRID);
        }
        if (frozenCellsCached && scenarios.contains("frozen-deit")) {
            b.addOverride(new TrainingOverride(TrainingOverride.Axis.SCENARIO, "frozen-deit", Map.of(
                    "epochs", FROZEN_DEIT_EPOCHS, "batchSize", FROZEN_DEIT_BATCH_SIZE)));
        }
    }

    /** Extracts the eight tiny backbones (model.onnx + model.json) under {@code dir}; name → ONNX file. */
    static Map<String, Path> models(Path dir) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String f : FAMILIES) out.put(f, extract(dir, f));
        return out;
    }

    /** Extracts the tiny DeiT classifier tail under {@code dir}. */
    static Path deitTail(Path dir) {
        return extract(dir, DEIT_TAIL);
    }

    /** Generates (or reuses) the four synthmed tasks under {@code dir}. */
    static List<DatasetSpec> datasets(Path dir) {
        List<DatasetSpec> out = new ArrayList<>();
        for (SynthMed.Entry e : SynthMed.generate(dir)) out.add(new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults()));
        return out;
    }

    private static Path extract(Path dir, String family) {
        Path target = dir.resolve(family);
        try {
            Files.createDirectories(target);
            for (String file : List.of("model.json", "model.onnx", GRAY_VARIANT)) {
                String resource = RESOURCES + family + "/" + file;
                try (InputStream in = EmbeddedDefault.class.getResourceAsStream(resource)) {
                    if (in == null && file.equals(GRAY_VARIANT)) continue; // only families whose study stem differs have one
                    if (in == null) throw new IllegalStateException("the plugin jar lacks " + resource + "; rebuild the plugin");
                    byte[] bytes = in.readAllBytes();
                    Path out = target.resolve(file);
                    if (Files.isRegularFile(out) && Files.size(out) == bytes.length && java.util.Arrays.equals(Files.readAllBytes(out), bytes)) continue;
                    AtomicFiles.write(out, bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the embedded " + family + " fixture to " + target, e);
        }
        return target.resolve("model.onnx");
    }
}
