package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.BlockBoundaries;
import io.github.dl4jtransfer.graph.Dim;
import io.github.dl4jtransfer.graph.GraphCut;
import io.github.dl4jtransfer.graph.OnnxGraphTranslator;
import io.github.dl4jtransfer.graph.SameDiffOps;
import io.github.dl4jtransfer.graph.TranslatedGraph;
import io.github.dl4jtransfer.graph.OnnxImportException;
import io.github.dl4jtransfer.graph.TensorProtos;
import io.github.dl4jtransfer.graph.UnsupportedOpException;
import io.github.dl4jtransfer.graph.Value;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.model.Sidecar;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Appends the study's DeiT classifier to a backbone's patch tokens inside the same SameDiff graph:
 * Linear(C→D) + LayerNorm, then the exported DeiT body ({@code tools/export --family deit-tail}) whose
 * position embedding is resized (bicubic, as timm) to the backbone's token grid.
 */
final class DeitTail {

    static final String PREFIX = "deit.";

    /** @param cuts where a checkpointed copy was cut ({@link #attachAgain}); empty otherwise */
    record Attached(SDVariable features, long dim, Map<String, SDVariable> parameters, String sha256, List<GraphCut> cuts) {
    }

    private DeitTail() {
    }

    static Attached attach(SameDiff sd, SDVariable tokens, Dim[] tokenShape, Path tailOnnx, SplittableRandom rnd) {
        return attach(sd, tokens, tokenShape, tailOnnx, rnd, null, false);
    }

    /**
     * The classifier once more on other tokens (the backbone's training forward), with the weights of {@code first}:
     * the same layers, not new ones.
     *
     * @param checkpoint cut the DeiT body between its blocks, as the backbone's copy, for activation checkpointing
     */
    static Attached attachAgain(SameDiff sd, SDVariable tokens, Dim[] tokenShape, Path tailOnnx, Attached first, boolean checkpoint) {
        return attach(sd, tokens, tokenShape, tailOnnx, null, first, checkpoint);
    }

    private static Attached attach(SameDiff sd, SDVariable tokens, Dim[] tokenShape, Path tailOnnx, SplittableRandom rnd,
                                   Attached first, boolean checkpoint) {
        if (tokenShape.length != 3) {
            throw new IllegalArgumentException("the DeiT classifier needs backbone tokens of shape (B, N, C), got " + Dim.toString(tokenShape));
        }
        Sidecar tail = Sidecar.read(Sidecar.besides(tailOnnx));
        long n = tokenShape[1].value(), c = tokenShape[2].value();
        long d = tail.tokenDim();
        Map<String, SDVariable> params = new LinkedHashMap<>();
        SDVariable flat = sd.reshape(tokens, -1, c);
        SDVariable normed;
        if (first == null) {
            SDVariable projected = sd.reshape(Layers.linear(sd, flat, "deit_proj", c, d, rnd, params), -1, n, d);
            normed = Layers.layerNorm(sd, projected, 3, "deit_proj_norm", d, 1e-6, params);
        } else {
            Map<String, SDVariable> p = first.parameters();
            SDVariable projected = sd.reshape(sd.mmul(flat, p.get("deit_proj.weight")).add(p.get("deit_proj.bias")), -1, n, d);
            normed = SameDiffOps.layerNorm(sd, projected, p.get("deit_proj_norm.weight"), p.get("deit_proj_norm.bias"), 1e-6, 2);
        }

        BackboneLoader.ParsedModel parsed = BackboneLoader.parse(tailOnnx);
        Map<String, INDArray> replaced = new HashMap<>();
        INDArray pos = initializer(parsed.model(), "pos_embed", tailOnnx);
        if (pos.size(1) != n + 1) replaced.put("pos_embed", resizePositionEmbedding(pos, n));
        Value.Tensor bound = new Value.Tensor(normed, new Dim[]{tokenShape[0], Dim.of(n), Dim.of(d)}, DataType.FLOAT);
        OnnxGraphTranslator translator = new OnnxGraphTranslator(parsed.model(), tailOnnx, sd, PREFIX);
        String outputPrefix = PREFIX;
        if (first != null) {
            outputPrefix = TrainingGraph.OUTPUT_PREFIX + PREFIX;
            translator.sharing(first.parameters(), outputPrefix);
            if (checkpoint) translator.cutAfter(BlockBoundaries.find(parsed.model().getGraph()), TrainingGraph.CUT_PREFIX + PREFIX);
        }
        TranslatedGraph g = translator.translate(Map.of(), Map.of(tail.inputName(), bound), replaced);
        if (first != null) {
            return new Attached(sd.getVariable(outputPrefix + tail.outputName(BackboneOutput.FEATURES)), d, first.parameters(),
                    first.sha256(), translator.cuts());
        }
        params.putAll(g.parameters());
        SDVariable features = sd.getVariable(PREFIX + tail.outputName(BackboneOutput.FEATURES));
        return new Attached(features, d, params, parsed.sha256(), List.of());
    }

    private static INDArray initializer(Onnx.ModelProto model, String name, Path file) {
        for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                try {
                    return TensorProtos.toArray(t, file.toAbsolutePath().getParent());
                } catch (UnsupportedOpException e) {
                    throw new OnnxImportException("initializer: " + e.getMessage(), file.toString(), e);
                }
            }
        }
        throw new IllegalArgumentException(file + " has no '" + name + "' initializer; export the DeiT tail with "
                + "tools/export/export.py --family deit-tail");
    }

    /**
     * [1, 1 + g*g, D] → [1, 1 + n, D]: the CLS entry is kept, the grid resized bicubically (a = -0.75,
     * half-pixel centres, as torch's F.interpolate(mode='bicubic', align_corners=False)).
     */
    static INDArray resizePositionEmbedding(INDArray pos, long n) {
        long g = Math.round(Math.sqrt(pos.size(1) - 1));
        long t = Math.round(Math.sqrt(n));
        if (g * g != pos.size(1) - 1 || t * t != n) {
            throw new IllegalArgumentException("cannot resize a position embedding of " + (pos.size(1) - 1) + " tokens to "
                    + n + " tokens: both must be square grids; export the DeiT tail for this backbone with --tokens " + n);
        }
        int d = (int) pos.size(2);
        float[][][] src = new float[(int) g][(int) g][d];
        for (int i = 0; i < g; i++) for (int j = 0; j < g; j++) for (int k = 0; k < d; k++) src[i][j][k] = pos.getFloat(0, 1 + i * g + j, k);
        INDArray out = Nd4j.create(DataType.FLOAT, 1, n + 1, d);
        for (int k = 0; k < d; k++) out.putScalar(new long[]{0, 0, k}, pos.getFloat(0, 0, k));
        double scale = (double) g / t;
        for (int y = 0; y < t; y++) {
            double sy = (y + 0.5) * scale - 0.5;
            int y0 = (int) Math.floor(sy);
            double[] wy = cubicWeights(sy - y0);
            for (int x = 0; x < t; x++) {
                double sx = (x + 0.5) * scale - 0.5;
                int x0 = (int) Math.floor(sx);
                double[] wx = cubicWeights(sx - x0);
                for (int k = 0; k < d; k++) {
                    double acc = 0;
                    for (int a = 0; a < 4; a++) {
                        int yy = clamp(y0 - 1 + a, (int) g);
                        for (int b = 0; b < 4; b++) acc += wy[a] * wx[b] * src[yy][clamp(x0 - 1 + b, (int) g)][k];
                    }
                    out.putScalar(new long[]{0, 1 + (long) y * t + x, k}, acc);
                }
            }
        }
        return out;
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size - 1, v));
    }

    private static double[] cubicWeights(double f) {
        double a = -0.75;
        double[] w = new double[4];
        double[] xs = {1 + f, f, 1 - f, 2 - f};
        for (int i = 0; i < 4; i++) {
            double x = xs[i];
            w[i] = x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return w;
    }
}
