package io.github.dl4jtransfer.testing;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the fixtures that tools/export/make_fixtures.sh writes, and compares outputs with references. */
public final class Fixtures {

    public static final Path ROOT = Path.of("src", "test", "resources", "fixtures");

    private Fixtures() {
    }

    public static List<Path> dirs(String kind) {
        Path dir = ROOT.resolve(kind);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("fixtures missing under " + dir.toAbsolutePath()
                    + "; run tools/export/make_fixtures.sh", e);
        }
    }

    public static Path tiny(String name) {
        return ROOT.resolve("tiny").resolve(name).resolve("model.onnx");
    }

    public static INDArray npy(Path file) {
        return io.github.dl4jtransfer.io.Npy.read(file);
    }

    /** ||a - b|| / ||b||, the fidelity measure the import layer is held to (< 1e-4). */
    public static double relativeL2(INDArray actual, INDArray expected) {
        return io.github.dl4jtransfer.model.BackboneInspector.relativeL2(actual, expected);
    }
}
