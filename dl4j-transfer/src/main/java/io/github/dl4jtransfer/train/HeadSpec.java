package io.github.dl4jtransfer.train;

/**
 * What the classifier predicts: {@code outputs} classes (softmax cross-entropy) or {@code outputs}
 * independent labels (sigmoid binary cross-entropy).
 */
public record HeadSpec(int outputs, boolean multiLabel) {
    public HeadSpec {
        if (outputs < 2 && !multiLabel) throw new IllegalArgumentException("a single-label task needs at least 2 classes, got " + outputs);
        if (outputs < 1) throw new IllegalArgumentException("a multi-label task needs at least 1 label");
    }

    public static HeadSpec singleLabel(int classes) {
        return new HeadSpec(classes, false);
    }

    public static HeadSpec multiLabel(int labels) {
        return new HeadSpec(labels, true);
    }
}
