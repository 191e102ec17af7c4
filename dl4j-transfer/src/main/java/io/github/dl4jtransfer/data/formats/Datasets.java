package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one entry point from "format name + path" to a {@link Dataset}:
 * <pre>{@code
 * Dataset aptos = Datasets.read("aptos2019", Path.of("/data/aptos2019"));
 * Dataset mine  = Datasets.read("csv", Path.of("labels.csv"), DatasetOptions.builder().optSkipBadImages(true).build());
 * }</pre>
 * Format names are case-insensitive; "-" and "_" are ignored so that "ISIC-2019" and "med_mnist" work.
 *
 * <p>The registry lives with the readers it lists: the readers build on {@code data}'s types, so a registry
 * in {@code data} would make {@code data} and {@code data.formats} depend on each other.
 */
public final class Datasets {

    private static final Map<String, DatasetReader> READERS = new LinkedHashMap<>();

    static {
        for (DatasetReader r : List.of(new Aptos2019Reader(), new Isic2019Reader(), new DdsmReader(), new ChexpertReader(),
                new ImageFolderReader(), new CsvManifestReader(), new MedMnistReader())) {
            READERS.put(r.format(), r);
        }
    }

    private Datasets() {
    }

    /** The format names, in the order the study lists its datasets, then the generic ones. */
    public static List<String> formats() {
        return List.copyOf(READERS.keySet());
    }

    /** The reader for {@code format}; an unknown name is an error listing every format and its layout. */
    public static DatasetReader reader(String format) {
        Objects.requireNonNull(format, "format");
        String key = format.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").strip();
        DatasetReader r = READERS.get(key);
        if (r == null) {
            StringBuilder m = new StringBuilder("unknown dataset format '").append(format).append("'; expected one of:");
            READERS.values().forEach(x -> m.append("\n  ").append(x.format()).append(": ").append(x.layout()));
            throw new DatasetException(m.toString());
        }
        return r;
    }

    public static Dataset read(String format, Path path) {
        return read(format, path, DatasetOptions.defaults());
    }

    public static Dataset read(String format, Path path, DatasetOptions options) {
        DatasetReader r = reader(format);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (!Files.exists(path)) {
            throw new DatasetException(path.toAbsolutePath() + ": no such file or folder; format '" + r.format()
                    + "' expects " + r.layout());
        }
        try {
            return r.read(path, options);
        } catch (IllegalArgumentException e) {
            // A task the files describe that cannot be (duplicate or blank class names from a header, a <metric> the task
            // cannot be scored with): Task says what is wrong, not where (found by CsvManifestFuzzTest).
            throw new DatasetException(path.toAbsolutePath() + ": " + e.getMessage() + "; check the dataset's label columns"
                    + " and its <metric>", e);
        }
    }
}
