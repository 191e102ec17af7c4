package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Layout ops (reshape, transpose, slicing, concatenation…) and reductions. */
final class ShapeRules {

    private ShapeRules() {
    }

    static void register(Map<String, OpRule> rules) {
        rules.put("Reshape", ShapeRules::reshape);
        rules.put("Transpose", ShapeRules::transpose);
        rules.put("Flatten", ShapeRules::flatten);
        rules.put("Squeeze", ShapeRules::squeeze);
        rules.put("Unsqueeze", ShapeRules::unsqueeze);
        rules.put("Concat", ShapeRules::concat);
        rules.put("Split", ShapeRules::split);
        rules.put("Slice", ShapeRules::slice);
        rules.put("Gather", ShapeRules::gather);
        rules.put("Expand", ShapeRules::expand);
        rules.put("Tile", ShapeRules::tile);
        rules.put("Cast", ShapeRules::cast);
        rules.put("Pad", ShapeRules::pad);
        rules.put("ReduceMean", c -> reduce(c, "mean"));
        rules.put("ReduceSum", c -> reduce(c, "sum"));
        rules.put("ReduceMax", c -> reduce(c, "max"));
        rules.put("ReduceMin", c -> reduce(c, "min"));
        rules.put("ConstantOfShape", ShapeRules::constantOfShape);
        rules.put("Range", ShapeRules::range);
    }

    /** A shape argument (a constant or a symbolic shape vector) as dimensions. */
    private static Dim[] dimsArg(NodeContext c, int i) {
        Value v = c.in(i);
        if (v instanceof Value.Sym s) return s.elems();
        return Dim.ofStatic(c.constLongs(i));
    }

    private static List<Value> reshape(NodeContext c) {
        Dim[] in = c.shape(0);
        Dim[] target = dimsArg(c, 1).clone();
        boolean allowZero = c.attrInt("allowzero", 0) != 0;
        int infer = -1;
        Dim known = Dim.of(1);
        for (int i = 0; i < target.length; i++) {
            Dim t = target[i];
            if (t.isStatic() && t.value() == 0 && !allowZero) target[i] = t = in[i];
            if (t.isStatic() && t.value() == -1) {
                if (infer >= 0) throw new UnsupportedOpException("Reshape target has two -1 entries");
                infer = i;
            } else {
                known = known.times(t);
            }
        }
        if (infer >= 0) target[infer] = Dim.symbolicProduct(in, 0, in.length).dividedBy(known);
        return NodeContext.one(c.tensor(c.reshape(c.var(0), target), target, c.dataType(0)));
    }

    private static List<Value> transpose(NodeContext c) {
        int rank = c.rank(0);
        long[] p = c.attrInts("perm");
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) perm[i] = p == null ? rank - 1 - i : (int) p[i];
        return NodeContext.one(c.tensor(c.sd.permute(c.var(0), perm), Shapes.permute(c.shape(0), perm), c.dataType(0)));
    }

    private static List<Value> flatten(NodeContext c) {
        Dim[] in = c.shape(0);
        int axis = (int) c.attrInt("axis", 1);
        if (axis < 0) axis += in.length;
        Dim[] out = {Dim.symbolicProduct(in, 0, axis), Dim.symbolicProduct(in, axis, in.length)};
        return NodeContext.one(c.tensor(c.reshape(c.var(0), out), out, c.dataType(0)));
    }

    private static long[] axesArg(NodeContext c) {
        long[] axes = c.attrInts("axes");
        if (axes == null && c.has(1)) axes = c.constLongs(1);
        return axes;
    }

    private static List<Value> squeeze(NodeContext c) {
        Dim[] in = c.shape(0);
        long[] axes = axesArg(c);
        List<Dim> out = new ArrayList<>();
        int[] ax = axes == null ? null : Shapes.axes(axes, in.length);
        for (int i = 0; i < in.length; i++) {
            boolean drop = ax == null ? Shapes.isOne(in[i]) : Arrays.binarySearch(ax, i) >= 0;
            if (drop && !Shapes.isOne(in[i])) throw new UnsupportedOpException("cannot squeeze axis " + i + " of size " + in[i]);
            if (!drop) out.add(in[i]);
        }
        Dim[] o = out.toArray(new Dim[0]);
        return NodeContext.one(c.tensor(c.reshape(c.var(0), o), o, c.dataType(0)));
    }

    private static List<Value> unsqueeze(NodeContext c) {
        Dim[] in = c.shape(0);
        long[] axes = axesArg(c);
        int outRank = in.length + axes.length;
        int[] ax = Shapes.axes(axes, outRank);
        Dim[] out = new Dim[outRank];
        int k = 0;
        for (int i = 0; i < outRank; i++) out[i] = Arrays.binarySearch(ax, i) >= 0 ? Dim.of(1) : in[k++];
        return NodeContext.one(c.tensor(c.reshape(c.var(0), out), out, c.dataType(0)));
    }

    private static List<Value> concat(NodeContext c) {
        int rank = c.rank(0);
        int axis = NodeContext.normAxis(c.attrInt("axis", 0), rank);
        List<SDVariable> vars = new ArrayList<>();
        Dim[] out = c.shape(0).clone();
        out[axis] = Dim.of(0);
        for (int i = 0; i < c.inputCount(); i++) {
            if (!c.has(i)) continue;
            Dim[] s = c.shape(i);
            if (s[axis].isStatic() && s[axis].value() == 0) continue; // torch sometimes concatenates empty tensors
            out[axis] = out[axis].plus(s[axis]);
            vars.add(c.var(i));
        }
        SDVariable y = vars.size() == 1 ? vars.get(0) : c.sd.concat(axis, vars.toArray(new SDVariable[0]));
        return NodeContext.one(c.tensor(y, out, c.dataType(0)));
    }

    private static List<Value> split(NodeContext c) {
        Dim[] in = c.shape(0);
        int axis = NodeContext.normAxis(c.attrInt("axis", 0), in.length);
        long[] sizes = c.attrInts("split");
        if (sizes == null && c.has(1)) sizes = c.constLongs(1);
        int n = c.node.getOutputCount();
        long total = in[axis].value();
        if (sizes == null) {
            long each = (total + n - 1) / n;
            sizes = new long[n];
            for (int i = 0; i < n; i++) sizes[i] = Math.min(each, total - each * i);
        }
        List<Value> outs = new ArrayList<>();
        SDVariable x = c.var(0);
        long start = 0;
        for (long size : sizes) {
            outs.add(sliceAxis(c, x, in, axis, start, start + size, 1));
            start += size;
        }
        return outs;
    }

    /** A strided slice along one axis; the other axes (the batch among them) pass through whole. */
    private static Value.Tensor sliceAxis(NodeContext c, SDVariable x, Dim[] in, int axis, long start, long end, long step) {
        long[] begin = new long[in.length], stop = new long[in.length], strides = new long[in.length];
        Arrays.fill(strides, 1);
        int mask = 0;
        for (int i = 0; i < in.length; i++) if (i != axis) mask |= 1 << i;
        begin[axis] = start;
        stop[axis] = end;
        strides[axis] = step;
        Dim[] out = in.clone();
        out[axis] = Dim.of(Math.max(0, (end - start + step - 1) / step));
        return c.tensor(c.sd.stridedSlice(x, begin, stop, strides, mask, mask, 0, 0, 0), out, c.dataType(0));
    }

    private static List<Value> slice(NodeContext c) {
        Dim[] in = c.shape(0);
        long[] starts = c.opset >= 10 ? c.constLongs(1) : c.attrInts("starts");
        long[] ends = c.opset >= 10 ? c.constLongs(2) : c.attrInts("ends");
        long[] axes = c.opset >= 10 ? (c.has(3) ? c.constLongs(3) : null) : c.attrInts("axes");
        long[] steps = c.opset >= 10 && c.has(4) ? c.constLongs(4) : null;
        int rank = in.length;
        long[] begin = new long[rank], stop = new long[rank], strides = new long[rank];
        Arrays.fill(strides, 1);
        int beginMask = 0, endMask = 0;
        boolean[] touched = new boolean[rank];
        Map<Integer, int[]> reversed = new java.util.TreeMap<>();
        Dim[] out = in.clone();
        for (int j = 0; j < starts.length; j++) {
            int a = NodeContext.normAxis(axes == null ? j : axes[j], rank);
            long step = steps == null ? 1 : steps[j];
            if (step == 0) throw new UnsupportedOpException("Slice with step 0");
            touched[a] = true;
            strides[a] = step;
            Dim d = in[a];
            if (!d.isStatic()) {
                // The batch axis can only be taken whole.
                if (starts[j] != 0 || ends[j] < Integer.MAX_VALUE || step != 1) {
                    throw new UnsupportedOpException("Slice of the dynamic batch axis " + a + " is not supported");
                }
                beginMask |= 1 << a;
                endMask |= 1 << a;
                continue;
            }
            long[] r = sliceRange(d.value(), starts[j], ends[j], step);
            out[a] = Dim.of(r[2]);
            if (step < 0) {
                // Reversed slices (torch's F.pad writes one) become a gather: libnd4j's strided slice
                // with negative strides crashed the JVM on int64 data in M2.1.
                int[] idx = new int[(int) r[2]];
                for (int i = 0; i < idx.length; i++) idx[i] = Math.toIntExact(r[0] + i * step);
                reversed.put(a, idx);
                touched[a] = false;
                strides[a] = 1;
                continue;
            }
            begin[a] = r[0];
            stop[a] = r[1];
        }
        for (int i = 0; i < rank; i++) {
            if (!touched[i]) {
                beginMask |= 1 << i;
                endMask |= 1 << i;
            }
        }
        boolean anyTouched = false;
        for (boolean t : touched) anyTouched |= t;
        SDVariable y = anyTouched ? c.sd.stridedSlice(c.var(0), begin, stop, strides, beginMask, endMask, 0, 0, 0) : c.var(0);
        Dim[] cur = out.clone();
        for (int a : reversed.keySet()) cur[a] = in[a];
        for (Map.Entry<Integer, int[]> e : reversed.entrySet()) {
            y = gatherStatic(c, y, cur, e.getValue(), e.getKey());
            cur[e.getKey()] = out[e.getKey()];
        }
        return NodeContext.one(c.tensor(y, out, c.dataType(0)));
    }

    /**
     * ONNX Slice bounds on an axis of size n, clamped as ONNX specifies (negative steps too):
     * {begin, end (-1 = past index 0 when reversing), count}.
     */
    static long[] sliceRange(long n, long start, long end, long step) {
        long s = start < 0 ? start + n : start;
        long e = end < 0 ? end + n : end;
        if (step > 0) {
            s = Math.max(0, Math.min(s, n));
            e = Math.max(0, Math.min(e, n));
            return new long[]{s, e, Math.max(0, (e - s + step - 1) / step)};
        }
        s = Math.max(-1, Math.min(s, n - 1));
        e = Math.max(-1, Math.min(e, n - 1));
        return new long[]{s, e, Math.max(0, (s - e + (-step) - 1) / (-step))};
    }

    private static List<Value> gather(NodeContext c) {
        Dim[] in = c.shape(0);
        int axis = NodeContext.normAxis(c.attrInt("axis", 0), in.length);
        INDArray idx = c.constArray(1);
        long[] ix = NodeContext.longs(idx);
        if (!in[axis].isStatic()) throw new UnsupportedOpException("Gather along the dynamic batch axis is not supported");
        int[] flat = new int[ix.length];
        for (int i = 0; i < ix.length; i++) flat[i] = Math.toIntExact(ix[i] < 0 ? ix[i] + in[axis].value() : ix[i]);
        Dim[] out = Shapes.concat(Shapes.concat(Shapes.slice(in, 0, axis), Dim.ofStatic(idx.shape())), Shapes.slice(in, axis + 1, in.length));
        SDVariable y;
        if (idx.rank() == 0) {
            // A scalar index removes the axis (M2.1's importer keeps a unit axis here).
            y = c.sd.squeeze(c.sd.stridedSlice(c.var(0), begins(in.length, axis, flat[0]), begins(in.length, axis, flat[0] + 1),
                    ones(in.length), allBut(in.length, axis), allBut(in.length, axis), 0, 0, 0), axis);
        } else {
            y = c.in(0) instanceof Value.Const ? c.sd.gather(c.var(0), flat, axis) : gatherStatic(c, c.var(0), in, flat, axis);
            if (idx.rank() != 1) y = c.reshape(y, out);
        }
        return NodeContext.one(c.tensor(y, out, c.dataType(0)));
    }

    /**
     * Gather with indices known at import time, written as a product with a one-hot matrix. M2.1's Gather
     * gradient builds a control-flow loop whose name collides when a graph has two of them ("Unable to
     * replace samediff namespace"), so SAM's relative-position tables could not be trained; a matmul is
     * differentiable everywhere and costs little at these sizes (the gathered axis is a table, not the batch).
     */
    static SDVariable gatherStatic(NodeContext c, SDVariable x, Dim[] in, int[] idx, int axis) {
        // Integer tensors (index arithmetic) need no gradient, and matmul takes floats only.
        if (!x.dataType().isFPType()) return c.sd.gather(x, idx, axis);
        int rank = in.length;
        long n = in[axis].value();
        INDArray pick = Nd4j.zeros(DataType.FLOAT, n, idx.length);
        for (int i = 0; i < idx.length; i++) pick.putScalar(idx[i], i, 1f);
        int[] toLast = new int[rank];
        Dim[] moved = new Dim[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != axis) {
                toLast[j] = i;
                moved[j++] = in[i];
            }
        }
        toLast[rank - 1] = axis;
        moved[rank - 1] = Dim.of(idx.length);
        SDVariable xt = axis == rank - 1 ? x : c.sd.permute(x, toLast);
        SDVariable y = c.sd.mmul(c.sd.reshape(xt, -1, n), c.sd.constant(pick));
        y = c.reshape(y, moved);
        if (axis == rank - 1) return y;
        int[] back = new int[rank];
        for (int i = 0; i < rank; i++) back[toLast[i]] = i;
        return c.sd.permute(y, back);
    }

    private static long[] begins(int rank, int axis, long v) {
        long[] b = new long[rank];
        b[axis] = v;
        return b;
    }

    private static int allBut(int rank, int axis) {
        return ((1 << rank) - 1) & ~(1 << axis);
    }

    private static long[] ones(int rank) {
        long[] o = new long[rank];
        Arrays.fill(o, 1);
        return o;
    }

    private static List<Value> expand(NodeContext c) {
        Dim[] in = c.shape(0);
        Dim[] target = dimsArg(c, 1);
        Dim[] out = Shapes.broadcast(in, target);
        SDVariable x = c.var(0);
        if (in.length < out.length) {
            Dim[] padded = new Dim[out.length];
            Arrays.fill(padded, Dim.of(1));
            System.arraycopy(in, 0, padded, out.length - in.length, in.length);
            x = c.reshape(x, padded);
            in = padded;
        }
        return NodeContext.one(c.tensor(tileTo(c, x, in, out), out, c.dataType(0)));
    }

    /** Repeat unit axes of {@code x} (shape {@code in}) up to {@code out}; the CLS-token expand. */
    private static SDVariable tileTo(NodeContext c, SDVariable x, Dim[] in, Dim[] out) {
        Dim[] reps = new Dim[out.length];
        boolean any = false;
        for (int i = 0; i < out.length; i++) {
            reps[i] = in[i].equals(out[i]) ? Dim.of(1) : out[i];
            if (!in[i].equals(out[i])) any = true;
        }
        if (!any) return x;
        if (Dim.allStatic(reps)) {
            int[] r = new int[reps.length];
            for (int i = 0; i < r.length; i++) r[i] = Math.toIntExact(reps[i].value());
            return c.sd.tile(x, r);
        }
        return c.sd.tile(x, c.sd.castTo(c.runtimeShape(reps), DataType.INT32));
    }

    private static List<Value> tile(NodeContext c) {
        Dim[] in = c.shape(0);
        long[] reps = c.constLongs(1);
        Dim[] out = new Dim[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[i].times(Dim.of(reps[i]));
        return NodeContext.one(c.tensor(c.sd.tile(c.var(0), Shapes.toInts(reps)), out, c.dataType(0)));
    }

    private static List<Value> cast(NodeContext c) {
        int to = (int) c.attrInt("to", TensorProtos.FLOAT);
        DataType dt = switch (to) {
            case TensorProtos.FLOAT -> DataType.FLOAT;
            case TensorProtos.DOUBLE -> DataType.DOUBLE;
            case TensorProtos.INT64 -> DataType.INT64;
            case TensorProtos.INT32 -> DataType.INT32;
            case TensorProtos.BOOL -> DataType.BOOL;
            case TensorProtos.FLOAT16 -> DataType.FLOAT;  // computed in float32
            default -> throw new UnsupportedOpException("Cast to ONNX type " + to + " is not supported");
        };
        if (dt == c.dataType(0)) return NodeContext.one(c.tensor(c.var(0), c.shape(0), dt));
        return NodeContext.one(c.tensor(c.sd.castTo(c.var(0), dt), c.shape(0), dt));
    }

    private static List<Value> pad(NodeContext c) {
        String mode = c.attrString("mode", "constant");
        if (!mode.equals("constant")) throw new UnsupportedOpException("Pad mode '" + mode + "' is not supported");
        Dim[] in = c.shape(0);
        long[] pads = c.opset >= 11 ? c.constLongs(1) : c.attrInts("pads");
        double value = c.opset >= 11 ? (c.has(2) ? c.constScalar(2) : 0) : c.attrFloat("value", 0f);
        int rank = in.length;
        long[] axes = c.has(3) ? c.constLongs(3) : null;
        int[][] p = new int[rank][2];
        int n = axes == null ? rank : axes.length;
        for (int j = 0; j < n; j++) {
            int a = axes == null ? j : NodeContext.normAxis(axes[j], rank);
            p[a][0] = Math.toIntExact(pads[j]);
            p[a][1] = Math.toIntExact(pads[j + n]);
            if (p[a][0] < 0 || p[a][1] < 0) throw new UnsupportedOpException("negative Pad (cropping) is not supported");
        }
        Dim[] out = in.clone();
        for (int a = 0; a < rank; a++) {
            if (p[a][0] != 0 || p[a][1] != 0) {
                if (!in[a].isStatic()) throw new UnsupportedOpException("padding the dynamic batch axis is not supported");
                out[a] = Dim.of(in[a].value() + p[a][0] + p[a][1]);
            }
        }
        SDVariable y = c.sd.nn.pad(c.var(0), c.sd.constant(Nd4j.createFromArray(p)), PadMode.CONSTANT, value);
        return NodeContext.one(c.tensor(y, out, c.dataType(0)));
    }

    private static List<Value> reduce(NodeContext c, String kind) {
        Dim[] in = c.shape(0);
        boolean keep = c.attrInt("keepdims", 1) != 0;
        long[] axes = axesArg(c);
        int[] ax;
        if (axes == null || axes.length == 0) {
            if (c.attrInt("noop_with_empty_axes", 0) != 0) return NodeContext.one(c.tensor(c.var(0), in, c.dataType(0)));
            ax = new int[in.length];
            for (int i = 0; i < ax.length; i++) ax[i] = i;
        } else {
            // Negative axes are normalised here: M2.1 mis-reduces them with keepdims=1.
            ax = Shapes.axes(axes, in.length);
        }
        SDVariable x = c.var(0);
        SDVariable y = switch (kind) {
            case "mean" -> c.sd.mean(x, keep, ax);
            case "sum" -> c.sd.sum(x, keep, ax);
            case "max" -> c.sd.max(x, keep, ax);
            default -> c.sd.min(x, keep, ax);
        };
        return NodeContext.one(c.tensor(y, Shapes.reduce(in, ax, keep), c.dataType(0)));
    }

    private static List<Value> constantOfShape(NodeContext c) {
        INDArray value = c.attr("value") == null ? Nd4j.scalar(0f) : TensorProtos.toArray(c.attr("value").getT(), null);
        Dim[] dims = dimsArg(c, 0);
        if (!Dim.allStatic(dims)) {
            // torch.zeros(x.shape[0], 1, width) (CLIP's class token written the usual way): the shape holds the
            // batch, so the tensor is filled at run time from the batch size; no gradient flows into a fill.
            SDVariable filled = c.sd.fill(c.runtimeShape(dims), value.dataType(), value.getDouble(0));
            return NodeContext.one(c.tensor(filled, dims, value.dataType()));
        }
        long[] shape = c.constLongs(0);
        INDArray out = Nd4j.valueArrayOf(shape, value.getDouble(0), value.dataType());
        return NodeContext.one(new Value.Const(out));
    }

    private static List<Value> range(NodeContext c) {
        double start = c.constScalar(0), limit = c.constScalar(1), delta = c.constScalar(2);
        int n = (int) Math.max(0, Math.ceil((limit - start) / delta));
        DataType dt = c.dataType(0);
        INDArray out = Nd4j.create(dt.isFPType() ? dt : DataType.INT64, n);
        for (int i = 0; i < n; i++) out.putScalar(i, start + i * delta);
        return NodeContext.one(new Value.Const(out));
    }
}
