package io.github.dl4jtransfer.config;

/**
 * Which experimental protocol a cell follows. {@link #STUDY} is the study's code as it ran (Palés Huix et al.,
 * WACV 2024, GitHub joanaapa/Foundation-Medical): its feature taps, preprocessing, schedule, labels and splits.
 * {@link #MODERN} is this project's recommendation (aspect-preserving resize, each model's mean/std, cosine,
 * group-disjoint stratified splits, cached frozen features). Each setting a protocol resolves can still be
 * overridden on its own; docs/scenarios.md tabulates them.
 */
public enum Protocol {
    STUDY, MODERN;

    public static Protocol parse(String text) {
        for (Protocol p : values()) if (p.name().equalsIgnoreCase(text == null ? "" : text.trim())) return p;
        throw new ConfigException("<protocol>", "'" + text + "' is not a protocol", "use study (the study's code as it ran) or modern");
    }

    public String id() {
        return name().toLowerCase();
    }
}
