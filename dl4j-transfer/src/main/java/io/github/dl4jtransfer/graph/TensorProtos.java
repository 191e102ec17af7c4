package io.github.dl4jtransfer.graph;

import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads ONNX {@code TensorProto}s (inline, raw or external data) into ND4J arrays. */
public final class TensorProtos {

    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10, DOUBLE = 11;

    private TensorProtos() {
    }

    public static INDArray toArray(Onnx.TensorProto t, Path modelDir) {
        long[] shape = new long[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.getDims(i);
            n *= shape[i];
        }
        int count = Math.toIntExact(n);
        ByteBuffer raw = rawBytes(t, modelDir);
        INDArray out;
        switch (t.getDataType()) {
            case FLOAT -> {
                float[] v = new float[count];
                if (raw != null) raw.asFloatBuffer().get(v);
                else for (int i = 0; i < count; i++) v[i] = t.getFloatData(i);
                out = Nd4j.create(v, shape, 'c');
            }
            case DOUBLE -> {
                double[] v = new double[count];
                if (raw != null) raw.asDoubleBuffer().get(v);
                else for (int i = 0; i < count; i++) v[i] = t.getDoubleData(i);
                out = Nd4j.create(v, shape, 'c');
            }
            case INT64 -> {
                long[] v = new long[count];
                if (raw != null) raw.asLongBuffer().get(v);
                else for (int i = 0; i < count; i++) v[i] = t.getInt64Data(i);
                out = Nd4j.createFromArray(v).reshape(shape);
            }
            case INT32 -> {
                int[] v = new int[count];
                if (raw != null) raw.asIntBuffer().get(v);
                else for (int i = 0; i < count; i++) v[i] = t.getInt32Data(i);
                out = Nd4j.createFromArray(v).reshape(shape);
            }
            case BOOL, UINT8, INT8 -> {
                boolean isBool = t.getDataType() == BOOL;
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    v[i] = raw != null ? (t.getDataType() == UINT8 ? (raw.get(i) & 0xff) : raw.get(i)) : t.getInt32Data(i);
                }
                out = Nd4j.createFromArray(v).reshape(shape);
                out = isBool ? out.castTo(DataType.BOOL) : out.castTo(DataType.INT32);
            }
            case FLOAT16 -> {
                float[] v = new float[count];
                for (int i = 0; i < count; i++) {
                    int bits = raw != null ? raw.getShort(2 * i) & 0xffff : t.getInt32Data(i);
                    v[i] = halfToFloat(bits);
                }
                out = Nd4j.create(v, shape, 'c');
            }
            default -> throw new UnsupportedOpException("tensor '" + t.getName() + "' has ONNX data type "
                    + t.getDataType() + ", which is not supported (supported: float, double, float16, int64, int32, int8, uint8, bool)");
        }
        return shape.length == 0 ? out.reshape() : out;
    }

    /** IEEE 754 half precision to float (Float.float16ToFloat needs Java 20). */
    static float halfToFloat(int bits) {
        int sign = (bits >>> 15) & 1, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        float v;
        if (exp == 0) v = mant * 0x1p-24f;
        else if (exp == 31) v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        else v = Float.intBitsToFloat(((exp + 112) << 23) | (mant << 13));
        return sign == 1 ? -v : v;
    }

    private static ByteBuffer rawBytes(Onnx.TensorProto t, Path modelDir) {
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            String location = null;
            long offset = 0, length = -1;
            for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { }
                }
            }
            if (location == null) {
                throw new UnsupportedOpException("tensor '" + t.getName() + "' has external data without a location");
            }
            Path file = modelDir.resolve(location);
            if (!Files.isRegularFile(file)) {
                throw new UnsupportedOpException("tensor '" + t.getName() + "' stores its data in " + file
                        + ", which does not exist; keep the external data file next to the .onnx file");
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = length >= 0 ? length : f.length() - offset;
                byte[] bytes = new byte[Math.toIntExact(len)];
                f.seek(offset);
                f.readFully(bytes);
                return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new UnsupportedOpException("cannot read external data of tensor '" + t.getName() + "' from " + file + ": " + e.getMessage());
            }
        }
        if (t.getRawData().isEmpty()) {
            return null;
        }
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
