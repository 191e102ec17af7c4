package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Comparison, selection and scatter: what torch writes for masks built at run time, such as swin_t's
 * shifted-window attention mask ({@code ConstantOfShape → ScatterND → Sub → Equal/Not → Where}). With a static
 * image size every input of those nodes is known at import, so they are folded here in plain Java (on
 * {@link Broadcast}) rather than by running M2.1's boolean and scatter ops on a scratch graph. Where an input
 * is computed, Equal, Not and Where become graph ops; Where as a blend, so both branches stay trainable.
 */
final class MaskRules {

    private MaskRules() {
    }

    static void register(Map<String, OpRule> rules) {
        rules.put("Equal", MaskRules::equal);
        rules.put("Not", MaskRules::not);
        rules.put("Where", MaskRules::where);
        rules.put("ScatterND", MaskRules::scatterNd);
    }

    private static List<Value> equal(NodeContext c) {
        if (c.folding) {
            INDArray a = c.constArray(0), b = c.constArray(1);
            return NodeContext.one(new Value.Const(Broadcast.apply(DataType.BOOL, (x, y, z) -> x == y ? 1 : 0, a, b)));
        }
        SDVariable a = c.var(0), b = c.var(1);
        if (c.dataType(0) != c.dataType(1)) b = c.sd.castTo(b, c.dataType(0));
        return NodeContext.one(c.tensor(c.sd.eq(a, b), Shapes.broadcast(c.shape(0), c.shape(1)), DataType.BOOL));
    }

    private static List<Value> not(NodeContext c) {
        if (c.folding) {
            INDArray a = c.constArray(0);
            return NodeContext.one(new Value.Const(Broadcast.apply(DataType.BOOL, (x, y, z) -> x == 0 ? 1 : 0, a)));
        }
        SDVariable x = c.sd.castTo(c.var(0), DataType.FLOAT);
        return NodeContext.one(c.tensor(c.sd.eq(x, 0.0), c.shape(0), DataType.BOOL));
    }

    private static List<Value> where(NodeContext c) {
        DataType dt = c.dataType(1);
        if (c.folding) {
            INDArray out = Broadcast.apply(dt, (k, a, b) -> k != 0 ? a : b, c.constArray(0), c.constArray(1), c.constArray(2));
            return NodeContext.one(new Value.Const(out));
        }
        Dim[] out = Shapes.broadcast(c.shape(0), Shapes.broadcast(c.shape(1), c.shape(2)));
        if (!dt.isFPType()) {
            throw new UnsupportedOpException("Where on computed " + dt + " values is not supported (only float data, "
                    + "or integer data known at import)");
        }
        requireFinite(c, 1);
        requireFinite(c, 2);
        // cond·a + (1 − cond)·b: differentiable in a and b, exact for finite values (a 0/1 factor times a finite
        // number is exact in float).
        SDVariable k = c.sd.castTo(c.var(0), dt);
        SDVariable y = c.var(1).mul(k).add(c.var(2).mul(k.rsub(1.0)));
        return NodeContext.one(c.tensor(y, out, dt));
    }

    /** A blend multiplies both branches by 0 or 1, which turns an infinite constant into NaN. */
    private static void requireFinite(NodeContext c, int i) {
        if (!c.isConst(i)) return;
        INDArray a = c.constArray(i);
        double max = a.amaxNumber().doubleValue();
        if (!Double.isFinite(max)) {
            throw new UnsupportedOpException("Where with a computed condition and an infinite or NaN constant operand "
                    + "(input " + i + ") is not supported; use a large finite fill value (e.g. -1e4) in the model");
        }
    }

    /**
     * ScatterND (opset 11–16, reduction none/add/mul) with every input known at import. The computed case has
     * not been met in a torch export (swin_t's mask scatters into a constant); it is refused by name.
     */
    private static List<Value> scatterNd(NodeContext c) {
        if (!c.folding) {
            throw new UnsupportedOpException("ScatterND on values computed by the graph is not supported; only "
                    + "masks known at import time (e.g. swin_t's shifted-window mask at a static image size)");
        }
        String reduction = c.attrString("reduction", "none");
        INDArray data = c.constArray(0).dup('c');
        long[] idx = NodeContext.longs(c.constArray(1));
        long[] idxShape = c.constArray(1).shape();
        INDArray updates = c.constArray(2).castTo(data.dataType()).dup('c');
        long[] shape = data.shape();
        int q = (int) idxShape[idxShape.length - 1];
        long slice = 1;
        for (int i = q; i < shape.length; i++) slice *= shape[i];
        long n = idx.length / Math.max(1, q);
        INDArray flat = data.reshape(data.length());
        INDArray up = updates.reshape(updates.length());
        for (long u = 0; u < n; u++) {
            long offset = 0;
            for (int j = 0; j < q; j++) {
                long v = idx[(int) (u * q + j)];
                if (v < 0) v += shape[j];
                if (v < 0 || v >= shape[j]) throw new UnsupportedOpException("ScatterND index " + v + " out of range for axis " + j);
                offset = offset * shape[j] + v;
            }
            offset *= slice;
            for (long e = 0; e < slice; e++) {
                double value = up.getDouble(u * slice + e);
                double old = flat.getDouble(offset + e);
                flat.putScalar(offset + e, switch (reduction) {
                    case "none" -> value;
                    case "add" -> old + value;
                    case "mul" -> old * value;
                    default -> throw new UnsupportedOpException("ScatterND reduction '" + reduction + "' is not supported");
                });
            }
        }
        return NodeContext.one(new Value.Const(flat.reshape(shape)));
    }

    /** NumPy-broadcast elementwise evaluation of known arrays, in double (exact for the integers of shape logic). */
    static final class Broadcast {

        interface Fn {
            double apply(double a, double b, double c);
        }

        private Broadcast() {
        }

        static INDArray apply(DataType out, Fn fn, INDArray... in) {
            int rank = 0;
            for (INDArray a : in) rank = Math.max(rank, a.rank());
            long[] shape = new long[rank];
            Arrays.fill(shape, 1);
            long[][] shapes = new long[in.length][];
            for (int k = 0; k < in.length; k++) {
                shapes[k] = new long[rank];
                Arrays.fill(shapes[k], 1);
                long[] s = in[k].shape();
                System.arraycopy(s, 0, shapes[k], rank - s.length, s.length);
                for (int i = 0; i < rank; i++) {
                    if (shapes[k][i] != 1 && shape[i] != 1 && shapes[k][i] != shape[i]) {
                        throw new UnsupportedOpException("shapes " + Arrays.toString(in[0].shape()) + " and "
                                + Arrays.toString(s) + " do not broadcast");
                    }
                    if (shapes[k][i] != 1) shape[i] = shapes[k][i];
                }
            }
            double[][] values = new double[in.length][];
            for (int k = 0; k < in.length; k++) {
                values[k] = in[k].length() == 0 ? new double[0] : in[k].castTo(DataType.DOUBLE).dup('c').reshape(in[k].length()).toDoubleVector();
            }
            long total = 1;
            for (long d : shape) total *= d;
            double[] result = new double[(int) total];
            long[] pos = new long[rank];
            double[] args = new double[3];
            for (int e = 0; e < total; e++) {
                for (int k = 0; k < in.length; k++) {
                    long off = 0;
                    for (int i = 0; i < rank; i++) off = off * shapes[k][i] + (shapes[k][i] == 1 ? 0 : pos[i]);
                    args[k] = values[k][(int) off];
                }
                result[e] = fn.apply(args[0], args[1], args[2]);
                for (int i = rank - 1; i >= 0 && ++pos[i] == shape[i]; i--) pos[i] = 0;
            }
            return Nd4j.createFromArray(result).castTo(out).reshape(shape);
        }
    }
}
