package io.github.dl4jtransfer.data;

/**
 * What CheXpert's uncertain labels (-1) become (Irvin et al. 2019). U-Ignore (masking the loss) is not
 * offered: it would need a per-label mask in every batch, which the study did not use.
 */
public enum UncertaintyPolicy {
    /** Uncertain → 0 (the study's default). */
    U_ZEROES,
    /** Uncertain → 1. */
    U_ONES;

    public float value() {
        return this == U_ONES ? 1f : 0f;
    }
}
