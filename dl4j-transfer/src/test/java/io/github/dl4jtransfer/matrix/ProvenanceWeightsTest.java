package io.github.dl4jtransfer.matrix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.model.BackboneWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backbone's weights in a cell's provenance: written, read back, and absent from older result files. */
class ProvenanceWeightsTest {

    private static CellResult cell(BackboneWeights weights) {
        CellResult.Provenance prov = new CellResult.Provenance("exports/deit/model.onnx", "sha-model", null, "medmnist",
                "/data/x", "dh", "sh", Map.of("scenario", "frozen-linear"), 1, Map.of("java", "17"), "CPU", "host",
                "2026-01-01T00:00:00Z", 0);
        if (weights != null) prov = prov.withModelWeights(weights);
        return new CellResult(new CellKey("deit-b16", "x", "frozen-linear", 1), CellResult.Status.DONE, null,
                new CellResult.TaskInfo("x", "single_label", List.of("a", "b"), "accuracy"), Map.of("accuracy", 0.5),
                Map.of("accuracy", 0.5), List.of(), 0, false, new CellResult.Timings(1, 0, 1, 0, 1.0, false), 0, 1, 0, prov);
    }

    @Test
    void weightsRoundTripThroughTheCellFile(@TempDir Path dir) throws IOException {
        BackboneWeights w = new BackboneWeights("dinov2_vitb14_pretrain.pth", "3a1b", 175, 175);
        Path f = CellResults.write(dir, cell(w));
        String json = Files.readString(f);
        assertTrue(json.contains("\"modelWeights\""), json);
        assertTrue(json.contains("\"tensorsLoaded\" : 175"), json);
        for (String derived : List.of("\"randomWeights\"", "\"random\"", "\"partial\"")) {
            assertFalse(json.contains(derived), "derived, not stored: " + derived);
        }
        CellResult back = CellResults.read(f);
        assertEquals(w, back.provenance().modelWeights());
        assertFalse(back.provenance().randomWeights());
        // the DeiT tail's hash is added later; the weights survive it
        assertEquals(w, back.provenance().withDeitTailSha256("tail").modelWeights());

        CellResult random = CellResults.read(CellResults.write(dir, cell(new BackboneWeights("random", null, 0, 32))));
        assertTrue(random.provenance().randomWeights());
        assertTrue(random.provenance().modelWeights().random());
    }

    @Test
    void resultsWrittenBeforeTheFieldStillRead(@TempDir Path dir) throws IOException {
        // A cell file as older versions wrote it: no "modelWeights" key at all.
        ObjectNode tree = Json.MAPPER.valueToTree(cell(null));
        ((ObjectNode) tree.get("provenance")).remove("modelWeights");
        Path f = dir.resolve("old.json");
        Json.MAPPER.writeValue(f.toFile(), tree);
        assertFalse(Files.readString(f).contains("modelWeights"));

        CellResult old = CellResults.read(f);
        assertNull(old.provenance().modelWeights());
        assertFalse(old.provenance().randomWeights(), "unknown is not random");
        assertEquals("sha-model", old.provenance().modelSha256());
    }
}
