package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.ImageDecoder;

import java.nio.file.Path;
import java.util.List;

/**
 * The MedMNIST reader under the fuzz property: the input is the {@code .npz} archive's bytes (a zip of {@code .npy}
 * arrays: the seeds are stored, so byte mutations reach the headers and the data). The dataset is read and its first
 * images decoded from the arrays, as training would; errors are a {@link DatasetException} naming the archive.
 */
class MedMnistFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        try (Sandbox box = new Sandbox()) {
            Path npz = box.write("organ.npz", data);
            box.seal();
            FuzzContract.check(FuzzContract.Named.of(npz.toString(), List.of(DatasetException.class)), () -> {
                Dataset ds = Datasets.read("medmnist", npz);
                ds.samples().stream().limit(16).forEach(s -> ImageDecoder.decode(s.image()));
            });
        }
    }
}
