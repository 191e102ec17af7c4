package io.github.dl4jtransfer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient clipping and AdamW against torch.optim.AdamW + clip_grad_norm_ (fixture: tools/reference/make_adamw_fixtures.py):
 * five steps with changing learning rates over a decayed weight, a bias and a position embedding (not decayed) and a
 * tensor long enough for the parallel chunks. Both of our paths: the fused float32 pass and the ND4J ops (float64
 * arrays, which the fused pass does not read).
 */
class AdamWReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BIG = "blocks.0.mlp.fc1.weight";

    @Test
    void fusedFloatStepMatchesTorch() throws IOException {
        assertMatchesTorch(DataType.FLOAT);
    }

    @Test
    void opPathMatchesTorch() throws IOException {
        assertMatchesTorch(DataType.DOUBLE);
    }

    @Test
    void denseViewOnlyForWholeRowMajorFloatArrays() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 4, 5);
        assertNotNull(DenseFloats.of(a));
        DenseFloats.of(a).put(7, 42f); // the buffer is the array's own memory
        assertEquals(42f, a.getFloat(1, 2));
        assertNull(DenseFloats.of(a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3))), "a view");
        assertNull(DenseFloats.of(a.dup('f')), "column-major");
        assertNull(DenseFloats.of(a.castTo(DataType.DOUBLE)), "float64");
    }

    private static void assertMatchesTorch(DataType type) throws IOException {
        JsonNode f = JSON.readTree(Fixtures.ROOT.resolve("optimizer/adamw_torch.json").toFile());
        int bigN = f.get("shapes").get(BIG).get(0).asInt();
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (Iterator<String> it = f.get("shapes").fieldNames(); it.hasNext(); ) {
            String n = it.next();
            long[] shape = n.equals(BIG) ? new long[]{1, bigN} : JSON.convertValue(f.get("shapes").get(n), long[].class);
            double[] v = n.equals(BIG) ? ramp(bigN, 0.37, 0, true) : JSON.convertValue(f.get("init").get(n), double[].class);
            params.put(n, Nd4j.create(toFloat(v), shape, 'c').castTo(type));
        }
        if (type == DataType.FLOAT) params.values().forEach(p -> assertNotNull(DenseFloats.of(p), "fused path expected"));
        else params.values().forEach(p -> assertNull(DenseFloats.of(p), "op path expected"));
        AdamW opt = new AdamW(f.get("betas").get(0).asDouble(), f.get("betas").get(1).asDouble(), f.get("eps").asDouble(),
                f.get("weight_decay").asDouble());
        int k = 0;
        for (JsonNode step : f.get("steps")) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                double[] g = p.getKey().equals(BIG) ? ramp(bigN, 0.11, k, false)
                        : JSON.convertValue(step.get("grads").get(p.getKey()), double[].class);
                grads.put(p.getKey(), Nd4j.create(toFloat(g), p.getValue().shape(), 'c').castTo(type));
            }
            Trainer.clip(grads, f.get("clip_norm").asDouble());
            opt.step(params, grads, step.get("lr").asDouble());
            k++;
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                JsonNode want = step.get("params").get(p.getKey());
                double[] got = p.getValue().castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
                if (p.getKey().equals(BIG)) {
                    double sum = 0;
                    for (double x : got) sum += x;
                    assertEquals(want.get("sum").asDouble(), sum, 2e-4, "step " + k + " " + BIG + " sum");
                    for (int i = 0; i < want.get("index").size(); i++) {
                        int at = want.get("index").get(i).asInt();
                        assertClose(want.get("value").get(i).asDouble(), got[at], "step " + k + " " + BIG + "[" + at + "]");
                    }
                } else {
                    for (int i = 0; i < got.length; i++) assertClose(want.get(i).asDouble(), got[i], "step " + k + " " + p.getKey() + "[" + i + "]");
                }
            }
        }
        assertEquals(5, opt.steps());
    }

    /** The fixture's formula for the long tensor: sin(a·i) (values) or 0.7·cos(a·i + step) (gradients), float64 then float32. */
    private static double[] ramp(int n, double a, int step, boolean sin) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = (float) (sin ? Math.sin(i * a) : 0.7 * Math.cos(i * a + step));
        return out;
    }

    private static float[] toFloat(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
        return out;
    }

    private static void assertClose(double want, double got, String what) {
        assertTrue(Math.abs(want - got) <= 2e-6 + 1e-5 * Math.abs(want), what + ": torch " + want + ", ours " + got);
    }
}
