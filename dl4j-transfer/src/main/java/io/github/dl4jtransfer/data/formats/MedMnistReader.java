package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.NpzArray;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.data.Split;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * MedMNIST / MedMNIST+ {@code .npz}: arrays {@code train_images}, {@code train_labels}, {@code val_*},
 * {@code test_*}; images uint8 (N, H, W) gray or (N, H, W, 3) RGB at 28–224 px, labels (N, 1) class
 * indices or (N, L) 0/1 for multi-label ChestMNIST. The archive's split is shipped. Class names are the
 * indices ("0".."K-1"): the archive carries no names (they live in the medmnist package's INFO).
 * {@code path} is the .npz or a folder holding exactly one.
 */
public final class MedMnistReader implements DatasetReader {

    private static final String EXPECTED = "arrays train_images/train_labels, val_images/val_labels, test_images/test_labels";

    @Override
    public String format() {
        return "medmnist";
    }

    @Override
    public String layout() {
        return "a MedMNIST .npz (" + EXPECTED + ")";
    }

    @Override
    public Dataset read(Path path, DatasetOptions opts) {
        Path file = Files.isDirectory(path) ? single(path) : path;
        List<String> keys = NpzArray.keys(file);
        List<Split> present = new ArrayList<>();
        for (Split s : Split.values()) {
            boolean img = keys.contains(s.key() + "_images"), lab = keys.contains(s.key() + "_labels");
            if (img != lab) {
                throw DatasetException.at(file, 0, s.key() + (img ? "_labels" : "_images"), "missing array (archive has " + keys + ")",
                        "Expected " + EXPECTED);
            }
            if (img) present.add(s);
        }
        if (!present.contains(Split.TRAIN)) {
            throw DatasetException.at(file, 0, "train_images", "missing array (archive has " + keys + ")", "Expected " + EXPECTED);
        }
        // First pass over the labels: their shape decides single- vs multi-label and the class count.
        int width = -1, maxLabel = 0;
        for (Split s : present) {
            NpzArray images = new NpzArray(file, s.key() + "_images"), labels = new NpzArray(file, s.key() + "_labels");
            long[] is = images.shape(), ls = labels.shape();
            if (is.length != 3 && !(is.length == 4 && (is[3] == 1 || is[3] == 3))) {
                throw DatasetException.at(file, 0, images.key(), "expected uint8 images of shape (N, H, W) or (N, H, W, 3), found "
                        + Arrays.toString(is), "Save images as MedMNIST does");
            }
            if (ls[0] != is[0]) {
                throw DatasetException.at(file, 0, labels.key(), ls[0] + " labels for " + is[0] + " images", "Each image needs one label row");
            }
            int w = ls.length == 1 ? 1 : (int) ls[1];
            if (width >= 0 && w != width) {
                throw DatasetException.at(file, 0, labels.key(), "label width " + w + " differs from other splits' " + width, "All splits need the same label columns");
            }
            width = w;
            for (int i = 0; i < labels.length(); i++) {
                for (float v : labels.floatRow(i)) {
                    if (v < 0 || v != Math.rint(v)) {
                        throw DatasetException.at(file, 0, labels.key(), "row " + i + ": expected a class index or 0/1, found " + v,
                                "MedMNIST labels are non-negative integers");
                    }
                    maxLabel = Math.max(maxLabel, (int) v);
                }
            }
        }
        boolean multi = width > 1;
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < (multi ? width : Math.max(2, maxLabel + 1)); k++) classes.add(Integer.toString(k));
        TaskType type = multi ? TaskType.MULTI_LABEL : TaskType.SINGLE_LABEL;
        String stem = Readers.stem(file);
        Task task = new Task(Readers.name(opts, stem), type, classes, Readers.metric(opts, Task.defaultMetric(type, classes.size())));
        Dataset.Builder b = Dataset.builder(format(), file, task).optHashImageBytes(opts.hashImageBytes());
        for (Split s : present) {
            NpzArray images = new NpzArray(file, s.key() + "_images"), labels = new NpzArray(file, s.key() + "_labels");
            for (int i = 0; i < images.length(); i++) {
                String id = s.key() + "/" + i;
                float[] y = labels.floatRow(i);
                if (multi && (Arrays.stream(toDouble(y)).anyMatch(v -> v > 1))) {
                    throw DatasetException.at(file, 0, labels.key(), "row " + i + ": multi-label values must be 0 or 1, found " + Arrays.toString(y),
                            "Multi-label MedMNIST labels are 0/1 per column");
                }
                ImageSource src = new ImageSource.ArrayImage(images, i);
                b.origin(id, file, 0);
                b.add(multi ? Sample.multi(id, src, y, null) : Sample.single(id, src, (int) y[0], null), s);
            }
        }
        return b.build();
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static Path single(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> npz = s.filter(p -> p.getFileName().toString().endsWith(".npz")).sorted().toList();
            if (npz.size() != 1) {
                throw new DatasetException(dir + ": expected exactly one .npz file, found " + npz.size()
                        + (npz.isEmpty() ? "" : " " + npz.stream().map(p -> p.getFileName().toString()).toList())
                        + "; point the medmnist format at the .npz itself");
            }
            return npz.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
