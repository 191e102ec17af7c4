package io.github.dl4jtransfer.fuzz;

import io.github.dl4jtransfer.graph.OnnxImportException;
import io.github.dl4jtransfer.model.BackboneLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fuzz target both ONNX fuzz tests share: a model file's bytes written as {@code model.onnx} and imported in full
 * ({@link BackboneLoader#load(Path, io.github.dl4jtransfer.model.Sidecar)}: protobuf parse, initializer checks,
 * translation of every node into a SameDiff graph). An import either gives a backbone or an
 * {@link OnnxImportException} naming the file.
 *
 * <p>The seed is the tiny DeiT classifier tail, the smallest fixture (424 KB, ~30 ms an import): the backbones'
 * fixtures take 40-280 ms, too slow for a thousand imports per build.
 */
final class OnnxTarget {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/tiny/deit-tail/model.onnx");
    static final byte[] SEED = read(FIXTURE);

    private OnnxTarget() {
    }

    static void load(byte[] model) {
        try (Sandbox box = new Sandbox()) {
            Path file = box.write("model.onnx", model);
            box.seal();
            FuzzContract.check(FuzzContract.Named.of(file.toString(), List.of(OnnxImportException.class)),
                    () -> BackboneLoader.load(file, null).sameDiff());
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
