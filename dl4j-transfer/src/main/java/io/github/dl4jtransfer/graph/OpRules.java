package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/** The op table: ONNX op type → rule. Elementwise rules live here; the others by concern in sibling classes. */
final class OpRules {

    private static final Map<String, OpRule> RULES = new TreeMap<>();

    static {
        unary("Relu", (sd, x) -> sd.nn.relu(x, 0));
        unary("Sigmoid", (sd, x) -> sd.nn.sigmoid(x));
        unary("Tanh", (sd, x) -> sd.nn.tanh(x));
        unary("Erf", (sd, x) -> sd.math.erf(x));
        unary("Sqrt", (sd, x) -> sd.math.sqrt(x));
        unary("Exp", (sd, x) -> sd.math.exp(x));
        unary("Log", (sd, x) -> sd.math.log(x));
        unary("Neg", (sd, x) -> sd.math.neg(x));
        unary("Abs", (sd, x) -> sd.math.abs(x));
        unary("Reciprocal", (sd, x) -> sd.math.reciprocal(x));
        unary("Floor", (sd, x) -> sd.math.floor(x));
        unary("Ceil", (sd, x) -> sd.math.ceil(x));
        unary("Softplus", (sd, x) -> sd.nn.softplus(x));
        RULES.put("Identity", c -> NodeContext.one(c.in(0) instanceof Value.Tensor t ? t : c.tensor(c.var(0), c.shape(0), c.dataType(0))));
        RULES.put("Dropout", OpRules::dropout);
        RULES.put("HardSigmoid", c -> NodeContext.one(c.tensor(
                hardSigmoid(c.sd, c.var(0), c.attrFloat("alpha", 0.2f), c.attrFloat("beta", 0.5f)), c.shape(0), c.dataType(0))));
        // HardSwish is x * HardSigmoid(x) with alpha 1/6, beta 1/2 (torch's nn.Hardswish).
        RULES.put("HardSwish", c -> NodeContext.one(c.tensor(
                c.var(0).mul(hardSigmoid(c.sd, c.var(0), 1.0 / 6, 0.5)), c.shape(0), c.dataType(0))));
        RULES.put("Add", c -> binary(c, SDVariable::add, SDVariable::add, SDVariable::add));
        RULES.put("Sub", c -> binary(c, SDVariable::sub, SDVariable::sub, SDVariable::rsub));
        RULES.put("Mul", c -> binary(c, SDVariable::mul, SDVariable::mul, SDVariable::mul));
        RULES.put("Div", c -> binary(c, SDVariable::div, SDVariable::div, SDVariable::rdiv));
        RULES.put("Max", c -> binary(c, (a, b) -> c.sd.math.max(a, b), null, null));
        RULES.put("Min", c -> binary(c, (a, b) -> c.sd.math.min(a, b), null, null));
        RULES.put("Mod", c -> binary(c, c.attrInt("fmod", 0) != 0 ? (a, b) -> c.sd.math.mod(a, b)
                : (a, b) -> c.sd.math.floorMod(a, b), null, null));
        RULES.put("Pow", OpRules::pow);
        RULES.put("Gelu", OpRules::gelu);
        RULES.put("Softmax", c -> softmax(c, false));
        RULES.put("LogSoftmax", c -> softmax(c, true));
        RULES.put("Clip", OpRules::clip);
        LinearRules.register(RULES);
        ConvRules.register(RULES);
        NormRules.register(RULES);
        ShapeRules.register(RULES);
        MaskRules.register(RULES);
        ResizeRules.register(RULES);
    }

    private OpRules() {
    }

    static OpRule get(String opType) {
        return RULES.get(opType);
    }

    static String supported() {
        return String.join(", ", RULES.keySet());
    }

    private static void unary(String op, BiFunction<SameDiff, SDVariable, SDVariable> f) {
        RULES.put(op, c -> NodeContext.one(c.tensor(f.apply(c.sd, c.var(0)), c.shape(0), c.dataType(0))));
    }

    /**
     * Dropout at inference: the output is the input, and the optional mask output (torch declares it in
     * swin_t's attention even though nothing reads it) is all true. The mask is built from the input so it
     * has the input's run-time shape; SameDiff computes it only where something asks for it.
     */
    private static List<Value> dropout(NodeContext c) {
        Value.Tensor out = c.tensor(c.var(0), c.shape(0), c.dataType(0));
        if (c.node.getOutputCount() < 2 || c.node.getOutput(1).isEmpty()) return NodeContext.one(out);
        SDVariable mask = c.sd.castTo(c.sd.onesLike(c.var(0)), DataType.BOOL);
        return List.of(out, c.tensor(mask, c.shape(0), DataType.BOOL));
    }

    /** max(0, min(1, alpha·x + beta)), ONNX's HardSigmoid, written out so its gradient is the clip's. */
    static SDVariable hardSigmoid(SameDiff sd, SDVariable x, double alpha, double beta) {
        return sd.math.clipByValue(x.mul(alpha).add(beta), 0.0, 1.0);
    }

    interface ScalarOp {
        SDVariable apply(SDVariable x, double s);
    }

    /**
     * Broadcasting binary op. A scalar constant operand becomes a scalar op (no broadcast array), which
     * is how torch writes the attention scale and the GELU constants.
     */
    private static List<Value> binary(NodeContext c, BiFunction<SDVariable, SDVariable, SDVariable> op,
                                      ScalarOp scalarRight, ScalarOp scalarLeft) {
        Dim[] out = Shapes.broadcast(c.shape(0), c.shape(1));
        DataType dt = c.dataType(0).isFPType() ? c.dataType(0) : c.dataType(1);
        if (scalarRight != null && isScalarConst(c, 1) && out.length == c.rank(0)) {
            return NodeContext.one(c.tensor(scalarRight.apply(c.var(0), c.constScalar(1)), out, dt));
        }
        if (scalarLeft != null && isScalarConst(c, 0) && out.length == c.rank(1)) {
            return NodeContext.one(c.tensor(scalarLeft.apply(c.var(1), c.constScalar(0)), out, dt));
        }
        SDVariable a = c.var(0), b = c.var(1);
        if (c.dataType(0) != c.dataType(1) && c.dataType(0).isFPType() != c.dataType(1).isFPType()) {
            b = c.sd.castTo(b, c.dataType(0));
        }
        return NodeContext.one(c.tensor(op.apply(a, b), out, dt));
    }

    private static boolean isScalarConst(NodeContext c, int i) {
        Value v = c.in(i);
        return (v instanceof Value.Const k && k.array().length() == 1) && !c.folding;
    }

    private static List<Value> pow(NodeContext c) {
        if (c.isConst(1) && c.constArray(1).length() == 1) {
            double e = c.constScalar(1);
            SDVariable x = c.var(0);
            SDVariable y;
            if (e == 2) y = c.sd.math.square(x);
            else if (e == 1) y = x;
            else if (e == 0.5) y = c.sd.math.sqrt(x);
            else if (e == 3) y = c.sd.math.square(x).mul(x);
            else if (e == -1) y = c.sd.math.reciprocal(x);
            else y = c.sd.math.pow(x, e);
            return NodeContext.one(c.tensor(y, c.shape(0), c.dataType(0)));
        }
        Dim[] out = Shapes.broadcast(c.shape(0), c.shape(1));
        return NodeContext.one(c.tensor(c.sd.math.pow(c.var(0), c.var(1)), out, c.dataType(0)));
    }

    private static List<Value> gelu(NodeContext c) {
        boolean tanh = "tanh".equals(c.attrString("approximate", "none"));
        return NodeContext.one(c.tensor(SameDiffOps.gelu(c.sd, c.var(0), tanh), c.shape(0)));
    }

    private static List<Value> softmax(NodeContext c, boolean log) {
        int rank = c.rank(0);
        long dflt = c.opset >= 13 ? -1 : 1;
        int axis = NodeContext.normAxis(c.attrInt("axis", dflt), rank);
        if (c.opset < 13 && axis != rank - 1) {
            throw new UnsupportedOpException("opset " + c.opset + " Softmax over flattened axes " + axis
                    + ".. is not supported; export with opset >= 13");
        }
        SDVariable y = log ? SameDiffOps.logSoftmax(c.sd, c.var(0), axis) : c.sd.nn.softmax(c.var(0), axis);
        return NodeContext.one(c.tensor(y, c.shape(0)));
    }

    private static List<Value> clip(NodeContext c) {
        double lo = -Double.MAX_VALUE, hi = Double.MAX_VALUE;
        if (c.opset >= 11) {
            if (c.has(1)) lo = c.constScalar(1);
            if (c.has(2)) hi = c.constScalar(2);
        } else {
            lo = c.attrFloat("min", -Float.MAX_VALUE);
            hi = c.attrFloat("max", Float.MAX_VALUE);
        }
        return NodeContext.one(c.tensor(c.sd.math.clipByValue(c.var(0), lo, hi), c.shape(0), c.dataType(0)));
    }
}
