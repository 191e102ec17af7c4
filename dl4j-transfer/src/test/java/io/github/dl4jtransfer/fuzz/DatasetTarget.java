package io.github.dl4jtransfer.fuzz;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.formats.Datasets;

import java.util.List;

/**
 * The fuzz target every dataset format shares: a {@link FileSet} written into a sandbox and read with
 * {@link Datasets#read} as the plan would read it. Options must parse or fail as a {@link ConfigException}; the read
 * must give a dataset or a {@link DatasetException} naming a file of the dataset (its message holds the root's path).
 */
final class DatasetTarget {

    private DatasetTarget() {
    }

    static void read(String format, byte[] data) {
        FileSet fs = FileSet.parse(data);
        DatasetOptions[] opts = {DatasetOptions.defaults()};
        FuzzContract.check(FuzzContract.Named.of(null, List.of(ConfigException.class)), () ->
                opts[0] = DatasetOptions.SETTINGS.apply(DatasetOptions.defaults(), DatasetOptions.SETTINGS.parse(fs.options, "<dataset>"), "<dataset>"));
        try (Sandbox box = new Sandbox()) {
            fs.writeInto(box);
            box.seal();
            FuzzContract.check(FuzzContract.Named.of(box.in.toString(), List.of(DatasetException.class)), () -> {
                Dataset ds = Datasets.read(format, box.in, opts[0]);
                ds.samples().forEach(s -> s.id().length()); // every sample has an id
            });
        }
    }
}
