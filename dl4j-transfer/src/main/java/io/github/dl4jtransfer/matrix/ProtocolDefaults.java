package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.train.TrainerConfig;

import java.util.Locale;
import java.util.Map;

/**
 * The training settings and reader options a {@link Protocol} sets, where they are not the records' own defaults.
 * They apply only where the user set nothing: an explicit {@code <training>}, {@code <override>} or
 * {@code <dataset>} value always wins.
 */
final class ProtocolDefaults {

    private ProtocolDefaults() {
    }

    /**
     * Training settings for a cell of dataset format {@code format}. The study: a linear warm-up, then a constant
     * rate (its scheduler has no decay); warm-up 5 epochs for APTOS and DDSM, 1000 iterations for ISIC and
     * CheXpert, none for anything else ({@code classification.py} {@code update_warmup}, lines 103–112). Modern:
     * the record's defaults (cosine after 5 epochs of warm-up capped at 1000 iterations).
     */
    static Map<String, Object> training(Protocol protocol, String format) {
        if (protocol == Protocol.MODERN) return Map.of();
        Map<String, Object> schedule = Map.of("schedule", TrainerConfig.Schedule.CONSTANT);
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "aptos2019", "ddsm" -> with(schedule, Map.of("warmupEpochs", 5, "warmupIterationsCap", Integer.MAX_VALUE));
            case "isic2019", "chexpert" -> with(schedule, Map.of("warmupEpochs", Integer.MAX_VALUE / 1024, "warmupIterationsCap", 1000));
            default -> with(schedule, Map.of("warmupEpochs", 0));
        };
    }

    /** Reader options: the study's CheXpert labels set "No Finding" where all 14 are 0 ({@code defaults/datasets.py:72-76}). */
    static Map<String, Object> dataset(Protocol protocol) {
        return protocol == Protocol.STUDY ? Map.of("noFindingWhenAllZero", true) : Map.of();
    }

    private static Map<String, Object> with(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }
}
