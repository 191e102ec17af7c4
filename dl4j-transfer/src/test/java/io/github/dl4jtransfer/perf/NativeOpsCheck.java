package io.github.dl4jtransfer.perf;

import io.github.dl4jtransfer.graph.SameDiffOps;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.PreciseGELU;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The "fewer, native ops" lever, measured before it is used (docs/performance.md, "Where the time goes"):
 * M2.1's native {@code layer_norm} against our LayerNorm import ({@link SameDiffOps#layerNorm}, the model's epsilon)
 * — relative L2 error to a float64 reference at several input scales, and time — on a ViT-B's [8, 197, 768]
 * activations; and the time of single elementwise ops on a ViT-B MLP's [8, 197, 3072] (erf, the GELU forms libnd4j
 * has, and plain arithmetic), which bounds what an erf rewritten from other ops could cost.
 */
final class NativeOpsCheck {

    private NativeOpsCheck() {
    }

    static void run(int reps, Map<String, Object> r) {
        Map<String, Object> ln = new LinkedHashMap<>();
        for (double scale : new double[]{1, 30, 1e-2, 1e-3}) {
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.randn(DataType.FLOAT, 8, 197, 768).muli(scale).addi(0.5 * scale);
            INDArray g = Nd4j.rand(DataType.FLOAT, 768).addi(0.5), b = Nd4j.randn(DataType.FLOAT, 768);
            INDArray xd = x.castTo(DataType.DOUBLE), d = xd.sub(xd.mean(true, 2));
            INDArray ref = d.div(Nd4j.math().sqrt(d.mul(d).mean(true, 2).add(1e-6)))
                    .mul(g.castTo(DataType.DOUBLE).reshape(1, 1, 768)).add(b.castTo(DataType.DOUBLE).reshape(1, 1, 768));
            SameDiff sd = SameDiff.create();
            SDVariable vx = sd.placeHolder("x", DataType.FLOAT, -1, 197, 768);
            SDVariable vg = sd.constant("g", g), vb = sd.constant("b", b);
            sd.nn.layerNorm("native", vx, vg, vb, false, 2);
            SameDiffOps.layerNorm(sd, vx, vg, vb, 1e-6, 2).rename("ours");
            for (String n : List.of("native", "ours")) {
                INDArray y = sd.output(Map.of("x", x), n).get(n).castTo(DataType.DOUBLE);
                double rel = y.sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
                ln.put(n + "@std" + scale, Map.of("relL2", rel, "bestMs", best(sd, x, n, reps)));
            }
        }
        r.put("layerNorm", ln);
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 197, 3072);
        Map<String, BiFunction<SameDiff, SDVariable, SDVariable>> ops = new LinkedHashMap<>();
        ops.put("erf", (sd, v) -> sd.math.erf(v));
        ops.put("gelu_exact_ours", (sd, v) -> SameDiffOps.gelu(sd, v, false));
        ops.put("precise_gelu_tanh", (sd, v) -> new PreciseGELU(sd, v).outputVariable());
        ops.put("gelu_sigmoid", (sd, v) -> sd.nn.gelu(v));
        ops.put("tanh", (sd, v) -> sd.nn.tanh(v));
        ops.put("exp", (sd, v) -> sd.math.exp(v));
        ops.put("mul_scalar", (sd, v) -> v.mul(0.7));
        ops.put("add_self", (sd, v) -> v.add(v));
        Map<String, Object> times = new LinkedHashMap<>();
        for (var e : ops.entrySet()) {
            SameDiff sd = SameDiff.create();
            e.getValue().apply(sd, sd.placeHolder("x", DataType.FLOAT, -1, 197, 3072)).rename("y");
            times.put(e.getKey(), best(sd, x, "y", reps));
        }
        r.put("elementwiseBestMs_8x197x3072", times);
    }

    private static double best(SameDiff sd, INDArray x, String out, int reps) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < reps + 1; i++) {
            long s = System.nanoTime();
            sd.output(Map.of("x", x), out);
            if (i > 0) best = Math.min(best, System.nanoTime() - s);
        }
        return best / 1e6;
    }
}
