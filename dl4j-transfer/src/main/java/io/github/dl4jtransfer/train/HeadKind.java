package io.github.dl4jtransfer.train;

/** The classifier put on the backbone. */
public enum HeadKind {
    /** A linear layer on the pooled {@code features}. */
    LINEAR,
    /**
     * The study's appended DeiT classifier: patch {@code tokens} → Linear(C→768) + LayerNorm → an
     * ImageNet-pretrained DeiT-B body (own CLS token, interpolated position embedding) → linear head on its CLS.
     */
    DEIT,
    /**
     * No trained classifier: cosine-similarity k-nearest-neighbour votes over the training split's frozen
     * {@code features} ({@link KnnProbe}), the {@code frozen-knn} scenario.
     */
    KNN
}
