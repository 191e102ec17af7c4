package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.model.BackboneLoader;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad files fail with an exception that names the file (and node), never a JVM crash. */
class OnnxErrorHandlingTest {

    @TempDir
    Path tmp;

    static Onnx.ValueInfoProto tensorInfo(String name, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder b = Onnx.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) b.setDimParam(s);
            else b.setDimValue(((Number) d).longValue());
            shape.addDim(b);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    static Path write(Path dir, String file, Onnx.GraphProto graph) throws Exception {
        Onnx.ModelProto model = Onnx.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build();
        Path p = dir.resolve(file);
        Files.write(p, model.toByteArray());
        return p;
    }

    @Test
    void unsupportedOpIsNamedWithNodeAndFile() throws Exception {
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", "batch", 4))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Relu").setName("/stem/Relu").addInput("x").addOutput("r"))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Det").setName("/head/Det_7").addInput("r").addOutput("y"))
                .addOutput(tensorInfo("y", "batch"))
                .build();
        Path file = write(tmp, "unsupported.onnx", g);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null));
        assertTrue(e.getMessage().contains("Det"), e.getMessage());
        assertTrue(e.getMessage().contains("/head/Det_7"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
        assertTrue("Det".equals(e.opType()) && "/head/Det_7".equals(e.nodeName()));
    }

    @Test
    void unsupportedAttributeFormIsNamedToo() throws Exception {
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", "batch", 3, 8, 8))
                // ceil-mode max pooling is supported (GoogLeNet); an average pool whose last window is partial is not
                .addNode(Onnx.NodeProto.newBuilder().setOpType("AveragePool").setName("pool").addInput("x").addOutput("y")
                        .addAttribute(Onnx.AttributeProto.newBuilder().setName("kernel_shape").addInts(3).addInts(3).setType(Onnx.AttributeProto.AttributeType.INTS))
                        .addAttribute(Onnx.AttributeProto.newBuilder().setName("strides").addInts(2).addInts(2).setType(Onnx.AttributeProto.AttributeType.INTS))
                        .addAttribute(Onnx.AttributeProto.newBuilder().setName("ceil_mode").setI(1).setType(Onnx.AttributeProto.AttributeType.INT)))
                .addOutput(tensorInfo("y", "batch"))
                .build();
        Path file = write(tmp, "ceil.onnx", g);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null));
        assertTrue(e.getMessage().contains("ceil_mode") && e.getMessage().contains("pool"), e.getMessage());
    }

    @Test
    void danglingInputIsReportedAsMalformed() throws Exception {
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", "batch", 4))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Add").setName("add").addInput("x").addInput("missing").addOutput("y"))
                .addOutput(tensorInfo("y", "batch", 4))
                .build();
        Path file = write(tmp, "dangling.onnx", g);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null));
        assertTrue(e.getMessage().contains("'missing'") && e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void corruptFileIsReportedWithItsPath() throws Exception {
        Path file = tmp.resolve("corrupt.onnx");
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Files.write(file, junk);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void fileWithoutGraphIsRejected() throws Exception {
        Path file = tmp.resolve("empty.onnx");
        Files.write(file, new byte[0]);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null));
        assertTrue(e.getMessage().contains("no ONNX graph"), e.getMessage());
    }

    @Test
    void missingFileAndMissingSidecarSayWhatToDo() throws Exception {
        Path missing = tmp.resolve("nope.onnx");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(missing, null));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path noSidecar = tmp.resolve("lonely.onnx");
        Files.write(noSidecar, new byte[]{1});
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> BackboneLoader.load(noSidecar));
        assertTrue(e2.getMessage().contains("lonely.json") && e2.getMessage().contains("tools/export"), e2.getMessage());
    }
}
