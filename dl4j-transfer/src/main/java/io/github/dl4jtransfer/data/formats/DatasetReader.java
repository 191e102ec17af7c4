package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetOptions;

import java.nio.file.Path;

/** Reads one on-disk layout into a {@link Dataset}. Implementations are stateless. */
public interface DatasetReader {

    /** The format name users pass ("aptos2019", "imagefolder", …). */
    String format();

    /** One line: what {@code root} must point at. */
    String layout();

    Dataset read(Path root, DatasetOptions options);
}
