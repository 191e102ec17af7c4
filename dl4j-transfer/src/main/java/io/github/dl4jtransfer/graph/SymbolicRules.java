package io.github.dl4jtransfer.graph;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Shape arithmetic at import time. torch writes {@code x.reshape(B, N, 3, h, d)} as
 * Shape → Gather → Unsqueeze → Concat → Reshape; M2.1's importer cannot run those subgraphs with a dynamic
 * batch. Here they are evaluated on {@link Dim}s (the batch is the symbol B), so the Reshape receives a
 * static target with at most one -1 and no shape ops remain in the graph.
 */
final class SymbolicRules {

    private static final Set<String> OPS = Set.of("Shape", "Size", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice",
            "Mul", "Div", "Add", "Sub", "Mod", "Cast", "Identity", "Reshape", "Equal", "Where", "Neg");

    private SymbolicRules() {
    }

    private static boolean isFloatCast(onnx.Onnx.NodeProto node) {
        for (onnx.Onnx.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("to")) {
                long to = a.getI();
                return to == TensorProtos.FLOAT || to == TensorProtos.DOUBLE || to == TensorProtos.FLOAT16;
            }
        }
        return false;
    }

    static boolean applies(onnx.Onnx.NodeProto node, List<Value> inputs) {
        String op = node.getOpType();
        if (op.equals("Shape") || op.equals("Size")) return true;
        if (!OPS.contains(op)) return false;
        // Any shape vector, static ones too: folding a static one through libnd4j's slice gave an empty result
        // of rank 0 (swin_t's mask indices slice a 2-element shape from index 2) where ONNX has shape [0].
        boolean anySym = false;
        for (int i = 0; i < inputs.size(); i++) {
            Value v = inputs.get(i);
            if (v == null) continue;
            if (v instanceof Value.Sym s) {
                // A static vector reshaped to a matrix (the Pad amounts torch computes) is folded as an array.
                if (op.equals("Reshape") && s.isStatic()) return false;
                // A static size cast to float ((C // heads) ** -0.5, swin_t's attention scale) is a float constant.
                if (op.equals("Cast") && s.isStatic() && isFloatCast(node)) return false;
                anySym = true;
            } else if (!(v instanceof Value.Const c && c.array().rank() <= 1 && !c.array().dataType().isFPType())) {
                return false;
            }
        }
        return anySym;
    }

    static List<Value> apply(NodeContext c) {
        return NodeContext.one(switch (c.opType()) {
            case "Shape" -> shape(c);
            case "Size" -> new Value.Sym(new Dim[]{Dim.symbolicProduct(c.shape(0), 0, c.rank(0))}, true);
            case "Gather" -> gather(c);
            case "Unsqueeze" -> {
                Value.Sym s = sym(c, 0);
                if (!s.scalar()) throw new UnsupportedOpException("Unsqueeze of a shape vector into a matrix is not supported");
                yield new Value.Sym(s.elems(), false);
            }
            case "Squeeze" -> {
                Value.Sym s = sym(c, 0);
                if (s.elems().length != 1) throw new UnsupportedOpException("Squeeze of a shape vector with " + s.elems().length + " elements");
                yield new Value.Sym(s.elems(), true);
            }
            case "Concat" -> {
                List<Dim> all = new ArrayList<>();
                for (int i = 0; i < c.inputCount(); i++) all.addAll(Arrays.asList(sym(c, i).elems()));
                yield new Value.Sym(all.toArray(new Dim[0]), false);
            }
            case "Slice" -> slice(c);
            case "Mul", "Div", "Add", "Sub", "Mod" -> arithmetic(c);
            case "Neg" -> {
                Value.Sym s = sym(c, 0);
                Dim[] r = new Dim[s.elems().length];
                for (int i = 0; i < r.length; i++) r[i] = s.elems()[i].negate();
                yield new Value.Sym(r, s.scalar());
            }
            case "Cast", "Identity" -> sym(c, 0);
            case "Reshape" -> {
                Value.Sym s = sym(c, 0);
                long[] target = c.constLongs(1);
                yield new Value.Sym(s.elems(), target.length == 0);
            }
            case "Equal" -> equal(c);
            case "Where" -> where(c);
            default -> throw new UnsupportedOpException("no symbolic rule");
        });
    }

    private static Value.Sym sym(NodeContext c, int i) {
        Value v = c.in(i);
        if (v instanceof Value.Sym s) return s;
        INDArray a = ((Value.Const) v).array();
        long[] l = NodeContext.longs(a);
        return new Value.Sym(Dim.ofStatic(l), a.rank() == 0);
    }

    private static Value shape(NodeContext c) {
        Dim[] s = c.shape(0);
        int start = (int) c.attrInt("start", 0);
        int end = (int) c.attrInt("end", s.length);
        if (start < 0) start += s.length;
        if (end < 0) end += s.length;
        start = Math.max(0, Math.min(start, s.length));
        end = Math.max(start, Math.min(end, s.length));
        return new Value.Sym(Arrays.copyOfRange(s, start, end), false);
    }

    private static Value gather(NodeContext c) {
        Value.Sym data = sym(c, 0);
        INDArray idx = c.constArray(1);
        long[] ix = NodeContext.longs(idx);
        Dim[] out = new Dim[ix.length];
        for (int i = 0; i < ix.length; i++) {
            long k = ix[i] < 0 ? ix[i] + data.elems().length : ix[i];
            out[i] = data.elems()[(int) k];
        }
        return new Value.Sym(out, idx.rank() == 0);
    }

    private static Value slice(NodeContext c) {
        Dim[] d = sym(c, 0).elems();
        long step = c.has(4) ? c.constLongs(4)[0] : 1;
        long[] r = ShapeRules.sliceRange(d.length, c.constLongs(1)[0], c.constLongs(2)[0], step);
        Dim[] out = new Dim[(int) r[2]];
        for (int i = 0; i < out.length; i++) out[i] = d[(int) (r[0] + i * step)];
        return new Value.Sym(out, false);
    }

    private static Value arithmetic(NodeContext c) {
        Value.Sym a = sym(c, 0), b = sym(c, 1);
        int n = Math.max(a.elems().length, b.elems().length);
        Dim[] r = new Dim[n];
        for (int i = 0; i < n; i++) {
            Dim x = a.elems()[a.elems().length == 1 ? 0 : i];
            Dim y = b.elems()[b.elems().length == 1 ? 0 : i];
            r[i] = switch (c.opType()) {
                case "Mul" -> x.times(y);
                case "Div" -> x.isStatic() && y.isStatic() ? Dim.of(Math.floorDiv(x.value(), y.value())) : x.dividedBy(y);
                case "Add" -> x.plus(y);
                case "Mod" -> {
                    if (!x.isStatic() || !y.isStatic()) {
                        throw new UnsupportedOpException("Mod of batch-dependent size " + x + " by " + y);
                    }
                    yield Dim.of(Math.floorMod(x.value(), y.value()));
                }
                default -> x.plus(y.negate());
            };
        }
        return new Value.Sym(r, a.scalar() && b.scalar());
    }

    private static Value equal(NodeContext c) {
        Value.Sym a = sym(c, 0), b = sym(c, 1);
        int n = Math.max(a.elems().length, b.elems().length);
        boolean[] r = new boolean[n];
        for (int i = 0; i < n; i++) {
            Dim x = a.elems()[a.elems().length == 1 ? 0 : i];
            Dim y = b.elems()[b.elems().length == 1 ? 0 : i];
            if (x.equals(y)) r[i] = true;
            else if (x.isStatic() && y.isStatic()) r[i] = false;
            else {
                // A batch-dependent size is positive; it can only equal a positive constant by chance.
                Dim k = x.isStatic() ? x : y;
                Dim s = x.isStatic() ? y : x;
                if (k.isStatic() && k.value() <= 0 && s.coef() > 0) r[i] = false;
                else throw new UnsupportedOpException("cannot decide " + x + " == " + y + " without knowing the batch size");
            }
        }
        return new Value.Const(Nd4j.createFromArray(r));
    }

    private static Value where(NodeContext c) {
        boolean[] cond = toBooleans(c.constArray(0));
        Value.Sym a = sym(c, 1), b = sym(c, 2);
        int n = Math.max(cond.length, Math.max(a.elems().length, b.elems().length));
        Dim[] r = new Dim[n];
        for (int i = 0; i < n; i++) {
            boolean k = cond[cond.length == 1 ? 0 : i];
            r[i] = k ? a.elems()[a.elems().length == 1 ? 0 : i] : b.elems()[b.elems().length == 1 ? 0 : i];
        }
        return new Value.Sym(r, false);
    }

    private static boolean[] toBooleans(INDArray a) {
        long[] l = NodeContext.longs(a);
        boolean[] b = new boolean[l.length];
        for (int i = 0; i < l.length; i++) b[i] = l[i] != 0;
        return b;
    }
}
