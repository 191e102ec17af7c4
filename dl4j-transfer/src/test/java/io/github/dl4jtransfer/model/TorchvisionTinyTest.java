package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tiny variants of torchvision's classification models (the same classes, built small through their constructors'
 * knobs by {@code tools/export/sweep_torchvision.py --tiny}) import as torch wrote them and match torch at batch 1
 * and 5 from one dynamic-batch file: every op pattern of the full-size sweep ({@link TorchvisionSweepTest}, slow)
 * in the everyday suite.
 */
class TorchvisionTinyTest {

    static final Path ROOT = Fixtures.ROOT.resolve("torchvision");

    @TestFactory
    List<DynamicTest> tinyTorchvisionModelsMatchTorch() {
        return TorchvisionExports.dirs(ROOT).stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> TorchvisionExports.check(dir)))
                .toList();
    }

    @Test
    void everyFamilyOfTheSweepHasATinyVariantOrSharesOnesOps() {
        Set<String> names = new TreeSet<>();
        TorchvisionExports.dirs(ROOT).forEach(d -> names.add(d.getFileName().toString()));
        assertEquals(new TreeSet<>(List.of("convnext-tiny", "densenet-tiny", "efficientnet_b0-tiny",
                "efficientnet_v2-tiny", "googlenet-tiny", "inception_v3-tiny", "maxvit-tiny", "mobilenet_v2-tiny",
                "mobilenet_v3-tiny", "regnet_y-tiny", "shufflenet-tiny", "squeezenet-tiny", "swin-tiny", "vit-tiny")),
                names, "rerun tools/export/sweep_torchvision.py --tiny");
    }
}
