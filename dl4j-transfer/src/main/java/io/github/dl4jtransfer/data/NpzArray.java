package io.github.dl4jtransfer.data;

import io.github.dl4jtransfer.io.Npy;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One array of a NumPy {@code .npz} archive (a zip of {@code .npy} files, stored or deflated), loaded
 * lazily on first access and kept as one {@code byte[]} per row.
 *
 * <p>Rows rather than one flat buffer because MedMNIST+ 224 px training arrays exceed the 2 GiB limit of
 * a Java array; the archive is inflated once, sequentially, since deflated zip entries allow no random
 * access. Only the header is read with {@link Npy}, whose {@code read} would materialise the whole array
 * as one INDArray.
 */
public final class NpzArray {

    private final Path file;
    private final String key;
    private volatile Loaded loaded;

    private record Loaded(long[] shape, char kind, int itemSize, ByteOrder order, byte[][] rows) {
    }

    public NpzArray(Path file, String key) {
        this.file = Objects.requireNonNull(file, "file");
        this.key = Objects.requireNonNull(key, "key");
    }

    public Path file() {
        return file;
    }

    public String key() {
        return key;
    }

    /** Array names in an archive ("train_images", …), without the ".npy" suffix, sorted. */
    public static List<String> keys(Path npz) {
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            List<String> keys = new ArrayList<>();
            zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".npy"))
                    .forEach(n -> keys.add(n.substring(0, n.length() - 4)));
            Collections.sort(keys);
            return keys;
        } catch (IOException e) {
            throw new DatasetException(npz + ": not a readable .npz (zip) archive: " + e.getMessage()
                    + ". Expected a file written by numpy.savez / savez_compressed.", e);
        }
    }

    public long[] shape() {
        return load().shape.clone();
    }

    public int length() {
        return load().rows.length;
    }

    /** Bytes of row {@code index} of a uint8 array (an image, H·W or H·W·C bytes). */
    public byte[] uint8Row(int index) {
        Loaded l = load();
        if (l.kind != 'u' || l.itemSize != 1) {
            throw new DatasetException(file + "[" + key + "]: expected uint8 pixels, found dtype "
                    + l.kind + l.itemSize + ". Save images as uint8 (MedMNIST does).");
        }
        return l.rows[index];
    }

    /** Row {@code index} converted to float (labels of any integer, bool or float dtype). */
    public float[] floatRow(int index) {
        Loaded l = load();
        byte[] row = l.rows[index];
        int n = row.length / l.itemSize;
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(row).order(l.order);
        for (int i = 0; i < n; i++) {
            out[i] = switch (l.kind + "" + l.itemSize) {
                case "u1", "b1" -> row[i] & 0xff;
                case "i1" -> row[i];
                case "u2" -> b.getShort(i * 2) & 0xffff;
                case "i2" -> b.getShort(i * 2);
                case "i4" -> b.getInt(i * 4);
                case "u4" -> b.getInt(i * 4) & 0xffffffffL;
                case "i8", "u8" -> b.getLong(i * 8);
                case "f4" -> b.getFloat(i * 4);
                case "f8" -> (float) b.getDouble(i * 8);
                default -> throw new DatasetException(file + "[" + key + "]: unsupported dtype " + l.kind + l.itemSize);
            };
        }
        return out;
    }

    private Loaded load() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                l = loaded;
                if (l == null) loaded = l = read();
            }
        }
        return l;
    }

    private Loaded read() {
        String where = file + "[" + key + "]";
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(key + ".npy");
            if (e == null) {
                throw new DatasetException(file + ": no array '" + key + "' (found " + keys(file)
                        + "). Expected MedMNIST's train_images/train_labels/val_*/test_* arrays.");
            }
            try (DataInputStream in = new DataInputStream(zip.getInputStream(e))) {
                Npy.Header h;
                try {
                    h = Npy.readHeader(in, where);
                } catch (IllegalArgumentException bad) {
                    throw new DatasetException(bad.getMessage(), bad);
                }
                ByteOrder order = h.order();
                char kind = h.kind();
                int itemSize = h.itemSize();
                long[] shape = h.shape();
                if (shape.length == 0) throw new DatasetException(where + ": expected an array with a sample axis, found a scalar");
                long perRow = itemSize;
                for (int i = 1; i < shape.length; i++) perRow *= shape[i];
                boolean trivialOrder = shape.length == 1 || perRow == itemSize || shape[0] == 1;
                if (h.fortranOrder() && !trivialOrder) {
                    throw new DatasetException(where + " is stored in Fortran order; re-save it with "
                            + "np.savez(..., " + key + "=np.ascontiguousarray(a))");
                }
                if (perRow > Integer.MAX_VALUE) throw new DatasetException(where + ": rows of " + perRow + " bytes are too large");
                byte[][] rows = new byte[Math.toIntExact(shape[0])][];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = new byte[(int) perRow];
                    in.readFully(rows[r]);
                }
                return new Loaded(shape, kind, itemSize, order, rows);
            }
        } catch (EOFException e) {
            throw new DatasetException(where + ": truncated array (file ends before the data the header announces)", e);
        } catch (IOException e) {
            throw new DatasetException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpzArray a && file.equals(a.file) && key.equals(a.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, key);
    }

    @Override
    public String toString() {
        return file + "[" + key + "]";
    }
}
