package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * Resize (opset 10–19; what {@code F.interpolate} writes): each resized axis is a product with a constant
 * {@link Interpolation} matrix, the axis moved last and back. The batch axis is never resized; the output sizes
 * must be known at import (they are with a static image size, even where torch computes them from the shape).
 * A DINOv2 that interpolates its position embedding in the graph resizes a weight this way, so the weight
 * stays trainable through the resize.
 */
final class ResizeRules {

    private ResizeRules() {
    }

    static void register(Map<String, OpRule> rules) {
        rules.put("Resize", ResizeRules::resize);
        rules.put("Upsample", ResizeRules::resize);
    }

    private static List<Value> resize(NodeContext c) {
        Dim[] in = c.shape(0);
        int rank = in.length;
        double[] scales = new double[rank];
        Dim[] out = in.clone();
        boolean legacy = c.opset < 11 || c.opType().equals("Upsample");
        int scalesInput = legacy ? 1 : 2;
        if (!legacy && c.has(3) && sizeCount(c, 3) > 0) {
            Dim[] sizes = c.in(3) instanceof Value.Sym s ? s.elems() : Dim.ofStatic(c.constLongs(3));
            if (sizes.length != rank) throw new UnsupportedOpException("Resize sizes has " + sizes.length + " entries for rank " + rank);
            for (int i = 0; i < rank; i++) {
                out[i] = sizes[i];
                scales[i] = sizes[i].equals(in[i]) ? 1 : (double) sizes[i].value() / in[i].value();
            }
        } else if (c.has(scalesInput) && sizeCount(c, scalesInput) > 0) {
            double[] s = c.constArray(scalesInput).castTo(DataType.DOUBLE).toDoubleVector();
            if (s.length != rank) throw new UnsupportedOpException("Resize scales has " + s.length + " entries for rank " + rank);
            for (int i = 0; i < rank; i++) {
                scales[i] = s[i];
                if (s[i] != 1) out[i] = Dim.of((long) Math.floor(in[i].value() * s[i]));
            }
        } else {
            throw new UnsupportedOpException("Resize has neither scales nor sizes");
        }
        String coordinate = legacy ? "asymmetric" : c.attrString("coordinate_transformation_mode", "half_pixel");
        if (coordinate.equals("tf_crop_and_resize")) throw new UnsupportedOpException("Resize tf_crop_and_resize is not supported");
        if (c.attr("antialias") != null && c.attrInt("antialias", 0) != 0) {
            throw new UnsupportedOpException("Resize with antialias=1 (opset 18) is not supported");
        }
        if (c.attr("axes") != null) throw new UnsupportedOpException("Resize with axes (opset 18) is not supported");
        Interpolation f = new Interpolation(c.attrString("mode", "nearest"), coordinate,
                legacy ? "floor" : c.attrString("nearest_mode", "round_prefer_floor"),
                c.attrFloat("cubic_coeff_a", -0.75f), c.attrInt("exclude_outside", 0) != 0);
        SDVariable y = c.var(0);
        Dim[] shape = in.clone();
        for (int axis = 0; axis < rank; axis++) {
            if (out[axis].equals(in[axis]) && scales[axis] == 1) continue;
            if (!in[axis].isStatic()) throw new UnsupportedOpException("Resize of the dynamic batch axis is not supported");
            int n = Math.toIntExact(in[axis].value()), m = Math.toIntExact(out[axis].value());
            y = alongAxis(c, y, shape, axis, f.matrix(n, m, scales[axis]));
            shape[axis] = out[axis];
        }
        return NodeContext.one(c.tensor(y, shape, c.dataType(0)));
    }

    private static long sizeCount(NodeContext c, int i) {
        Value v = c.in(i);
        if (v instanceof Value.Sym s) return s.elems().length;
        return c.constArray(i).length();
    }

    /** y with axis {@code axis} (of the shape {@code shape}) replaced by A · (that axis): [m, n] · [.., n, ..]. */
    private static SDVariable alongAxis(NodeContext c, SDVariable x, Dim[] shape, int axis, double[][] a) {
        int rank = shape.length, n = a[0].length, m = a.length;
        float[][] at = new float[n][m];
        for (int j = 0; j < m; j++) for (int i = 0; i < n; i++) at[i][j] = (float) a[j][i];
        int[] toLast = new int[rank];
        Dim[] moved = new Dim[rank];
        for (int i = 0, k = 0; i < rank; i++) {
            if (i != axis) {
                toLast[k] = i;
                moved[k++] = shape[i];
            }
        }
        toLast[rank - 1] = axis;
        moved[rank - 1] = Dim.of(m);
        SDVariable xt = axis == rank - 1 ? x : c.sd.permute(x, toLast);
        SDVariable y = c.sd.mmul(c.sd.reshape(xt, -1, n), c.sd.constant(Nd4j.createFromArray(at)));
        y = c.reshape(y, moved);
        if (axis == rank - 1) return y;
        int[] back = new int[rank];
        for (int i = 0; i < rank; i++) back[toLast[i]] = i;
        return c.sd.permute(y, back);
    }
}
