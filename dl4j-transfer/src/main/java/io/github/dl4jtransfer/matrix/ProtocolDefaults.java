package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.train.TrainerConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training settings and reader options a {@link Protocol} sets, where they are not the records' own defaults.
 * They apply only where the user set nothing: an explicit {@code <training>}, {@code <override>} or
 * {@code <dataset>} value always wins.
 */
final class ProtocolDefaults {

    private ProtocolDefaults() {
    }

    /** The warm-up length settings: a user who sets one of them sets the warm-up's length, and the protocol none. */
    static final Set<String> WARMUP_LENGTH = Set.of("warmupEpochs", "warmupIterations", "warmupIterationsCap");

    /** The settings the study's schedule is made of ({@link TrainerConfig#withStudyWarmup}). */
    private static final List<String> STUDY_SCHEDULE = List.of("schedule", "warmupEpochs", "warmupIterations", "warmupIterationsCap",
            "warmupStartLearningRate", "warmupOvershoot");

    /**
     * Training settings for a cell of dataset format {@code format}. The study: a linear warm-up from 1e-8, one
     * increment past the peak, then a constant rate (its scheduler has no decay); warm-up 5 epochs for APTOS and
     * DDSM, 1000 iterations for ISIC and CheXpert, one iteration for anything else ({@code classification.py}
     * {@code update_warmup}, lines 103–112; {@code utils/_utils.py:116-165}). Modern: the record's defaults (cosine
     * after 5 epochs of warm-up capped at 1000 iterations).
     */
    static Map<String, Object> training(Protocol protocol, String format) {
        if (protocol == Protocol.MODERN) return Map.of();
        Map<String, Object> study = TrainerConfig.SETTINGS.values(TrainerConfig.defaults().withStudyWarmup(format));
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : STUDY_SCHEDULE) out.put(k, study.get(k));
        return out;
    }

    /** Reader options: the study's CheXpert labels set "No Finding" where all 14 are 0 ({@code defaults/datasets.py:72-76}). */
    static Map<String, Object> dataset(Protocol protocol) {
        return protocol == Protocol.STUDY ? Map.of("noFindingWhenAllZero", true) : Map.of();
    }

}
