package io.github.dl4jtransfer.data;

import java.util.Locale;

/**
 * The three partitions of a dataset. Part of the dataset model rather than of {@code data.split}: a dataset
 * can ship its own split ({@link Dataset#shippedSplit()}), and {@code data.split} builds on {@code data}.
 */
public enum Split {
    TRAIN, VAL, TEST;

    /** "train", "val", "test": the names used in manifests, list files and MedMNIST array keys. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Split ofKey(String key) {
        for (Split s : values()) {
            if (s.key().equals(key)) return s;
        }
        throw new IllegalArgumentException("unknown split '" + key + "'; expected train, val or test");
    }
}
