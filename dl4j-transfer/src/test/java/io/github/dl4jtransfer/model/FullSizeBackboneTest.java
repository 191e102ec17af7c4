package io.github.dl4jtransfer.model;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full-size random-weight exports (DeiT-B/16, DINOv2 ViT-B/14, ResNet-152, and whatever else
 * {@code tools/export/make_full.sh} wrote) meet the same fidelity bound as the tiny fixtures.
 * Run with {@code mvn -Pslow test -pl dl4j-transfer} after {@code tools/export/make_full.sh}.
 */
@Tag("slow")
class FullSizeBackboneTest {

    static Path exportsDir() {
        String dir = System.getProperty("transfer.fullExports", System.getenv().getOrDefault("TRANSFER_FULL_EXPORTS", "../target/full-exports"));
        return Path.of(dir);
    }

    @TestFactory
    List<DynamicTest> fullSizeBackbonesMatchPyTorch() {
        Path root = exportsDir();
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : List.of("deit-b16", "dinov2-vitb14", "resnet152")) {
            Path dir = root.resolve(name);
            tests.add(DynamicTest.dynamicTest(name, () -> {
                assertTrue(Files.isRegularFile(dir.resolve("model.onnx")),
                        "no full-size export at " + dir.toAbsolutePath() + "; run tools/export/make_full.sh first");
                BackboneFixtureTest.checkFixture(dir);
            }));
        }
        // every other export present (the study's other backbones, ConvNeXt-T), on the import a frozen cell runs
        // (forward only: depthwise convolutions as taps on the plain build, oneDNN's op on a oneDNN build)
        for (String name : List.of("deit-b16", "sam-vitb", "openclip-vitb16", "blip-vitb16", "dino-vitb16", "seem-focalnet-t",
                "resnet152", "convnext-t")) {
            Path dir = root.resolve(name);
            if (!Files.isRegularFile(dir.resolve("model.json"))) continue;
            tests.add(DynamicTest.dynamicTest(name + " forward-only", () -> BackboneFixtureTest.checkFixture(dir, true)));
        }
        return tests;
    }
}
