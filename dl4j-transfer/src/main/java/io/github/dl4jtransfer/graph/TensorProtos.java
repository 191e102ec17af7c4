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
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Reads ONNX {@code TensorProto}s (inline, raw or external data) into ND4J arrays. */
public final class TensorProtos {

    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10, DOUBLE = 11, BFLOAT16 = 16;

    private TensorProtos() {
    }

    /** Whether an ONNX element type is a floating-point one. */
    static boolean isFloatingPoint(int onnxType) {
        return onnxType == FLOAT || onnxType == FLOAT16 || onnxType == DOUBLE || onnxType == BFLOAT16;
    }

    /**
     * The tensor as an array. Its dims must match the data it holds (checked before anything is allocated: a damaged
     * or hand-edited file claiming more than it holds gave a bare BufferUnderflowException, or an OutOfMemoryError for
     * dims claiming gigabytes); a mismatch, like any tensor that cannot be read, is an {@link UnsupportedOpException}
     * naming the tensor, which the translator reports with the file ({@link OnnxImportException}).
     */
    public static INDArray toArray(Onnx.TensorProto t, Path modelDir) {
        long[] shape = new long[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.getDims(i);
            if (shape[i] < 0) throw damaged(t, "has a negative dimension " + shape[i]);
            try {
                n = Math.multiplyExact(n, shape[i]);
            } catch (ArithmeticException overflow) {
                n = Long.MAX_VALUE;
            }
        }
        String dims = java.util.Arrays.toString(shape);
        if (n > Integer.MAX_VALUE - 8) throw damaged(t, "claims " + n + " elements (dims " + dims + "), more than one array holds");
        int count = (int) n;
        int width = elementBytes(t);
        ByteBuffer raw = rawBytes(t, modelDir, width == 0 ? -1 : (long) count * width);
        if (width > 0 && raw != null && raw.remaining() != (long) count * width) {
            throw damaged(t, "claims " + count + " elements (dims " + dims + ", " + (long) count * width + " bytes) but holds "
                    + raw.remaining() + " bytes of data");
        }
        if (width > 0 && raw == null && typedCount(t) != count) {
            throw damaged(t, "claims " + count + " elements (dims " + dims + ") but holds " + typedCount(t) + " values");
        }
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

    private static UnsupportedOpException damaged(Onnx.TensorProto t, String problem) {
        return new UnsupportedOpException("tensor '" + t.getName() + "' " + problem
                + ": the file is truncated or damaged; export the model again (tools/export/export.py)");
    }

    /** Bytes per element in raw data; 0 for a data type this reader does not support (reported by {@link #toArray}). */
    private static int elementBytes(Onnx.TensorProto t) {
        return switch (t.getDataType()) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case FLOAT16 -> 2;
            case BOOL, UINT8, INT8 -> 1;
            default -> 0;
        };
    }

    /** Values in the typed field the data type uses when there is no raw data (ONNX: int32_data for the narrow types). */
    private static long typedCount(Onnx.TensorProto t) {
        return switch (t.getDataType()) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            default -> t.getInt32DataCount();
        };
    }

    /** An external-data offset or length: a number (a bare NumberFormatException named neither tensor nor file; found by OnnxFieldsFuzzTest). */
    private static long externalNumber(Onnx.TensorProto t, Onnx.StringStringEntryProto e) {
        try {
            return Long.parseLong(e.getValue());
        } catch (NumberFormatException bad) {
            throw damaged(t, "has external data " + e.getKey() + " '" + e.getValue() + "', not a whole number");
        }
    }

    /** Raw data (inline or external); an external file must hold the {@code expected} bytes (-1: not known). */
    private static ByteBuffer rawBytes(Onnx.TensorProto t, Path modelDir, long expected) {
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            String location = null;
            long offset = 0, length = -1;
            for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = externalNumber(t, e);
                    case "length" -> length = externalNumber(t, e);
                    default -> { }
                }
            }
            if (location == null) {
                throw new UnsupportedOpException("tensor '" + t.getName() + "' has external data without a location");
            }
            Path file;
            try {
                file = modelDir.resolve(location);
            } catch (InvalidPathException bad) {
                throw damaged(t, "names external data '" + location.replace("\0", "\\0") + "', not a usable file name (" + bad.getReason() + ")");
            }
            if (!Files.isRegularFile(file)) {
                throw new UnsupportedOpException("tensor '" + t.getName() + "' stores its data in " + file
                        + ", which does not exist; keep the external data file next to the .onnx file");
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = length >= 0 ? length : f.length() - offset;
                if (offset < 0 || len < 0 || offset > f.length() || len > f.length() - offset) {
                    throw damaged(t, "stores " + len + " bytes at offset " + offset + " of " + file + ", which holds " + f.length());
                }
                if (expected >= 0 && len != expected) {
                    throw damaged(t, "stores " + len + " bytes in " + file + " where its dims need " + expected);
                }
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
