package io.github.dl4jtransfer.graph;

/**
 * One dimension of a tensor shape during import: {@code coef * B^power}, where B is the dynamic batch
 * size. Static dimensions have power 0. Shape subgraphs (Shape → Gather → Mul → Concat → Reshape) are
 * evaluated on these symbols at import time, so the imported graph contains no runtime shape arithmetic
 * and still accepts any batch size.
 */
public record Dim(long coef, int power) {

    public static final Dim BATCH = new Dim(1, 1);

    public static Dim of(long value) {
        return new Dim(value, 0);
    }

    public boolean isStatic() {
        return power == 0 || coef == 0;
    }

    /** The static value; fails for a batch-dependent dimension. */
    public long value() {
        if (!isStatic()) {
            throw new IllegalStateException("dimension " + this + " depends on the batch size");
        }
        return coef;
    }

    public Dim times(Dim o) {
        return new Dim(coef * o.coef, power + o.power);
    }

    public Dim dividedBy(Dim o) {
        if (o.coef == 0) {
            throw new ArithmeticException("division of dimension " + this + " by zero");
        }
        if (coef % o.coef != 0 || power < o.power) {
            throw new ArithmeticException("dimension " + this + " is not divisible by " + o);
        }
        return new Dim(coef / o.coef, power - o.power);
    }

    public Dim plus(Dim o) {
        if (coef == 0) return o;
        if (o.coef == 0) return this;
        if (power != o.power) {
            throw new ArithmeticException("cannot add dimensions " + this + " and " + o);
        }
        return new Dim(coef + o.coef, power);
    }

    public Dim negate() {
        return new Dim(-coef, power);
    }

    @Override
    public String toString() {
        if (isStatic()) return Long.toString(coef);
        String b = power == 1 ? "B" : "B^" + power;
        return coef == 1 ? b : coef + "*" + b;
    }

    public static long product(Dim[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= dims[i].value();
        return p;
    }

    public static Dim symbolicProduct(Dim[] dims, int from, int to) {
        Dim p = of(1);
        for (int i = from; i < to; i++) p = p.times(dims[i]);
        return p;
    }

    public static boolean allStatic(Dim[] dims) {
        for (Dim d : dims) if (!d.isStatic()) return false;
        return true;
    }

    public static String toString(Dim[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }

    public static Dim[] ofStatic(long... values) {
        Dim[] d = new Dim[values.length];
        for (int i = 0; i < values.length; i++) d[i] = of(values[i]);
        return d;
    }
}
