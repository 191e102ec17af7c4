package io.github.dl4jtransfer.data.split;

import java.util.Locale;

/** The three partitions of a dataset. */
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
