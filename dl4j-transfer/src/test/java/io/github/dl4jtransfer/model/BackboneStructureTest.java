package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What later scenarios rely on: module-named weights, block groups, any batch size, gradients. */
class BackboneStructureTest {

    static Backbone deit;

    @BeforeAll
    static void load() {
        deit = BackboneLoader.load(Fixtures.tiny("deit-b16"));
    }

    @Test
    void weightsAreNamedAfterTheirModules() {
        for (String name : deit.parameters().keySet()) {
            assertFalse(name.contains("onnx::"), "anonymous weight name " + name);
            assertEquals(VariableType.VARIABLE, deit.parameters().get(name).getVariableType(), name);
        }
        for (String expected : List.of("patch_embed.proj.weight", "cls_token", "pos_embed", "blocks.0.attn.qkv.weight",
                "blocks.0.attn.qkv.bias", "blocks.1.mlp.fc2.weight", "blocks.1.norm2.bias", "norm.weight")) {
            assertTrue(deit.parameters().containsKey(expected), expected + " missing from " + deit.parameters().keySet());
        }
    }

    @Test
    void parametersAreGroupedByBlock() {
        ParameterGroups g = deit.parameterGroups();
        assertEquals(List.of("blocks.0", "blocks.1"), g.blocks());
        assertEquals(12, g.groups().get("blocks.1").size());
        assertEquals("patch_embed", g.groupOf("patch_embed.proj.weight"));
        assertEquals("blocks.0", g.groupOf("blocks.0.attn.proj.bias"));
        long total = 0;
        for (SDVariable v : deit.parameters().values()) total += v.getArr().length();
        assertEquals(total, deit.parameterCount());
    }

    @Test
    void oneGraphServesEveryBatchSizeSampleBySample() {
        INDArray batch = Fixtures.npy(Fixtures.tiny("deit-b16").resolveSibling("input_b4.npy"));
        INDArray all = deit.forward(batch).get("features");
        for (int i = 0; i < 4; i++) {
            INDArray one = deit.forward(batch.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup())
                    .get("features");
            double err = Fixtures.relativeL2(one, all.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all()));
            assertTrue(err < 1e-5, "sample " + i + " differs alone vs in a batch: " + err);
        }
        INDArray seven = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 7, 3, 64, 64);
        assertEquals(List.of(7L, 16L, 64L), List.of(deit.forward(seven).get("tokens").shape()[0],
                deit.forward(seven).get("tokens").shape()[1], deit.forward(seven).get("tokens").shape()[2]));
    }

    @Test
    void wrongInputShapeNamesTheExpectedShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> deit.forward(Nd4j.zeros(2, 3, 32, 32)));
        assertTrue(e.getMessage().contains("64, 64") && e.getMessage().contains("[2, 3, 32, 32]"), e.getMessage());
    }

    @Test
    void gradientsReachEveryWeight() {
        // M2.1's importer left graphs in eager mode with dangling references (NPE in createGradFunction).
        Backbone fresh = BackboneLoader.load(Fixtures.tiny("deit-b16"));
        SameDiff sd = fresh.sameDiff();
        SDVariable loss = sd.math.square(sd.getVariable("features")).sum("loss");
        sd.setLossVariables(loss);
        INDArray x = Fixtures.npy(Fixtures.tiny("deit-b16").resolveSibling("input_b4.npy"));
        List<String> names = new ArrayList<>(fresh.parameters().keySet());
        Map<String, INDArray> grads = sd.calculateGradients(Map.of(fresh.inputName(), x), names);
        for (String n : names) {
            INDArray gr = grads.get(n);
            assertNotNull(gr, "no gradient for " + n);
            assertTrue(gr.norm2Number().doubleValue() > 0, "zero gradient for " + n);
        }
    }
}
