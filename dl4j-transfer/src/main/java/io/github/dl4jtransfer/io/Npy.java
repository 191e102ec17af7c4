package io.github.dl4jtransfer.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files: the header (magic, version, the dict of {@code descr}, {@code fortran_order}
 * and {@code shape}) for anything that stores arrays the NumPy way (reference outputs, cached features,
 * the arrays inside a MedMNIST {@code .npz}), and whole files as an INDArray (float32/64, int32/64, uint8,
 * bool; C or Fortran order).
 *
 * <p>ND4J's own reader ignores {@code fortran_order}: numpy saves a transposed tensor such as
 * {@code x.flatten(2).transpose(1, 2)} at batch 1 in Fortran order, which ND4J then reads scrambled.
 */
public final class Npy {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'(([<>|=]?)([a-z])(\\d+))'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /**
     * A parsed {@code .npy} header.
     *
     * @param descr        the dtype as written, e.g. {@code "<f4"}
     * @param kind         NumPy's type character: 'f', 'i', 'u', 'b'
     * @param itemSize     bytes per element
     * @param order        the data's byte order ({@code >} is big-endian, anything else little-endian)
     * @param fortranOrder the data is stored column-major
     * @param shape        the array's shape; empty for a scalar
     */
    public record Header(String descr, char kind, int itemSize, ByteOrder order, boolean fortranOrder, long[] shape) {

        /** Elements in the array (1 for a scalar). */
        public long count() {
            long n = 1;
            for (long x : shape) n *= x;
            return n;
        }
    }

    private Npy() {
    }

    /**
     * Reads a header from {@code in}, leaving the stream at the first data byte.
     *
     * @param name names the array in errors (a file, or "archive.npz[key]")
     * @throws IllegalArgumentException when the bytes are not a {@code .npy} header
     * @throws EOFException             when the stream ends inside the header
     */
    public static Header readHeader(InputStream in, String name) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[8];
        data.readFully(magic);
        if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException(name + " is not a .npy file (bad magic)");
        }
        int major = magic[6] & 0xff;
        int headerLen = major == 1
                ? (data.readUnsignedByte() | data.readUnsignedByte() << 8)
                : Integer.reverseBytes(data.readInt());
        byte[] header = new byte[headerLen];
        data.readFully(header);
        String h = new String(header, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(h), f = FORTRAN.matcher(h), s = SHAPE.matcher(h);
        if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException(name + ": unreadable .npy header " + h);
        long[] shape;
        int itemSize;
        try {
            shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(p -> !p.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            itemSize = Integer.parseInt(d.group(4));
        } catch (NumberFormatException e) {
            // was a bare "For input string" naming no file (found by MedMnistFuzzTest)
            throw new IllegalArgumentException(name + ": unreadable .npy header (shape or item size is not a number) " + h, e);
        }
        return new Header(d.group(1), d.group(3).charAt(0), itemSize,
                d.group(2).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, f.group(1).equals("True"), shape);
    }

    /** A whole {@code .npy} file as an INDArray of its own dtype and shape, in C order whatever the file's order. */
    public static INDArray read(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static INDArray parse(byte[] bytes, String name) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        Header h;
        try {
            h = readHeader(in, name);
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + " is not a .npy file (it ends inside the header)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        int offset = bytes.length - in.available();
        int count = Math.toIntExact(h.count());
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, bytes.length - offset).slice().order(h.order());
        String kind = h.kind() + "" + h.itemSize();
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
            default -> throw new IllegalArgumentException(name + ": unsupported .npy dtype '" + h.descr() + "'");
        };
        if (h.shape().length == 0) return flat.reshape();
        return h.fortranOrder() ? flat.reshape('f', h.shape()).dup('c') : flat.reshape('c', h.shape());
    }
}
