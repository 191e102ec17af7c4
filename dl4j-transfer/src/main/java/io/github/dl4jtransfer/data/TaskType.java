package io.github.dl4jtransfer.data;

/**
 * How labels are shaped. Binary tasks are {@link #SINGLE_LABEL} with two classes, so that a single
 * code path (softmax over classes, one-hot targets) serves APTOS, ISIC and DDSM alike.
 */
public enum TaskType {
    /** Exactly one class per sample ({@link Sample#label()}). */
    SINGLE_LABEL,
    /** Any subset of the classes per sample ({@link Sample#labels()}, 0/1 per class). */
    MULTI_LABEL
}
