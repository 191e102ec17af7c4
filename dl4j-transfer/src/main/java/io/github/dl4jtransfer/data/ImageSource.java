package io.github.dl4jtransfer.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a sample's pixels come from: an image file, or one image of an array in a MedMNIST-style
 * {@code .npz} (where there is no file per image).
 */
public sealed interface ImageSource permits ImageSource.FileImage, ImageSource.ArrayImage {

    /** Human-readable location for error messages ("…/train_images/abc.png", "x.npz[train_images][17]"). */
    String describe();

    /** An encoded image file (PNG, JPEG, BMP, GIF — whatever {@code javax.imageio} reads). */
    record FileImage(Path path) implements ImageSource {
        public FileImage {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }

    /** Image {@code index} of a uint8 array of shape (N, H, W) or (N, H, W, C) in an .npz archive. */
    record ArrayImage(NpzArray array, int index) implements ImageSource {
        public ArrayImage {
            Objects.requireNonNull(array, "array");
            if (index < 0) throw new IllegalArgumentException("negative index " + index);
        }

        @Override
        public String describe() {
            return array.file() + "[" + array.key() + "][" + index + "]";
        }
    }
}
