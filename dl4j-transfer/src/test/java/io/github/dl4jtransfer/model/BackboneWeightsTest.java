package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sidecar's record of where the weights came from ({@code weights}, {@code weights_sha256},
 * {@code tensors_loaded}, {@code tensors_total}) and {@code inspect}'s warning about random weights.
 *
 * <p>{@code fixtures/sidecars/}: {@code deit-b16-checkpoint.json} and {@code deit-b16-nothing-loaded.json} were
 * written by {@code tools/export/export.py --family deit-b16 --tiny --weights FILE} for a checkpoint that loads
 * completely and (with {@code --allow-missing '.*'}) for one whose keys all sit under a wrong prefix;
 * {@code deit-b16-before-weight-fields.json} is the tiny DeiT sidecar as exported before the fields existed.
 */
class BackboneWeightsTest {

    private static final Path SIDECARS = Fixtures.ROOT.resolve("sidecars");

    @Test
    void aCompleteCheckpointExportRecordsItsHashAndEveryTensorLoaded() {
        Sidecar s = Sidecar.read(SIDECARS.resolve("deit-b16-checkpoint.json"));
        assertEquals("deit_base_patch16_224-b5f2ef4d.pth", s.weights());
        assertEquals("59a61c7bcce5a29b7932b8bd5b76bc0806279e6e5bd99136094e95db129774b0", s.weightsSha256());
        assertEquals(32, s.tensorsLoaded());
        assertEquals(32, s.tensorsTotal());
        assertFalse(s.randomWeights());
        BackboneWeights w = s.weightsInfo();
        assertFalse(w.partial());
        assertEquals("deit_base_patch16_224-b5f2ef4d.pth, 32 of 32 tensors loaded, sha256 59a61c7bcce5…", w.describe());
        assertNull(BackboneInspector.weightsWarning(w));
    }

    @Test
    void aCheckpointOfWhichNothingLoadedIsRandom() {
        Sidecar s = Sidecar.read(SIDECARS.resolve("deit-b16-nothing-loaded.json"));
        assertEquals("deit_prefixed.pth", s.weights());
        assertEquals(0, s.tensorsLoaded());
        assertTrue(s.randomWeights());
        String warning = BackboneInspector.weightsWarning(s.weightsInfo());
        assertTrue(warning.startsWith("RANDOM WEIGHTS: no tensor of deit_prefixed.pth was loaded"), warning);
    }

    @Test
    void everyTinyFixtureSaysItIsRandom() {
        for (Path dir : Fixtures.dirs("tiny")) {
            Sidecar s = Sidecar.read(dir.resolve("model.json"));
            assertEquals(BackboneWeights.RANDOM, s.weights(), dir.toString());
            assertNull(s.weightsSha256(), dir.toString());
            assertEquals(0, s.tensorsLoaded(), dir.toString());
            assertTrue(s.tensorsTotal() > 0, dir.toString());
            assertTrue(s.randomWeights(), dir.toString());
            assertTrue(BackboneInspector.weightsWarning(s.weightsInfo()).contains("exported without a checkpoint"));
        }
    }

    @Test
    void sidecarsWrittenBeforeTheFieldsStillLoad(@TempDir Path tmp) throws IOException {
        Sidecar old = Sidecar.read(SIDECARS.resolve("deit-b16-before-weight-fields.json"));
        assertNull(old.weightsSha256());
        assertNull(old.tensorsLoaded());
        assertNull(old.tensorsTotal());
        assertTrue(old.randomWeights(), "\"weights\": \"random\" says so without the counts");
        assertEquals("random", old.weightsInfo().describe());

        // An older checkpoint export: no counts, so nothing to warn about (and nothing is claimed).
        String json = Files.readString(SIDECARS.resolve("deit-b16-before-weight-fields.json"))
                .replace("\"weights\": \"random\"", "\"weights\": \"dinov2_vitb14_pretrain.pth\"");
        Path f = Files.writeString(tmp.resolve("model.json"), json);
        Sidecar ckpt = Sidecar.read(f);
        assertFalse(ckpt.randomWeights());
        assertEquals("dinov2_vitb14_pretrain.pth", ckpt.weightsInfo().describe());
        assertNull(BackboneInspector.weightsWarning(ckpt.weightsInfo()));

        // A hand-written sidecar without "weights" is unknown, not random.
        BackboneWeights unknown = new BackboneWeights(null, null, null, null);
        assertFalse(unknown.random());
        assertTrue(unknown.describe().startsWith("unknown"));
    }

    @Test
    void aPartialLoadAcceptedOnPurposeIsNamed() {
        BackboneWeights w = new BackboneWeights("deit.pth", "ab", 30, 32);
        assertTrue(w.partial());
        assertFalse(w.random());
        assertEquals("2 of 32 tensors are random: deit.pth did not provide them (accepted with --allow-missing at export)",
                BackboneInspector.weightsWarning(w));
    }

    @Test
    void inspectPrintsTheWeightsAndWarnsLoudlyAboutRandomOnes(@TempDir Path tmp) throws IOException {
        String random = inspect(tmp.resolve("random"), Sidecar.besides(Fixtures.tiny("deit-b16")));
        assertTrue(random.contains("  weights random (none of 32 tensors from a checkpoint)"), random);
        assertTrue(random.contains("  WARNING: RANDOM WEIGHTS: exported without a checkpoint"), random);

        String none = inspect(tmp.resolve("none"), SIDECARS.resolve("deit-b16-nothing-loaded.json"));
        assertTrue(none.contains("  weights deit_prefixed.pth, 0 of 32 tensors loaded, sha256 107f829bf518…"), none);
        assertTrue(none.contains("  WARNING: RANDOM WEIGHTS: no tensor of deit_prefixed.pth was loaded"), none);

        String loaded = inspect(tmp.resolve("loaded"), SIDECARS.resolve("deit-b16-checkpoint.json"));
        assertTrue(loaded.contains("  weights deit_base_patch16_224-b5f2ef4d.pth, 32 of 32 tensors loaded"), loaded);
        assertFalse(loaded.contains("WARNING"), loaded);
    }

    /** {@code inspect} on the tiny DeiT graph next to the given sidecar (no references: only the description). */
    private static String inspect(Path dir, Path sidecar) throws IOException {
        Files.createDirectories(dir);
        Path onnx = Files.copy(Fixtures.tiny("deit-b16"), dir.resolve("model.onnx"));
        Files.copy(sidecar, dir.resolve("model.json"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            BackboneInspector.inspect(onnx, null, ps);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
