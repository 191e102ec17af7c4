package io.github.dl4jtransfer.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes the small real files the data tests read: PNG/JPEG images, CSVs, .npz archives. */
public final class TestImages {

    private TestImages() {
    }

    /** A w×h image whose pixel (x, y) is (x·7 + seed, y·5 + seed, (x + y)·3) mod 256, or its gray. */
    public static BufferedImage pattern(int w, int h, boolean gray, int seed) {
        BufferedImage img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 7 + seed) & 0xff, g = (y * 5 + seed) & 0xff, b = ((x + y) * 3) & 0xff;
                if (gray) img.getRaster().setSample(x, y, 0, (r + g) / 2);
                else img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    public static Path write(Path file, BufferedImage img) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            String name = file.getFileName().toString();
            String fmt = name.endsWith(".png") ? "png" : "jpeg";
            if (!ImageIO.write(img, fmt, file.toFile())) throw new IOException("no writer for " + fmt);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path image(Path file, int w, int h, boolean gray, int seed) {
        return write(file, pattern(w, h, gray, seed));
    }

    public static Path text(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts the last {@code bytes} bytes off a file, as an interrupted copy would. */
    public static void truncate(Path file, int bytes) {
        try {
            byte[] all = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(all, all.length - bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One array for {@link #npz}: NumPy dtype descr ("|u1", "<i8"), shape, raw little-endian bytes. */
    public record Npy(String descr, long[] shape, byte[] data) {
        public static Npy u8(long[] shape, byte[] data) {
            return new Npy("|u1", shape, data);
        }

        public static Npy i64(long[] shape, long... values) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) b.putLong(v);
            return new Npy("<i8", shape, b.array());
        }
    }

    /** Writes a .npz as numpy.savez does: a zip of .npy (format 1.0) entries. */
    public static Path npz(Path file, Map<String, Npy> arrays) {
        try (OutputStream fo = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(fo)) {
            for (Map.Entry<String, Npy> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(npy(e.getValue()));
                zip.closeEntry();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] npy(Npy a) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (long s : a.shape()) shape.append(s).append(", ");
        if (a.shape().length > 1) shape.setLength(shape.length() - 1);
        shape.append(")");
        String dict = "{'descr': '" + a.descr() + "', 'fortran_order': False, 'shape': " + shape.toString().replace(", )", ",)") + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(a.data());
        return out.toByteArray();
    }
}
