package io.github.dl4jtransfer.graph;

import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything an {@link OpRule} sees of the node it translates: its attributes, its inputs as
 * {@link Value}s and helpers that turn them into SameDiff variables. In folding mode the rule runs on
 * a scratch graph whose inputs are all constants, and its outputs are evaluated at import time.
 */
final class NodeContext {

    final Onnx.NodeProto node;
    final SameDiff sd;
    final boolean folding;
    final int opset;
    private final List<Value> inputs;
    private final OnnxGraphTranslator translator;

    NodeContext(Onnx.NodeProto node, SameDiff sd, boolean folding, int opset, List<Value> inputs,
                OnnxGraphTranslator translator) {
        this.node = node;
        this.sd = sd;
        this.folding = folding;
        this.opset = opset;
        this.inputs = inputs;
        this.translator = translator;
    }

    String opType() {
        return node.getOpType();
    }

    int inputCount() {
        return inputs.size();
    }

    /** The i-th input, or null where it is absent (optional inputs are given as empty names). */
    Value in(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    boolean has(int i) {
        return in(i) != null;
    }

    Dim[] shape(int i) {
        return in(i).shape();
    }

    int rank(int i) {
        return shape(i).length;
    }

    DataType dataType(int i) {
        return in(i).dataType();
    }

    /** The i-th input as a variable of this graph: weights become named parameters. */
    SDVariable var(int i) {
        Value v = in(i);
        if (v == null) {
            throw new UnsupportedOpException("input " + i + " is required");
        }
        if (v instanceof Value.Tensor t) return t.var();
        if (v instanceof Value.Const k) return sd.constant(k.array());
        if (v instanceof Value.Init init) {
            return folding ? sd.constant(init.array()) : translator.parameter(init, node, i);
        }
        Value.Sym s = (Value.Sym) v;
        if (s.isStatic()) return sd.constant(constArray(i));
        return translator.runtimeShape(sd, s.elems());
    }

    /** A weight whose array was re-laid out at import time, registered as the parameter of input i. */
    SDVariable parameterFromArray(Value.Init init, int i) {
        return translator.parameter(init, node, i);
    }

    /** The i-th input as an array known at import time (shape arguments, axes, BN statistics…). */
    INDArray constArray(int i) {
        Value v = in(i);
        if (v instanceof Value.Const k) return k.array();
        if (v instanceof Value.Init init) return init.array();
        if (v instanceof Value.Sym s && s.isStatic()) {
            long[] vals = new long[s.elems().length];
            for (int j = 0; j < vals.length; j++) vals[j] = s.elems()[j].value();
            return s.scalar() ? Nd4j.scalar(vals[0]) : Nd4j.createFromArray(vals);
        }
        throw new UnsupportedOpException("input " + i + " ('" + node.getInput(i) + "') must be known at import time "
                + "but is computed by the graph");
    }

    boolean isConst(int i) {
        Value v = in(i);
        return v instanceof Value.Const || v instanceof Value.Init || (v instanceof Value.Sym s && s.isStatic());
    }

    long[] constLongs(int i) {
        INDArray a = constArray(i);
        return NodeContext.longs(a);
    }

    /** The elements of an integer (or any) array in C order, whatever its rank. */
    static long[] longs(INDArray a) {
        if (a.length() == 0) return new long[0];
        INDArray flat = a.castTo(DataType.INT64).dup('c').reshape(new long[]{a.length()});
        return flat.toLongVector();
    }

    double constScalar(int i) {
        INDArray a = constArray(i);
        if (a.length() != 1) throw new UnsupportedOpException("input " + i + " must be a scalar, got shape " + java.util.Arrays.toString(a.shape()));
        return a.getDouble(0);
    }

    // ---------------------------------------------------------------- attributes

    Onnx.AttributeProto attr(String name) {
        return attr(node, name);
    }

    long attrInt(String name, long dflt) {
        return attrInt(node, name, dflt);
    }

    /** {@code node}'s attribute {@code name}, or null. */
    static Onnx.AttributeProto attr(Onnx.NodeProto node, String name) {
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) return a;
        }
        return null;
    }

    /** {@code node}'s integer attribute {@code name}, or {@code dflt} when it has none. */
    static long attrInt(Onnx.NodeProto node, String name, long dflt) {
        Onnx.AttributeProto a = attr(node, name);
        return a == null ? dflt : a.getI();
    }

    /** Whether {@code node} is an op of the default ONNX domain (the only one translated). */
    static boolean defaultDomain(Onnx.NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    float attrFloat(String name, float dflt) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? dflt : a.getF();
    }

    String attrString(String name, String dflt) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    long[] attrInts(String name) {
        Onnx.AttributeProto a = attr(name);
        if (a == null) return null;
        long[] r = new long[a.getIntsCount()];
        for (int i = 0; i < r.length; i++) r[i] = a.getInts(i);
        return r;
    }

    // ---------------------------------------------------------------- outputs and helpers

    Value.Tensor tensor(SDVariable v, Dim[] shape, DataType dt) {
        return new Value.Tensor(v, shape, dt);
    }

    Value.Tensor tensor(SDVariable v, Dim[] shape) {
        return new Value.Tensor(v, shape, DataType.FLOAT);
    }

    static List<Value> one(Value v) {
        List<Value> l = new ArrayList<>(1);
        l.add(v);
        return l;
    }

    /** A shape vector evaluated at run time (batch-dependent dimensions). */
    SDVariable runtimeShape(Dim[] dims) {
        return translator.runtimeShape(sd, dims);
    }

    /** Reshape to a (possibly batch-dependent) target shape without runtime shape arithmetic where possible. */
    SDVariable reshape(SDVariable x, Dim[] target) {
        int dynamic = 0;
        for (Dim d : target) if (!d.isStatic()) dynamic++;
        if (dynamic <= 1) {
            long[] s = new long[target.length];
            for (int i = 0; i < s.length; i++) s[i] = target[i].isStatic() ? target[i].value() : -1;
            return sd.reshape(x, s);
        }
        return sd.reshape(x, translator.runtimeShape(sd, target));
    }

    /** The training-mode options of the translation, or null for inference. */
    TrainingForward training() {
        return translator == null ? null : translator.training();
    }

    /** Whether the translated graph only runs forward (a frozen backbone). */
    boolean forwardOnly() {
        return translator != null && translator.isForwardOnly();
    }

    int nodeIndex() {
        return translator.nodeIndex();
    }

    void record(BatchNormSite site) {
        translator.record(site);
    }

    static int normAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new UnsupportedOpException("axis " + axis + " is out of range for rank " + rank);
        return (int) a;
    }
}
