package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** MatMul, Gemm and Einsum, mapped onto SameDiff's 2-D and batched 3-D matrix multiply. */
final class LinearRules {

    private LinearRules() {
    }

    static void register(Map<String, OpRule> rules) {
        rules.put("MatMul", LinearRules::matMul);
        rules.put("Gemm", LinearRules::gemm);
        rules.put("Einsum", LinearRules::einsum);
    }

    private static List<Value> matMul(NodeContext c) {
        Dim[] a = c.shape(0), b = c.shape(1);
        if (a.length < 2 || b.length < 2) {
            throw new UnsupportedOpException("MatMul with a vector operand (ranks " + a.length + ", " + b.length + ") is not supported");
        }
        Dim m = a[a.length - 2], k = a[a.length - 1], n = b[b.length - 1];
        if (!k.equals(b[b.length - 2])) {
            throw new UnsupportedOpException("MatMul shapes " + Dim.toString(a) + " and " + Dim.toString(b) + " do not match");
        }
        SDVariable x = c.var(0), w = c.var(1);
        if (b.length == 2) {
            // [..., M, K] x [K, N]: libnd4j rejects 3-D x 2-D, so fold the leading axes into rows.
            Dim[] out = Shapes.concat(Shapes.slice(a, 0, a.length - 1), new Dim[]{n});
            if (a.length == 2) return NodeContext.one(c.tensor(c.sd.mmul(x, w), out));
            SDVariable flat = c.reshape(x, new Dim[]{Dim.symbolicProduct(a, 0, a.length - 1), k});
            return NodeContext.one(c.tensor(c.reshape(c.sd.mmul(flat, w), out), out));
        }
        Dim[] batchA = Shapes.slice(a, 0, a.length - 2), batchB = Shapes.slice(b, 0, b.length - 2);
        Dim[] batch = Shapes.broadcast(batchA, batchB);
        Dim[] out = Shapes.concat(batch, new Dim[]{m, n});
        if (!java.util.Arrays.equals(batch, batchA) || !java.util.Arrays.equals(batch, batchB)) {
            throw new UnsupportedOpException("MatMul with broadcast batch axes " + Dim.toString(a) + " x " + Dim.toString(b)
                    + " is not supported");
        }
        Dim nb = Dim.symbolicProduct(batch, 0, batch.length);
        SDVariable y = batchedMatMul(c, x, w, nb, m, k, n, batch.length == 1);
        return NodeContext.one(c.tensor(batch.length == 1 ? y : c.reshape(y, out), out));
    }

    /** [nb, M, K] x [nb, K, N] as one batched matmul (inputs reshaped to rank 3 when needed). */
    static SDVariable batchedMatMul(NodeContext c, SDVariable x, SDVariable w, Dim nb, Dim m, Dim k, Dim n, boolean alreadyRank3) {
        SDVariable x3 = alreadyRank3 ? x : c.reshape(x, new Dim[]{nb, m, k});
        SDVariable w3 = alreadyRank3 ? w : c.reshape(w, new Dim[]{nb, k, n});
        return c.sd.mmul(x3, w3);
    }

    private static List<Value> gemm(NodeContext c) {
        boolean ta = c.attrInt("transA", 0) != 0, tb = c.attrInt("transB", 0) != 0;
        float alpha = c.attrFloat("alpha", 1f), beta = c.attrFloat("beta", 1f);
        Dim[] a = c.shape(0), b = c.shape(1);
        if (a.length != 2 || b.length != 2) throw new UnsupportedOpException("Gemm needs 2-D operands");
        Dim m = ta ? a[1] : a[0];
        Dim n = tb ? b[0] : b[1];
        SDVariable y = c.sd.mmul(c.var(0), c.var(1), ta, tb, false);
        if (alpha != 1f) y = y.mul(alpha);
        if (c.has(2)) {
            // M2.1's importer drops this input; the bias is the whole point of a Linear layer.
            SDVariable bias = c.var(2);
            y = y.add(beta == 1f ? bias : bias.mul(beta));
        }
        return NodeContext.one(c.tensor(y, new Dim[]{m, n}));
    }

    /**
     * Two-operand Einsum without ellipsis (SAM's {@code bhwc,hkc->bhwk}): permute both operands into
     * [batch, free, contracted] form, run one batched matmul, and permute into the output order.
     */
    private static List<Value> einsum(NodeContext c) {
        String eq = c.attrString("equation", "").replace(" ", "");
        if (eq.contains("...")) throw new UnsupportedOpException("Einsum with ellipsis ('" + eq + "') is not supported");
        String[] io = eq.split("->");
        if (io.length != 2) throw new UnsupportedOpException("Einsum needs an explicit output ('" + eq + "')");
        String[] ins = io[0].split(",");
        String out = io[1];
        if (ins.length == 1) return NodeContext.one(unaryEinsum(c, ins[0], out));
        if (ins.length != 2) throw new UnsupportedOpException("Einsum with " + ins.length + " operands is not supported");
        String la = ins[0], lb = ins[1];
        SDVariable a = c.var(0), b = c.var(1);
        Dim[] sa = c.shape(0), sb = c.shape(1);
        // Sum away letters that appear in one operand only and not in the output.
        Reduced ra = sumOnly(c, a, sa, la, lb, out);
        Reduced rb = sumOnly(c, b, sb, lb, la, out);
        a = ra.var; sa = ra.shape; la = ra.letters;
        b = rb.var; sb = rb.shape; lb = rb.letters;
        StringBuilder batch = new StringBuilder(), left = new StringBuilder(), right = new StringBuilder(), contr = new StringBuilder();
        for (char ch : out.toCharArray()) {
            boolean inA = la.indexOf(ch) >= 0, inB = lb.indexOf(ch) >= 0;
            if (inA && inB) batch.append(ch);
            else if (inA) left.append(ch);
            else if (inB) right.append(ch);
            else throw new UnsupportedOpException("Einsum output letter '" + ch + "' is in no operand");
        }
        for (char ch : la.toCharArray()) {
            if (lb.indexOf(ch) >= 0 && out.indexOf(ch) < 0) contr.append(ch);
        }
        String orderA = batch.toString() + left + contr, orderB = batch.toString() + contr + right;
        SDVariable pa = permuteTo(c, a, la, orderA);
        SDVariable pb = permuteTo(c, b, lb, orderB);
        Dim nb = product(sa, la, batch.toString()), nl = product(sa, la, left.toString());
        Dim nc = product(sa, la, contr.toString()), nr = product(sb, lb, right.toString());
        SDVariable y;
        if (Shapes.isOne(nb)) {
            y = c.sd.mmul(c.reshape(pa, new Dim[]{nl, nc}), c.reshape(pb, new Dim[]{nc, nr}));
        } else {
            y = c.sd.mmul(c.reshape(pa, new Dim[]{nb, nl, nc}), c.reshape(pb, new Dim[]{nb, nc, nr}));
        }
        String produced = batch.toString() + left + right;
        Dim[] producedShape = new Dim[produced.length()];
        for (int i = 0; i < produced.length(); i++) {
            char ch = produced.charAt(i);
            producedShape[i] = la.indexOf(ch) >= 0 ? sa[la.indexOf(ch)] : sb[lb.indexOf(ch)];
        }
        y = c.reshape(y, producedShape);
        y = permuteTo(c, y, produced, out);
        Dim[] outShape = new Dim[out.length()];
        for (int i = 0; i < out.length(); i++) outShape[i] = producedShape[produced.indexOf(out.charAt(i))];
        return NodeContext.one(c.tensor(y, outShape));
    }

    private record Reduced(SDVariable var, Dim[] shape, String letters) {
    }

    private static Reduced sumOnly(NodeContext c, SDVariable v, Dim[] s, String letters, String other, String out) {
        List<Integer> axes = new ArrayList<>();
        StringBuilder kept = new StringBuilder();
        List<Dim> keptShape = new ArrayList<>();
        for (int i = 0; i < letters.length(); i++) {
            char ch = letters.charAt(i);
            if (letters.indexOf(ch) != i) throw new UnsupportedOpException("Einsum with a repeated letter in one operand is not supported");
            if (other.indexOf(ch) < 0 && out.indexOf(ch) < 0) axes.add(i);
            else {
                kept.append(ch);
                keptShape.add(s[i]);
            }
        }
        if (axes.isEmpty()) return new Reduced(v, s, letters);
        int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
        return new Reduced(c.sd.sum(v, false, ax), keptShape.toArray(new Dim[0]), kept.toString());
    }

    private static Value unaryEinsum(NodeContext c, String in, String out) {
        Reduced r = sumOnly(c, c.var(0), c.shape(0), in, "", out);
        SDVariable y = permuteTo(c, r.var, r.letters, out);
        Dim[] shape = new Dim[out.length()];
        for (int i = 0; i < out.length(); i++) shape[i] = r.shape[r.letters.indexOf(out.charAt(i))];
        return c.tensor(y, shape);
    }

    private static SDVariable permuteTo(NodeContext c, SDVariable v, String from, String to) {
        if (from.equals(to)) return v;
        int[] perm = new int[to.length()];
        for (int i = 0; i < perm.length; i++) perm[i] = from.indexOf(to.charAt(i));
        return c.sd.permute(v, perm);
    }

    private static Dim product(Dim[] shape, String letters, String which) {
        Dim p = Dim.of(1);
        for (char ch : which.toCharArray()) p = p.times(shape[letters.indexOf(ch)]);
        return p;
    }
}
