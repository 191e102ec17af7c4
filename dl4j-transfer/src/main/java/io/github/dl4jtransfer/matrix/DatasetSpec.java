package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.DatasetOptions;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A dataset of the matrix.
 *
 * @param name    short name used in cell ids and reports ("aptos")
 * @param format  reader format: aptos2019, isic2019, ddsm, chexpert, imagefolder, csv, medmnist
 * @param path    the dataset root (or the .npz / .csv file for the single-file formats)
 * @param options reader options (bad-image handling, CheXpert uncertainty policy…)
 */
public record DatasetSpec(String name, String format, Path path, DatasetOptions options) {
    public DatasetSpec {
        Objects.requireNonNull(name, "dataset name");
        Objects.requireNonNull(format, "dataset format");
        Objects.requireNonNull(path, "dataset path");
        if (options == null) options = DatasetOptions.defaults();
    }
}
