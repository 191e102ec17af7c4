package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

import java.util.List;

/**
 * ONNX import of a fixture whose fields were changed ({@link OnnxTarget}): the input is a script of field edits on
 * the parsed seed model — an initializer's dims, data type, data or external-data entries; a node's op type, inputs
 * or attributes; a graph input's shape or type; the opset — serialised back and imported. These reach the checks a
 * byte edit rarely does, because the file still parses.
 */
class OnnxFieldsFuzzTest {

    private static final Onnx.ModelProto SEED;

    static {
        try {
            SEED = Onnx.ModelProto.parseFrom(OnnxTarget.SEED);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final List<String> OPS = List.of("Add", "MatMul", "Gemm", "Conv", "Reshape", "Transpose", "Gather", "Concat",
            "Softmax", "LayerNormalization", "ReduceMean", "Slice", "Unsqueeze", "Squeeze", "Shape", "Constant", "Mul", "Div",
            "Sqrt", "Pow", "Erf", "Expand", "Where", "Equal", "Cast", "Split", "Resize", "Pad", "Flatten", "Identity", "Relu");

    @FuzzTest
    void load(FuzzedDataProvider d) {
        Onnx.ModelProto.Builder m = SEED.toBuilder();
        Onnx.GraphProto.Builder g = m.getGraphBuilder();
        int n = d.consumeInt(1, 4);
        for (int i = 0; i < n; i++) {
            switch (d.consumeInt(0, 3)) {
                case 0 -> initializer(g, d);
                case 1 -> node(g, d);
                case 2 -> input(g, d);
                default -> {
                    if (m.getOpsetImportCount() > 0) m.getOpsetImportBuilder(0).setVersion(d.consumeLong(-2, 30));
                }
            }
        }
        OnnxTarget.load(m.build().toByteArray());
    }

    private static void initializer(Onnx.GraphProto.Builder g, FuzzedDataProvider d) {
        if (g.getInitializerCount() == 0) return;
        Onnx.TensorProto.Builder t = g.getInitializerBuilder(d.consumeInt(0, g.getInitializerCount() - 1));
        switch (d.consumeInt(0, 5)) {
            case 0 -> {
                if (t.getDimsCount() > 0) t.setDims(d.consumeInt(0, t.getDimsCount() - 1), d.consumeLong(-4, 1L << 40));
            }
            case 1 -> t.addDims(d.consumeLong(-1, 8));
            case 2 -> t.setDataType(d.consumeInt(0, 17));
            case 3 -> t.setRawData(t.getRawData().substring(0, d.consumeInt(0, t.getRawData().size())));
            case 4 -> t.clearRawData().addFloatData(d.consumeFloat());
            default -> t.setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL).addExternalData(Onnx.StringStringEntryProto.newBuilder()
                    .setKey(d.pickValue(List.of("location", "offset", "length", "checksum"))).setValue(d.consumeString(24)));
        }
    }

    private static void node(Onnx.GraphProto.Builder g, FuzzedDataProvider d) {
        if (g.getNodeCount() == 0) return;
        Onnx.NodeProto.Builder node = g.getNodeBuilder(d.consumeInt(0, g.getNodeCount() - 1));
        switch (d.consumeInt(0, 5)) {
            case 0 -> node.setOpType(d.consumeBoolean() ? d.pickValue(OPS) : d.consumeString(12));
            case 1 -> {
                if (node.getInputCount() > 0) node.setInput(d.consumeInt(0, node.getInputCount() - 1), d.consumeBoolean() ? "" : d.consumeString(8));
            }
            case 2 -> {
                if (node.getInputCount() > 0) {
                    List<String> rest = new java.util.ArrayList<>(node.getInputList());
                    rest.remove(d.consumeInt(0, rest.size() - 1));
                    node.clearInput().addAllInput(rest);
                }
            }
            case 3 -> {
                if (node.getAttributeCount() > 0) node.removeAttribute(d.consumeInt(0, node.getAttributeCount() - 1));
            }
            case 4 -> {
                if (node.getAttributeCount() > 0) {
                    Onnx.AttributeProto.Builder a = node.getAttributeBuilder(d.consumeInt(0, node.getAttributeCount() - 1));
                    a.setI(d.consumeLong(-3, 1 << 20)).setF(d.consumeFloat());
                    if (a.getIntsCount() > 0) a.setInts(d.consumeInt(0, a.getIntsCount() - 1), d.consumeLong(-5, 1 << 20));
                    if (a.hasT()) a.getTBuilder().setRawData(ByteString.copyFrom(d.consumeBytes(16)));
                }
            }
            default -> node.setDomain(d.consumeBoolean() ? "com.microsoft" : "");
        }
    }

    private static void input(Onnx.GraphProto.Builder g, FuzzedDataProvider d) {
        if (g.getInputCount() == 0) return;
        Onnx.TypeProto.Tensor.Builder tt = g.getInputBuilder(d.consumeInt(0, g.getInputCount() - 1)).getTypeBuilder().getTensorTypeBuilder();
        switch (d.consumeInt(0, 3)) {
            case 0 -> tt.setElemType(d.consumeInt(0, 17));
            case 1 -> {
                if (tt.getShape().getDimCount() > 0) {
                    tt.getShapeBuilder().getDimBuilder(d.consumeInt(0, tt.getShape().getDimCount() - 1)).setDimValue(d.consumeLong(-2, 1 << 20));
                }
            }
            case 2 -> tt.getShapeBuilder().addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("extra"));
            default -> tt.clearShape();
        }
    }
}
