package io.github.dl4jtransfer.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sidecar is checked when it is read and against its graph when the backbone loads: a missing field, or one that
 * does not fit the graph, fails at load naming the field and the file (nothing is replaced by a default, nothing
 * waits for the first forward pass). Each case edits one field of the tiny DeiT's sidecar.
 */
class SidecarValidationTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mean", "std", "interpolation", "image_size", "outputs", "input_name"})
    void aMissingFieldIsAnErrorNamingItAndTheFile(String field) throws IOException {
        Path onnx = copyWith(s -> s.remove(field));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(onnx));
        assertNamesFieldAndFile(e, field);
        assertThrows(IllegalArgumentException.class, () -> Sidecar.read(Sidecar.besides(onnx)), "already when read");
    }

    @Test
    void anImageSizeThatDisagreesWithTheGraphsInputFailsAtLoad() throws IOException {
        Path onnx = copyWith(s -> s.set("image_size", Json.MAPPER.valueToTree(new int[]{3, 32, 32})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(onnx));
        assertNamesFieldAndFile(e, "image_size");
        assertTrue(e.getMessage().contains("[3, 32, 32] disagrees with input 'images'") && e.getMessage().contains("64, 64]"),
                e.getMessage());

        Path rank = copyWith(s -> s.set("image_size", Json.MAPPER.valueToTree(new int[]{64, 64})));
        assertNamesFieldAndFile(assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(rank)), "image_size");
    }

    @Test
    void anInputNameThatIsNotTheGraphsInputFailsAtLoad() throws IOException {
        Path onnx = copyWith(s -> s.put("input_name", "pixels"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(onnx));
        assertNamesFieldAndFile(e, "input_name");
        assertTrue(e.getMessage().contains("'pixels' is not an input") && e.getMessage().contains("[images]"), e.getMessage());
    }

    @Test
    void anOutputTheGraphLacksFailsAtLoad() throws IOException {
        Path onnx = copyWith(s -> ((ObjectNode) s.get("outputs")).put("tokens", "patch_tokens"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(onnx));
        assertNamesFieldAndFile(e, "outputs");
        assertTrue(e.getMessage().contains("'tokens' names 'patch_tokens', which is not an output"), e.getMessage());

        Path study = copyWith(s -> ((ObjectNode) s.get("study").get("outputs")).put("features", "study_features"));
        assertNamesFieldAndFile(assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(study)), "study.outputs");
    }

    @Test
    void preprocessingThatCannotBeUsedIsAnErrorToo() throws IOException {
        Path mean = copyWith(s -> s.set("mean", Json.MAPPER.valueToTree(new double[]{0.5, 0.5})));
        assertNamesFieldAndFile(assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(mean)), "mean");
        Path std = copyWith(s -> s.set("std", Json.MAPPER.valueToTree(new double[]{0.2, 0, 0.2})));
        assertNamesFieldAndFile(assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(std)), "std");
        Path interp = copyWith(s -> s.put("interpolation", "lanczos"));
        assertNamesFieldAndFile(assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(interp)), "interpolation");
        Path noFeatures = copyWith(s -> ((ObjectNode) s.get("outputs")).remove("features"));
        assertNamesFieldAndFile(assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(noFeatures)), "outputs");
    }

    @Test
    void theUneditedSidecarLoads() throws IOException {
        Path onnx = copyWith(s -> { });
        assertEquals(List.of("features", "tokens"), BackboneLoader.load(onnx).outputNames());
    }

    /** Every sidecar the repository ships (the embedded tiny backbones, the torchvision variants, the examples) reads. */
    @Test
    void everyShippedSidecarPassesTheChecks() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String kind : List.of("tiny", "torchvision", "sidecars")) {
            try (Stream<Path> s = Files.walk(Fixtures.ROOT.resolve(kind))) {
                s.filter(p -> p.getFileName().toString().equals("model.json") || p.getParent().endsWith("sidecars"))
                        .forEach(files::add);
            }
        }
        assertTrue(files.size() >= 26, files.toString());
        for (Path f : files) Sidecar.read(f);
    }

    private static void assertNamesFieldAndFile(IllegalArgumentException e, String field) {
        assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("model.json"), e.getMessage());
    }

    /** The tiny DeiT and its sidecar, edited by {@code edit}, in a directory of their own. */
    private Path copyWith(Consumer<ObjectNode> edit) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "sidecar");
        Path onnx = Files.copy(Fixtures.tiny("deit-b16"), dir.resolve("model.onnx"));
        ObjectNode sidecar = (ObjectNode) Json.MAPPER.readTree(Sidecar.besides(Fixtures.tiny("deit-b16")).toFile());
        edit.accept(sidecar);
        Json.MAPPER.writeValue(dir.resolve("model.json").toFile(), sidecar);
        return onnx;
    }
}
