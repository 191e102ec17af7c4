package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every tiny backbone fixture, imported exactly as torch exported it (dynamic batch), matches PyTorch's
 * outputs at batch 1 and batch 4 within relative L2 1e-4 — the same graph serves both batch sizes.
 */
class BackboneFixtureTest {

    static final double TOLERANCE = 1e-4;

    @TestFactory
    List<DynamicTest> tinyBackbonesMatchPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Fixtures.dirs("tiny")) {
            tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> checkFixture(dir)));
        }
        return tests;
    }

    @Test
    void everyStudyFamilyHasAFixture() {
        List<String> names = Fixtures.dirs("tiny").stream().map(p -> p.getFileName().toString()).toList();
        for (String family : List.of("dinov2-vitb14", "deit-b16", "dino-vitb16", "openclip-vitb16", "blip-vitb16",
                "sam-vitb", "seem-focalnet-t", "resnet152", "deit-tail")) {
            assertTrue(names.contains(family), "no tiny fixture for " + family + " (run tools/export/make_fixtures.sh)");
        }
    }

    static void checkFixture(Path dir) {
        checkFixture(dir, false);
    }

    /** {@link #checkFixture(Path)} on the import a frozen cell uses ({@code forwardOnly}) or the one that trains. */
    static void checkFixture(Path dir, boolean forwardOnly) {
        Backbone backbone = BackboneLoader.load(dir.resolve("model.onnx"), forwardOnly);
        assertFalse(backbone.parameters().isEmpty(), "weights must be variables");
        for (int batch : new int[]{1, 4}) {
            INDArray input = Fixtures.npy(dir.resolve("input_b" + batch + ".npy"));
            Map<String, INDArray> out = backbone.forward(input);
            int compared = 0;
            for (String name : backbone.outputNames()) {
                Path ref = dir.resolve(name + "_b" + batch + ".npy");
                if (!Files.exists(ref)) continue;
                double err = Fixtures.relativeL2(out.get(name), Fixtures.npy(ref));
                assertTrue(err < TOLERANCE, dir.getFileName() + " " + name + " at batch " + batch + ": relative L2 " + err);
                compared++;
            }
            assertEquals(backbone.outputNames().size(), compared, "every output has a reference");
        }
    }
}
