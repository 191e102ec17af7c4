package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.model.Sidecar;

import java.nio.file.Path;
import java.util.List;

/**
 * Backbone sidecars ({@code model.json}) under the fuzz property: the input is the JSON (seeds: the tiny fixtures'
 * sidecars). {@link Sidecar#read} fails with an IllegalArgumentException naming the file (its documented contract);
 * what the loader then asks of a sidecar that reads (preprocessing, output names, drop path, the 1-channel variant)
 * fails with one naming the backbone or works. Which fields a sidecar must have is the import checks' business, not
 * this test's: it only asks that nothing fails unnamed.
 */
class SidecarFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        try (Sandbox box = new Sandbox()) {
            Path file = box.write("model.json", data);
            box.seal();
            Sidecar[] read = new Sidecar[1];
            FuzzContract.check(FuzzContract.Named.of(file.toString(), List.of(IllegalArgumentException.class)), () -> read[0] = Sidecar.read(file));
            Sidecar s = read[0];
            if (s == null) return;
            FuzzContract.check(FuzzContract.Named.of(String.valueOf(s.name()), List.of(IllegalArgumentException.class)), () -> {
                s.inputShape();
                for (BackboneOutput role : BackboneOutput.values()) {
                    for (Protocol p : Protocol.values()) s.outputName(role, p);
                }
                s.dropPathRate(Protocol.STUDY);
                s.weightsInfo().random();
                if (s.grayscale() != null) s.forGrayscaleVariant().inputShape();
                s.preprocessing();
            });
        }
    }
}
