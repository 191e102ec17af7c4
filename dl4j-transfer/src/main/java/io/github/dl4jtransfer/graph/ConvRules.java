package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.device.NativeBuild;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.PadMode;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** 2-D convolution, pooling and inference-mode batch norm (NCHW, as ONNX). */
final class ConvRules {

    private ConvRules() {
    }

    static void register(Map<String, OpRule> rules) {
        rules.put("Conv", ConvRules::conv);
        rules.put("MaxPool", c -> pool(c, true));
        rules.put("AveragePool", c -> pool(c, false));
        rules.put("GlobalAveragePool", c -> globalPool(c, false));
        rules.put("GlobalMaxPool", c -> globalPool(c, true));
        rules.put("BatchNormalization", ConvRules::batchNorm);
    }

    /** Kernel geometry common to Conv and the pools. */
    private record Window(long kH, long kW, long sH, long sW, long dH, long dW, long[] pads) {
        boolean symmetric() {
            return pads[0] == pads[2] && pads[1] == pads[3];
        }

        Dim outH(Dim h) {
            return Dim.of((h.value() + pads[0] + pads[2] - dH * (kH - 1) - 1) / sH + 1);
        }

        Dim outW(Dim w) {
            return Dim.of((w.value() + pads[1] + pads[3] - dW * (kW - 1) - 1) / sW + 1);
        }

        /**
         * The same window with ceil_mode's output size as extra end padding: ceil((size + pads - extent) / stride) + 1
         * outputs, less the last one when it would start in the end padding (ONNX's and torch's rule), so that
         * the floor formula of a VALID pool over the padded input gives it.
         */
        Window ceilMode(Dim h, Dim w) {
            long[] p = pads.clone();
            p[2] += ceilExtra(h.value(), pads[0], pads[2], kH, sH, dH);
            p[3] += ceilExtra(w.value(), pads[1], pads[3], kW, sW, dW);
            return new Window(kH, kW, sH, sW, dH, dW, p);
        }

        private static long ceilExtra(long size, long begin, long end, long k, long s, long d) {
            long span = size + begin + end - d * (k - 1) - 1;
            long out = Math.floorDiv(span + s - 1, s) + 1;
            if ((out - 1) * s >= size + begin) out--;
            return Math.max(0, (out - 1) * s - span);
        }
    }

    private static Window window(NodeContext c, long[] kernel, Dim[] in) {
        long[] strides = c.attrInts("strides");
        long[] dil = c.attrInts("dilations");
        long[] pads = c.attrInts("pads");
        String auto = c.attrString("auto_pad", "NOTSET");
        if (strides == null) strides = new long[]{1, 1};
        if (dil == null) dil = new long[]{1, 1};
        if (pads == null) pads = new long[4];
        if (auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER")) {
            pads = new long[4];
            for (int i = 0; i < 2; i++) {
                long size = in[2 + i].value();
                long out = (size + strides[i] - 1) / strides[i];
                long total = Math.max(0, (out - 1) * strides[i] + dil[i] * (kernel[i] - 1) + 1 - size);
                long small = total / 2, big = total - small;
                pads[i] = auto.equals("SAME_UPPER") ? small : big;
                pads[i + 2] = auto.equals("SAME_UPPER") ? big : small;
            }
        } else if (!auto.equals("NOTSET") && !auto.equals("VALID")) {
            throw new UnsupportedOpException("auto_pad " + auto + " is not supported");
        }
        return new Window(kernel[0], kernel[1], strides[0], strides[1], dil[0], dil[1], pads);
    }

    private static SDVariable padExplicit(NodeContext c, SDVariable x, long[] pads, double value) {
        INDArray p = Nd4j.createFromArray(new int[][]{{0, 0}, {0, 0}, {(int) pads[0], (int) pads[2]}, {(int) pads[1], (int) pads[3]}});
        return c.sd.nn.pad(x, c.sd.constant(p), PadMode.CONSTANT, value);
    }

    private static List<Value> conv(NodeContext c) {
        return NodeContext.one(conv(c, null));
    }

    /**
     * A convolution with the inference-mode BatchNormalization that alone reads it folded in ({@link ConvBatchNormPairs}):
     * the weights times the per-channel scale, the shift as the bias. Same values to float rounding; the op fixtures
     * and backbone fixtures hold the folded graphs to torch.
     */
    static Value convBatchNorm(NodeContext conv, NodeContext batchNorm) {
        return conv(conv, () -> evalScaleShift(batchNorm)); // after the convolution's own weights: parameters stay in graph order
    }

    /** An inference-mode batch norm as one scale and one shift per channel, both of shape [C]. */
    private record ScaleShift(SDVariable scale, SDVariable shift) {
    }

    private static Value.Tensor conv(NodeContext c, java.util.function.Supplier<ScaleShift> batchNorm) {
        Dim[] in = c.shape(0), ws = c.shape(1);
        if (in.length != 4) throw new UnsupportedOpException("only 2-D convolution (rank-4 NCHW input) is supported, got rank " + in.length);
        long group = c.attrInt("group", 1);
        long outC = ws[0].value(), inPerGroup = ws[1].value();
        long[] kernel = c.attrInts("kernel_shape");
        if (kernel == null) kernel = new long[]{ws[2].value(), ws[3].value()};
        Window w = window(c, kernel, in);
        SDVariable x = c.var(0);
        long pH = w.pads[0], pW = w.pads[1];
        if (!w.symmetric()) {
            x = padExplicit(c, x, w.pads, 0);
            pH = 0;
            pW = 0;
        }
        Conv2DConfig.Conv2DConfigBuilder cfg = Conv2DConfig.builder().kH(w.kH).kW(w.kW).sH(w.sH).sW(w.sW)
                .pH(pH).pW(pW).dH(w.dH).dW(w.dW).paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW);
        SDVariable bias = c.has(2) ? c.var(2) : null;
        SDVariable y;
        long inC = in[1].value();
        if (batchNorm != null && group != 1) throw new IllegalStateException("only ungrouped convolutions fold a batch norm");
        if (group == 1) {
            // libnd4j's conv2d_bp fails validation with OIYX weights in M2.1, so weights are kept in its
            // native [kH, kW, iC, oC] layout.
            SDVariable weights = relaidWeights(c, t -> t.permute(2, 3, 1, 0), v -> c.sd.permute(v, 2, 3, 1, 0));
            if (batchNorm != null) {
                ScaleShift fold = batchNorm.get();
                // [kH, kW, iC, oC] × [oC]. A graph that trains broadcasts the scale explicitly first: M2.1's backward of a
                // broadcast product tiles element by element (ConvBatchNormPairs); over the weights the extra array is small.
                SDVariable scale = c.forwardOnly() ? fold.scale() : c.sd.zerosLike(weights).add(fold.scale());
                weights = weights.mul(scale);
                bias = bias == null ? fold.shift() : bias.mul(fold.scale()).add(fold.shift());
            }
            y = bias == null ? c.sd.cnn.conv2d(x, weights, cfg.weightsFormat(WeightsFormat.YXIO).build())
                    : c.sd.cnn.conv2d(x, weights, bias, cfg.weightsFormat(WeightsFormat.YXIO).build());
        } else if (group == inC && inPerGroup == 1 && outC == inC && in[2].isStatic() && in[3].isStatic()
                && useTaps(c.forwardOnly(), w, inC * in[2].value() * in[3].value())) {
            y = depthwiseByTaps(c, x, in, w, pH, pW);
            if (bias != null) y = y.add(c.sd.reshape(bias, 1, outC, 1, 1));
        } else if (group == inC && inPerGroup == 1) {
            // Depthwise: ONNX [C*m, 1, kH, kW] → libnd4j [kH, kW, C, m]; output channel c*m+j in both.
            long mult = outC / inC;
            SDVariable weights = relaidWeights(c, t -> t.reshape(inC, mult, w.kH, w.kW).permute(2, 3, 0, 1),
                    v -> c.sd.permute(c.sd.reshape(v, inC, mult, w.kH, w.kW), 2, 3, 0, 1));
            y = bias == null ? c.sd.cnn.depthWiseConv2d(x, weights, cfg.build())
                    : c.sd.cnn.depthWiseConv2d(x, weights, bias, cfg.build());
        } else {
            y = grouped(c, x, in, w, cfg.build(), group, inPerGroup, outC / group);
            if (bias != null) y = y.add(c.sd.reshape(bias, 1, outC, 1, 1));
        }
        Dim[] out = {in[0], Dim.of(outC), w.outH(in[2]), w.outW(in[3])};
        return c.tensor(y, out);
    }

    /**
     * A depthwise convolution (one filter per channel: SEEM's FocalNet, ConvNeXt, MobileNet) as a sum over its kH·kW
     * taps of a shifted slice of the padded input times that tap's per-channel weight. libnd4j's depthwise_conv2d
     * is a poor kernel on CPU (M2.1); the taps are a few elementwise passes each. Measured on one thread, forward
     * and gradients of the same graph: 3×3 over 16×32×16×16 14 → 3 ms forward, 47 → 35 ms with gradients;
     * 7×7 over 5×96×56×56 (ConvNeXt-T's first stage) 1,000 → 71 ms forward, 3.4 → 1.8 s with gradients
     * (docs/performance.md). Forward only: its gradient (a broadcast multiply_bp per tap) made a SEEM training step
     * slower than libnd4j's, so graphs that train keep depthwise_conv2d. Same multiply-adds in another order: the
     * op fixtures hold both forms to torch.
     * Weights are laid out once as [kH·kW, C]: row t is tap (t / kW, t % kW) of every channel.
     */
    /** Images of at least this many elements (C·H·W) make a large kernel's taps pay for their three ops each. */
    static final long TAPS_MIN_ELEMENTS = 16_384;

    /**
     * Whether a depthwise convolution becomes taps: on the plain build in forward-only graphs where they are faster: always for kernels up to 5×5 (at most 75 small ops); for larger ones only on
     * images big enough that the elementwise work outweighs the ops' fixed cost (tiny ConvNeXt, 7×7 over 8×8×8:
     * 17 ms native vs 30 ms as taps at batch 32; ConvNeXt-T's 7×7 over 96×56×56: 1,001 vs 71 ms at batch 5).
     */
    private static boolean useTaps(boolean forwardOnly, Window w, long elementsPerImage) {
        // The oneDNN builds run depthwise_conv2d in oneDNN, which beats the taps (SEEM FocalNet-T b8, one thread:
        // 5.6 img/s native vs 2.5 as taps; docs/performance.md, "Native builds"), except dilated ones, which M2.1's
        // oneDNN helper cannot run at all ("could not create a descriptor for a dilated convolution"): taps there,
        // in graphs that train too.
        if (NativeBuild.loaded().onednn()) return w.dH > 1 || w.dW > 1;
        return forwardOnly && (w.kH * w.kW <= 25 || elementsPerImage >= TAPS_MIN_ELEMENTS);
    }

    private static SDVariable depthwiseByTaps(NodeContext c, SDVariable x, Dim[] in, Window w, long pH, long pW) {
        long channels = in[1].value();
        long oH = w.outH(in[2]).value(), oW = w.outW(in[3]).value(); // asymmetric pads: x is already padded, pH = pW = 0
        long taps = w.kH * w.kW;
        SDVariable weights = relaidWeights(c, t -> t.reshape(channels, taps).transpose(),
                v -> c.sd.transpose(c.sd.reshape(v, channels, taps)));
        SDVariable xp = pH == 0 && pW == 0 ? x : padExplicit(c, x, new long[]{pH, pW, pH, pW}, 0);
        SDVariable y = null;
        for (long i = 0; i < w.kH; i++) {
            for (long j = 0; j < w.kW; j++) {
                long h0 = i * w.dH, w0 = j * w.dW;
                // All of batch and channels (begin/end masks on dims 0 and 1); rows h0, h0+sH, … oH of them.
                SDVariable slice = c.sd.stridedSlice(xp, new long[]{0, 0, h0, w0},
                        new long[]{0, 0, h0 + (oH - 1) * w.sH + 1, w0 + (oW - 1) * w.sW + 1},
                        new long[]{1, 1, w.sH, w.sW}, 0b0011, 0b0011, 0, 0, 0);
                long t = i * w.kW + j;
                SDVariable tap = c.sd.reshape(c.sd.stridedSlice(weights, new long[]{t, 0}, new long[]{t + 1, channels}, new long[]{1, 1}),
                        1, channels, 1, 1);
                SDVariable term = slice.mul(tap);
                y = y == null ? term : y.add(term);
            }
        }
        return y;
    }

    /**
     * A convolution with {@code groups} groups of {@code k} input and {@code m} output channels (RegNet, ResNeXt),
     * which libnd4j's conv2d cannot do. Written as one depthwise convolution with multiplier m (each input
     * channel against the m filters of its group that read it) followed by a sum over the k input channels of
     * each group: the same multiply-adds as the grouped convolution, one weight parameter, and the gradients of
     * ops the depthwise fixtures already hold to torch. The weight [G·m, k, kH, kW] is laid out once as
     * [kH, kW, G·k, m]: depthwise output channel (g·k + i)·m + j is input channel g·k + i against filter g·m + j.
     */
    private static SDVariable grouped(NodeContext c, SDVariable x, Dim[] in, Window w, Conv2DConfig cfg,
                                      long groups, long k, long m) {
        SDVariable weights = relaidWeights(c,
                t -> t.reshape(groups, m, k, w.kH, w.kW).permute(3, 4, 0, 2, 1).dup('c').reshape(w.kH, w.kW, groups * k, m),
                v -> c.sd.reshape(c.sd.permute(c.sd.reshape(v, groups, m, k, w.kH, w.kW), 3, 4, 0, 2, 1), w.kH, w.kW, groups * k, m));
        SDVariable perInput = c.sd.cnn.depthWiseConv2d(x, weights, cfg);
        Dim oH = w.outH(in[2]), oW = w.outW(in[3]);
        SDVariable split = c.reshape(perInput, new Dim[]{in[0], Dim.of(groups), Dim.of(k), Dim.of(m), oH, oW});
        return c.reshape(c.sd.sum(split, false, 2), new Dim[]{in[0], Dim.of(groups * m), oH, oW});
    }

    /**
     * The weight input in libnd4j's layout: a weight array is re-laid out once at import and stays one
     * named parameter; a computed weight is permuted in the graph.
     */
    private static SDVariable relaidWeights(NodeContext c, java.util.function.UnaryOperator<INDArray> layout,
                                            java.util.function.UnaryOperator<SDVariable> inGraph) {
        Value v = c.in(1);
        if (v instanceof Value.Init init) {
            INDArray t = layout.apply(init.array()).dup('c');
            return c.folding ? c.sd.constant(t) : c.parameterFromArray(new Value.Init(init.onnxName(), t), 1);
        }
        if (v instanceof Value.Const k) return c.sd.constant(layout.apply(k.array()).dup('c'));
        return inGraph.apply(c.var(1));
    }

    private static List<Value> pool(NodeContext c, boolean max) {
        Dim[] in = c.shape(0);
        if (in.length != 4) throw new UnsupportedOpException("only 2-D pooling is supported, got rank " + in.length);
        long[] kernel = c.attrInts("kernel_shape");
        Window w = window(c, kernel, in);
        if (c.attrInt("ceil_mode", 0) != 0) {
            // GoogLeNet, SqueezeNet: the partial last window as -inf end padding. An average pool would have to
            // leave that padding out of its divisor, which libnd4j cannot do per window: refused unless it is empty.
            Window ceil = w.ceilMode(in[2], in[3]);
            if (!max && !Arrays.equals(ceil.pads, w.pads)) {
                throw new UnsupportedOpException("ceil_mode=1 average pooling with a partial last window is not supported");
            }
            w = ceil;
        }
        SDVariable x = c.var(0);
        long pH = w.pads[0], pW = w.pads[1];
        boolean includePad = c.attrInt("count_include_pad", 0) != 0;
        if (!w.symmetric() || (max && (pH > 0 || pW > 0))) {
            // Pad explicitly: -inf for max pooling (as ONNX), 0 for average pooling counting the pad.
            if (!max && !includePad) throw new UnsupportedOpException("asymmetric average pooling without count_include_pad");
            x = padExplicit(c, x, w.pads, max ? -Float.MAX_VALUE : 0);
            pH = 0;
            pW = 0;
        }
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(w.kH).kW(w.kW).sH(w.sH).sW(w.sW).pH(pH).pW(pW)
                .dH(w.dH).dW(w.dW).paddingMode(PaddingMode.VALID).isNHWC(false)
                .type(max ? Pooling2D.Pooling2DType.MAX : Pooling2D.Pooling2DType.AVG)
                .divisor(includePad ? Pooling2D.Divisor.INCLUDE_PADDING : Pooling2D.Divisor.EXCLUDE_PADDING)
                .build();
        SDVariable y = max ? c.sd.cnn.maxPooling2d(x, cfg) : c.sd.cnn.avgPooling2d(x, cfg);
        Dim[] out = {in[0], in[1], w.outH(in[2]), w.outW(in[3])};
        return NodeContext.one(c.tensor(y, out));
    }

    private static List<Value> globalPool(NodeContext c, boolean max) {
        Dim[] in = c.shape(0);
        int[] axes = new int[in.length - 2];
        for (int i = 0; i < axes.length; i++) axes[i] = i + 2;
        SDVariable y = max ? c.sd.max(c.var(0), true, axes) : c.sd.mean(c.var(0), true, axes);
        return NodeContext.one(c.tensor(y, Shapes.reduce(in, axes, true)));
    }

    /**
     * Inference-mode batch norm folded to one scale and shift per channel, computed in the graph from
     * gamma/beta (trainable) and the running statistics (constants: buffers, not weights). M2.1's fused
     * batchnorm cannot be differentiated (its derivative op is built without an axis), and the folded
     * form is cheaper at inference too. The constants are recorded ({@link BatchNormSite}) so that a training
     * loop can update the running statistics in place. In a {@link TrainingForward} translation the node
     * normalises with the batch's statistics instead ({@link #batchNormTraining}).
     */
    private static List<Value> batchNorm(NodeContext c) {
        if (c.attrInt("training_mode", 0) != 0) throw new UnsupportedOpException("training_mode=1 is not supported");
        float eps = c.attrFloat("epsilon", 1e-5f);
        Dim[] in = c.shape(0);
        long channels = in[1].value();
        long[] perChannel = new long[in.length];
        Arrays.fill(perChannel, 1);
        perChannel[1] = channels;
        TrainingForward training = c.training();
        if (training != null && training.batchNormTraining() && !c.folding) return batchNormTraining(c, training, eps, perChannel);
        ScaleShift f = evalScaleShift(c);
        SDVariable y = c.var(0).mul(c.sd.reshape(f.scale(), perChannel)).add(c.sd.reshape(f.shift(), perChannel));
        return NodeContext.one(c.tensor(y, in));
    }

    /**
     * The per-channel scale {@code γ / √(σ² + ε)} and shift {@code β - μ · scale} of an inference-mode batch norm, computed in
     * the graph from γ and β (trainable) and the running statistics (constants), whose site is recorded so that a
     * training loop can update them in place.
     */
    private static ScaleShift evalScaleShift(NodeContext c) {
        if (c.attrInt("training_mode", 0) != 0) throw new UnsupportedOpException("training_mode=1 is not supported");
        float eps = c.attrFloat("epsilon", 1e-5f);
        long channels = c.shape(1)[0].value();
        INDArray mean = c.constArray(3).castTo(DataType.FLOAT).reshape(channels);
        INDArray invStd = Transforms.pow(c.constArray(4).castTo(DataType.FLOAT).reshape(channels).add(eps), -0.5, true);
        SDVariable meanConstant = c.sd.constant(mean.dup());
        SDVariable invStdConstant = c.sd.constant(invStd);
        SDVariable scale = c.var(1).mul(invStdConstant);
        SDVariable shift = c.var(2).sub(scale.mul(meanConstant));
        if (!c.folding) {
            // ONNX writes torch's momentum m as 1 - m (in float): 0.1 becomes 0.9f; six digits recover torch's value.
            double momentum = Math.round((1 - (double) c.attrFloat("momentum", 0.9f)) * 1e6) / 1e6;
            INDArray runningVar = c.constArray(4).castTo(DataType.FLOAT).reshape(channels).dup();
            c.record(new BatchNormSite(c.nodeIndex(), batchNormModule(c), channels, eps, momentum,
                    meanConstant.name(), invStdConstant.name(), runningVar));
        }
        return new ScaleShift(scale, shift);
    }

    /**
     * Training-mode batch norm, as torch's {@code BatchNorm2d} under {@code model.train()}: normalised with the
     * batch mean and biased variance over every axis but the channels, then scaled and shifted. The batch
     * statistics are graph variables the caller reads back to update the running statistics.
     */
    private static List<Value> batchNormTraining(NodeContext c, TrainingForward training, float eps, long[] perChannel) {
        Dim[] in = c.shape(0);
        int[] axes = new int[in.length - 1];
        long perSample = 1;
        for (int i = 0, k = 0; i < in.length; i++) {
            if (i == 1) continue;
            axes[k++] = i;
            if (i > 1) perSample *= in[i].value();
        }
        SDVariable x = c.var(0);
        SDVariable mean = c.sd.mean(x, true, axes);
        SDVariable d = x.sub(mean);
        SDVariable var = c.sd.mean(c.sd.math.square(d), true, axes);
        SDVariable y = d.mul(c.sd.math.rsqrt(var.add(eps)))
                .mul(c.sd.reshape(c.var(1), perChannel)).add(c.sd.reshape(c.var(2), perChannel));
        training.add(new TrainingForward.BatchNormStatistics(c.nodeIndex(), mean.name(), var.name(), perSample));
        return NodeContext.one(c.tensor(y, in));
    }

    /** {@code layer1.0.bn2} from the scale's name {@code layer1.0.bn2.weight}, else the node's module path. */
    private static String batchNormModule(NodeContext c) {
        String scale = c.node.getInputCount() > 1 ? c.node.getInput(1) : "";
        if (scale.endsWith(".weight") && !ParameterNamer.isAnonymous(scale)) return scale.substring(0, scale.length() - ".weight".length());
        return ParameterNamer.modulePath(c.node);
    }
}
