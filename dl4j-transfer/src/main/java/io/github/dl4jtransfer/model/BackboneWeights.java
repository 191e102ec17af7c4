package io.github.dl4jtransfer.model;

import java.util.Locale;

/**
 * Where a backbone's weights came from, as its sidecar records it ({@code tools/export/export.py}): the
 * checkpoint file (or {@code "random"}), its SHA-256, and how many of the model's tensors were taken from it.
 * Sidecars written before the hash and the counts were recorded leave them null (unknown).
 *
 * @param weights       the checkpoint's file name, {@value #RANDOM} when exported without one, null when the
 *                      sidecar does not say (a hand-written one)
 * @param sha256        SHA-256 of the checkpoint file; null for random weights or when not recorded
 * @param tensorsLoaded model tensors taken from the checkpoint (0 for random weights); null when not recorded
 * @param tensorsTotal  tensors the model has (its floating-point state); null when not recorded
 */
public record BackboneWeights(String weights, String sha256, Integer tensorsLoaded, Integer tensorsTotal) {

    /** The sidecar's {@code weights} value of an export without a checkpoint. */
    public static final String RANDOM = "random";

    /** What a report or {@code inspect} prints next to such a backbone's name. */
    public static final String RANDOM_MARKER = "⚠ random weights";

    /**
     * No pretrained weight at all: exported without a checkpoint, or none of the checkpoint's tensors loaded
     * (accepted with {@code --allow-missing}). A sidecar that does not say is not taken as random.
     */
    public boolean random() {
        return RANDOM.equalsIgnoreCase(weights) || (tensorsLoaded != null && tensorsLoaded == 0);
    }

    /** Some, but not all, of the model's tensors came from the checkpoint (the rest stayed random). */
    public boolean partial() {
        return tensorsLoaded != null && tensorsTotal != null && tensorsLoaded > 0 && tensorsLoaded < tensorsTotal;
    }

    /**
     * One line for people: {@code "random"}, {@code "dinov2_vitb14_pretrain.pth, 175 of 175 tensors loaded, sha256
     * 3a1b…"}, {@code "ckpt.pth, 0 of 32 tensors loaded"}, {@code "unknown"}.
     */
    public String describe() {
        if (weights == null) return "unknown (the sidecar does not say)";
        if (RANDOM.equalsIgnoreCase(weights)) {
            return RANDOM + (tensorsTotal == null ? "" : String.format(Locale.ROOT, " (none of %d tensors from a checkpoint)", tensorsTotal));
        }
        StringBuilder sb = new StringBuilder(weights);
        if (tensorsLoaded != null) {
            sb.append(", ").append(tensorsLoaded);
            if (tensorsTotal != null) sb.append(" of ").append(tensorsTotal);
            sb.append(" tensors loaded");
        }
        if (sha256 != null) sb.append(", sha256 ").append(sha256, 0, Math.min(12, sha256.length())).append('…');
        return sb.toString();
    }
}
