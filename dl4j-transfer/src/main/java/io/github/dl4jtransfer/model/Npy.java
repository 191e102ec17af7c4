package io.github.dl4jtransfer.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (float32/64, int32/64, uint8; C or Fortran order).
 *
 * <p>ND4J's own reader ignores {@code fortran_order}: numpy saves a transposed tensor such as
 * {@code x.flatten(2).transpose(1, 2)} at batch 1 in Fortran order, which ND4J then reads scrambled.
 */
public final class Npy {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=]?)([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static INDArray read(Path file) {
        try {
            return parse(ByteBuffer.wrap(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static INDArray parse(ByteBuffer buf, String name) {
        byte[] magic = new byte[6];
        buf.get(magic);
        if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException(name + " is not a .npy file (bad magic)");
        }
        int major = buf.get() & 0xff;
        buf.get();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? buf.getShort() & 0xffff : buf.getInt();
        byte[] header = new byte[headerLen];
        buf.get(header);
        String h = new String(header, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(h), f = FORTRAN.matcher(h), s = SHAPE.matcher(h);
        if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException(name + ": unreadable .npy header " + h);
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = d.group(2) + d.group(3);
        boolean fortran = f.group(1).equals("True");
        String[] parts = s.group(1).split(",");
        long[] shape = java.util.Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).toArray();
        long n = 1;
        for (long x : shape) n *= x;
        int count = Math.toIntExact(n);
        ByteBuffer data = buf.slice().order(order);
        INDArray flat = switch (kind) {
            case "f4" -> {
                float[] v = new float[count];
                data.asFloatBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "f8" -> {
                double[] v = new double[count];
                data.asDoubleBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "i8" -> {
                long[] v = new long[count];
                data.asLongBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "i4" -> {
                int[] v = new int[count];
                data.asIntBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "u1", "b1" -> {
                byte[] v = new byte[count];
                data.get(v);
                int[] i = new int[count];
                for (int k = 0; k < count; k++) i[k] = v[k] & 0xff;
                yield Nd4j.createFromArray(i).castTo(kind.equals("b1") ? DataType.BOOL : DataType.UINT8);
            }
            default -> throw new IllegalArgumentException(name + ": unsupported .npy dtype " + d.group(0));
        };
        if (shape.length == 0) return flat.reshape();
        return fortran ? flat.reshape('f', shape).dup('c') : flat.reshape('c', shape);
    }
}
