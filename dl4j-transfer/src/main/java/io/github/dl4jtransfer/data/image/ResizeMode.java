package io.github.dl4jtransfer.data.image;

/** How {@link Preprocessing#resize()} resizes an image before the centre crop. */
public enum ResizeMode {
    /** The shorter side becomes {@code resize}, the aspect ratio is kept (torchvision {@code Resize(int)}; timm's eval). */
    SHORTER_SIDE,
    /**
     * Both sides become {@code resize}, the aspect ratio is not kept (torchvision {@code Resize((h, w))}), as the
     * study does for every dataset and backbone ({@code defaults/bases.py:66-69}, {@code params.json:6-10}).
     */
    SQUASH
}
