package io.github.dl4jtransfer.graph;

import java.util.Arrays;

/** Shape inference on {@link Dim}s, so that every translated tensor knows its (batch-symbolic) shape. */
final class Shapes {

    private Shapes() {
    }

    /** NumPy broadcasting. */
    static Dim[] broadcast(Dim[] a, Dim[] b) {
        int r = Math.max(a.length, b.length);
        Dim[] out = new Dim[r];
        for (int i = 0; i < r; i++) {
            Dim x = i < r - a.length ? Dim.of(1) : a[i - (r - a.length)];
            Dim y = i < r - b.length ? Dim.of(1) : b[i - (r - b.length)];
            if (x.equals(y) || isOne(y)) out[i] = x;
            else if (isOne(x)) out[i] = y;
            else throw new UnsupportedOpException("shapes " + Dim.toString(a) + " and " + Dim.toString(b) + " do not broadcast");
        }
        return out;
    }

    static boolean isOne(Dim d) {
        return d.isStatic() && d.value() == 1;
    }

    static Dim[] permute(Dim[] s, int[] perm) {
        Dim[] out = new Dim[perm.length];
        for (int i = 0; i < perm.length; i++) out[i] = s[perm[i]];
        return out;
    }

    static Dim[] concat(Dim[] a, Dim[] b) {
        Dim[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Dim[] slice(Dim[] s, int from, int to) {
        return Arrays.copyOfRange(s, from, to);
    }

    static int[] toInts(long[] l) {
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) r[i] = Math.toIntExact(l[i]);
        return r;
    }

    /** Normalised, sorted axes. */
    static int[] axes(long[] axes, int rank) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) r[i] = NodeContext.normAxis(axes[i], rank);
        Arrays.sort(r);
        return r;
    }

    static Dim[] reduce(Dim[] s, int[] axes, boolean keepDims) {
        Dim[] out = keepDims ? s.clone() : new Dim[s.length - axes.length];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            boolean reduced = Arrays.binarySearch(axes, i) >= 0;
            if (keepDims) {
                if (reduced) out[i] = Dim.of(1);
            } else if (!reduced) {
                out[k++] = s[i];
            }
        }
        return out;
    }
}
