package io.github.dl4jtransfer.graph;

import org.nd4j.shade.protobuf.ByteString;
import io.github.dl4jtransfer.model.BackboneLoader;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.dl4jtransfer.graph.OnnxErrorHandlingTest.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An initializer whose dims claim more data than the file holds (a damaged or hand-edited export) is an
 * OnnxImportException naming the file and the tensor — it was a bare BufferUnderflowException, or an OutOfMemoryError
 * when the dims claimed gigabytes.
 */
class InitializerDataTest {

    @TempDir
    Path tmp;

    private static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putFloat(i * 0.5f);
        return b.array();
    }

    /** y = x + w, with the initializer {@code w} as given. */
    private Path model(String file, Onnx.TensorProto w) throws Exception {
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", "batch", 4))
                .addInitializer(w)
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Add").setName("add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(tensorInfo("y", "batch", 4))
                .build();
        return OnnxErrorHandlingTest.write(tmp, file, g);
    }

    private static Onnx.TensorProto.Builder w(long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName("w").setDataType(TensorProtos.FLOAT);
        for (long d : dims) t.addDims(d);
        return t;
    }

    private static void assertNamed(OnnxImportException e, Path file, String... parts) {
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'w'"), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    @Test
    void rawDataShorterThanTheDimsClaim() throws Exception {
        Path file = model("short.onnx", w(4).setRawData(ByteString.copyFrom(floats(2))).build());
        assertNamed(assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null)), file, "claims 4 elements", "8 bytes");
    }

    @Test
    void dimsClaimingGigabytesFailBeforeAllocating() throws Exception {
        Path file = model("huge.onnx", w(1L << 20, 1L << 12).setRawData(ByteString.copyFrom(floats(4))).build());
        assertNamed(assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null)), file, "claims");
        Path overflow = model("overflow.onnx", w(1L << 40, 1L << 40).setRawData(ByteString.copyFrom(floats(4))).build());
        assertNamed(assertThrows(OnnxImportException.class, () -> BackboneLoader.load(overflow, null)), overflow, "more than one array holds");
    }

    @Test
    void typedDataShorterThanTheDimsClaim() throws Exception {
        Path file = model("typed.onnx", w(4).addFloatData(1f).addFloatData(2f).build());
        assertNamed(assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null)), file, "holds 2 values");
    }

    @Test
    void externalDataFileShorterThanItsLength() throws Exception {
        Files.write(tmp.resolve("w.bin"), floats(2));
        Onnx.TensorProto t = w(4).setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("length").setValue("16")).build();
        Path file = model("external.onnx", t);
        assertNamed(assertThrows(OnnxImportException.class, () -> BackboneLoader.load(file, null)), file, "w.bin", "which holds 8");
    }

    @Test
    void aWellFormedInitializerStillLoads() throws Exception {
        assertNotNull(BackboneLoader.load(model("ok.onnx", w(4).setRawData(ByteString.copyFrom(floats(4))).build()), null));
    }
}
