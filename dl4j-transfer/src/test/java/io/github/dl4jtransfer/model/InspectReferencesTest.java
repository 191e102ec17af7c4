package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.io.Npy;
import io.github.dl4jtransfer.testing.Fixtures;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code transfer:inspect} ({@link BackboneInspector}) compares every batch size whose references lie next to the model
 * (the sweep writes batch 1 and 5; batch 5 used to be skipped silently) and says which it compared.
 */
class InspectReferencesTest {

    private static final Path VIT = Fixtures.ROOT.resolve("torchvision").resolve("vit-tiny");

    @Test
    void everyBatchWithReferencesIsComparedAndNamed() {
        String out = inspect(VIT);
        assertTrue(out.contains("at batch 1, 5\n"), out);
        assertTrue(out.contains("  batch 5 features   relative L2"), out);
        assertTrue(out.contains("  batch 5 tokens     relative L2"), out);
    }

    @Test
    void aWrongBatch5ReferenceIsCaught(@TempDir Path tmp) throws IOException {
        Path dir = copy(VIT, tmp);
        Nd4j.writeAsNumpy(Npy.read(VIT.resolve("features_b5.npy")).mul(1.01), dir.resolve("features_b5.npy").toFile());
        double worst = BackboneInspector.inspect(dir.resolve("model.onnx"), dir, new PrintStream(new ByteArrayOutputStream()));
        assertTrue(worst > 5e-3 && worst < 2e-2, "the 1 % change at batch 5 shows: " + worst);
    }

    @Test
    void anyBatchSizeIsFoundAndAMissingOutputReferenceIsSaid(@TempDir Path tmp) throws IOException {
        Path dir = copy(VIT, tmp);
        Files.move(dir.resolve("input_b5.npy"), dir.resolve("input_b12.npy"));
        Files.move(dir.resolve("features_b5.npy"), dir.resolve("features_b12.npy"));
        Files.delete(dir.resolve("tokens_b5.npy"));
        Files.copy(dir.resolve("input_b1.npy"), dir.resolve("gray_input_b3.npy"));   // SEEM's 1-channel graph's: not ours
        assertEquals(List.of(1, 12), BackboneInspector.referenceBatches(dir));
        String out = inspect(dir);
        assertTrue(out.contains("at batch 1, 12\n"), out);
        assertTrue(out.contains("  batch 12 tokens     no reference (tokens_b12.npy)"), out);
    }

    @Test
    void noReferencesIsSaid(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(VIT.resolve("model.onnx"), dir.resolve("model.onnx"));
        Files.copy(VIT.resolve("model.json"), dir.resolve("model.json"));
        assertTrue(inspect(dir).contains("no references (input_bN.npy) in " + dir + ": nothing compared"));
    }

    private static Path copy(Path from, Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(from.getFileName()));
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    private static String inspect(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            double worst = BackboneInspector.inspect(dir.resolve("model.onnx"), dir, ps);
            assertTrue(worst < 1e-4, "worst " + worst);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
