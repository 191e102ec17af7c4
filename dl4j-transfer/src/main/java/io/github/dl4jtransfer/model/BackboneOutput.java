package io.github.dl4jtransfer.model;

/**
 * The roles of the backbone outputs this library reads. The {@link #key() key} names the role in the sidecar's
 * {@code outputs} map (role → graph output), is the graph output's name when the sidecar does not map it, and
 * names the role in the feature cache (its files and entry keys), so it must not change.
 */
public enum BackboneOutput {
    /** Pooled features (B, C): what linear heads train on. */
    FEATURES("features"),
    /** Patch tokens (B, N, C): what the DeiT classifier trains on. */
    TOKENS("tokens");

    private final String key;

    BackboneOutput(String key) {
        this.key = key;
    }

    /** The role's key: {@code "features"} or {@code "tokens"}. */
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key;
    }
}
