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
        r.put("attention", attention(reps));
    }

    /**
     * M2.1's fused {@code dot_product_attention} against the attention our import runs (matmul, scale, softmax, matmul),
     * one ViT-B layer at batch 8: q, k, v [8, 12, 197, 64]. The native op wants [batch, heads, features, time], so it pays
     * three permutes in and one out; relative L2 of each against a float64 reference, and best forward time.
     */
    private static Map<String, Object> attention(int reps) {
        Nd4j.getRandom().setSeed(3);
        INDArray q = Nd4j.randn(DataType.FLOAT, 8, 12, 197, 64), k = Nd4j.randn(DataType.FLOAT, 8, 12, 197, 64),
                v = Nd4j.randn(DataType.FLOAT, 8, 12, 197, 64);
        INDArray qd = q.castTo(DataType.DOUBLE), kd = k.castTo(DataType.DOUBLE), vd = v.castTo(DataType.DOUBLE);
        INDArray logits = Nd4j.matmul(qd, kd, false, true, false).muli(1 / Math.sqrt(64));
        INDArray p = org.nd4j.linalg.ops.transforms.Transforms.exp(logits.subi(logits.max(true, 3)), false);
        INDArray ref = Nd4j.matmul(p.divi(p.sum(true, 3)), vd);
        SameDiff sd = SameDiff.create();
        SDVariable vq = sd.placeHolder("q", DataType.FLOAT, -1, 12, 197, 64), vk = sd.placeHolder("k", DataType.FLOAT, -1, 12, 197, 64),
                vv = sd.placeHolder("v", DataType.FLOAT, -1, 12, 197, 64);
        sd.nn.softmax(sd.mmul(vq, vk, false, true, false).mul(1 / Math.sqrt(64)), 3).mmul(vv).rename("ours");
        sd.permute(sd.nn.dotProductAttention(sd.permute(vq, 0, 1, 3, 2), sd.permute(vk, 0, 1, 3, 2), sd.permute(vv, 0, 1, 3, 2),
                null, true), 0, 1, 3, 2).rename("native");
        Map<String, INDArray> feed = Map.of("q", q, "k", k, "v", v);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String n : List.of("ours", "native")) {
            try {
                INDArray y = sd.output(feed, n).get(n).castTo(DataType.DOUBLE);
                double rel = y.sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
                double bestMs = Double.MAX_VALUE;
                for (int i = 0; i < reps; i++) {
                    long t = System.nanoTime();
                    sd.output(feed, n).get(n).getFloat(0);
                    bestMs = Math.min(bestMs, (System.nanoTime() - t) / 1e6);
                }
                out.put(n, Map.of("relL2", rel, "bestMs", bestMs));
            } catch (RuntimeException e) {
                out.put(n, Map.of("failed", String.valueOf(e.getMessage())));
            }
        }
        return out;
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
