package io.github.dl4jtransfer.data.image;

import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.NpzArray;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes any {@link ImageSource} to an {@link RgbImage} with {@code javax.imageio} (PNG, JPEG, BMP, GIF).
 *
 * <p>Grayscale and RGB pixels are read as raw samples, not through {@code BufferedImage.getRGB}: Java
 * treats gray PNG/JPEG data as linear and would brighten it on the way to sRGB, unlike PIL. 16-bit
 * samples are scaled by 1/65535 (PIL's {@code convert("RGB")} would clip them at 255 instead). Alpha is
 * dropped without compositing, as PIL's {@code convert("RGB")} does. Palette and other colour models go
 * through {@code getRGB}.
 */
public final class ImageDecoder {

    private static final float[] U8 = new float[256];

    static {
        // The disk cache ImageIO uses by default only slows decoding of local files down.
        ImageIO.setUseCache(false);
        for (int i = 0; i < 256; i++) U8[i] = i / 255f;
    }

    private ImageDecoder() {
    }

    public static RgbImage decode(ImageSource src) {
        if (src instanceof ImageSource.FileImage f) return read(f.path());
        ImageSource.ArrayImage a = (ImageSource.ArrayImage) src;
        return fromArray(a.array(), a.index());
    }

    /**
     * Decodes an image file. A decoder warning is an error here: javax.imageio's JPEG reader decodes a file cut short
     * (an interrupted copy) with only a warning ("Premature end of JPEG file") and grey pixels where the rest of the
     * image was, which would train on silently.
     */
    public static RgbImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("cannot decode image " + file + ": the file does not exist"
                    + ". Restore the file, or read the dataset with skipBadImages to skip it.");
        }
        BufferedImage img;
        try {
            img = decodeStrictly(file);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException("cannot decode image " + file + ": the file is corrupt or truncated (" + e.getMessage() + ")"
                    + ". Replace the file, or read the dataset with skipBadImages to skip it.", e);
        }
        if (img == null) {
            throw new DatasetException("cannot decode image " + file + ": not a format javax.imageio reads"
                    + " (PNG, JPEG, BMP, GIF). Convert it, or read the dataset with skipBadImages to skip it.");
        }
        return fromBuffered(img);
    }

    /** The first image of {@code file}, null when no reader knows its format; a decoder warning is thrown as an IOException. */
    private static BufferedImage decodeStrictly(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException("cannot open the file");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            ImageReader r = readers.next();
            List<String> warnings = new ArrayList<>();
            r.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                r.setInput(in, true, true);
                BufferedImage img = r.read(0, r.getDefaultReadParam());
                if (!warnings.isEmpty()) throw new IOException("damaged image data: " + String.join("; ", warnings));
                return img;
            } finally {
                r.dispose();
            }
        }
    }

    /** Verdicts of {@link #decodeProblem}, per file version: a reused worker reads a dataset once per cell. */
    private static final Map<FileVersion, String> VERDICTS = new ConcurrentHashMap<>();

    private record FileVersion(Path path, long size, long modifiedMillis) {
    }

    private static final String GOOD = "";

    /**
     * Null when the whole image decodes without an error or a decoder warning (and, for PNG, every chunk's CRC
     * holds), else why not: the check {@code skipBadImages} applies, so that an image which would fail in training
     * is skipped and counted when the dataset is read, not found mid-epoch. It decodes every pixel, so it costs one
     * decode per image; the verdict is remembered for the file's path, size and modification time.
     */
    public static String decodeProblem(Path file) {
        String cheap = headerProblem(file);
        if (cheap != null) return cheap;
        FileVersion version;
        try {
            version = new FileVersion(file.toAbsolutePath(), Files.size(file), Files.getLastModifiedTime(file).toMillis());
        } catch (IOException e) {
            return "unreadable file (" + e.getMessage() + ")";
        }
        String verdict = VERDICTS.computeIfAbsent(version, v -> {
            String p = fullDecodeProblem(file);
            return p == null ? GOOD : p;
        });
        return verdict.equals(GOOD) ? null : verdict;
    }

    private static String fullDecodeProblem(Path file) {
        try {
            String crc = PngChunks.crcProblem(file);
            if (crc != null) return crc;
            return decodeStrictly(file) == null ? "not an image format javax.imageio reads" : null;
        } catch (IOException | RuntimeException e) {
            return "corrupt image data (" + e.getMessage() + ")";
        }
    }

    /**
     * Null when the file exists, its header gives a size and (PNG, JPEG) its tail has the end marker, else
     * why not. Reads only the header and the last KiB, so it is cheap enough to run over a whole dataset;
     * damage inside the compressed data still only shows when the pipeline decodes the image.
     */
    public static String headerProblem(Path file) {
        if (!Files.isRegularFile(file)) return "missing file";
        try {
            if (Files.size(file) == 0) return "empty file";
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
                if (!readers.hasNext()) return "not an image format javax.imageio reads";
                ImageReader r = readers.next();
                try {
                    r.setInput(in);
                    if (r.getWidth(0) <= 0 || r.getHeight(0) <= 0) return "image has no pixels";
                } finally {
                    r.dispose();
                }
            }
            return truncation(file);
        } catch (IOException | RuntimeException e) {
            return "unreadable image header (" + e.getMessage() + ")";
        }
    }

    /**
     * The commonest corruption is an interrupted download or copy, which keeps a valid header. PNG ends
     * with an IEND chunk and JPEG with an EOI marker (FF D9), so reading the file's tail catches it for
     * one extra small read. JPEG writers sometimes pad after EOI, hence the search over the last 1 KiB.
     */
    private static String truncation(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean png = name.endsWith(".png"), jpeg = name.endsWith(".jpg") || name.endsWith(".jpeg");
        if (!png && !jpeg) return null;
        long size = Files.size(file);
        int n = (int) Math.min(size, 1024);
        byte[] tail = new byte[n];
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            ch.position(size - n);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(tail);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read the whole tail
            }
        }
        byte[] head = new byte[4];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4) return "file too short to be an image";
        }
        boolean isPng = (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
        boolean isJpeg = (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8;
        if (isPng) {
            boolean iend = n >= 12 && tail[n - 8] == 'I' && tail[n - 7] == 'E' && tail[n - 6] == 'N' && tail[n - 5] == 'D';
            return iend ? null : "truncated PNG (no IEND chunk at the end of the file)";
        }
        if (isJpeg) {
            for (int i = n - 2; i >= 0; i--) {
                if ((tail[i] & 0xff) == 0xFF && (tail[i + 1] & 0xff) == 0xD9) return null;
            }
            return "truncated JPEG (no end-of-image marker FF D9 near the end of the file)";
        }
        return null;
    }

    public static RgbImage fromBuffered(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), n = w * h;
        float[] out = new float[3 * n];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        int csType = cm.getColorSpace().getType();
        boolean component = cm instanceof ComponentColorModel;
        boolean gray = component && csType == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
        boolean rgb = component && csType == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3;
        int bits = component ? cm.getComponentSize(0) : 8;
        if ((gray || rgb) && bits == 8 && r.getDataBuffer() instanceof DataBufferByte db
                && r.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0) {
            // Fast path for what PNG/JPEG decoders return: interleaved bytes read straight from the buffer.
            byte[] d = db.getData();
            int stride = sm.getScanlineStride(), ps = sm.getPixelStride();
            int[] off = sm.getBandOffsets();
            for (int c = 0; c < 3; c++) {
                int bo = off[gray ? 0 : c], base = c * n;
                if (c > 0 && gray) {
                    System.arraycopy(out, 0, out, base, n);
                    continue;
                }
                for (int y = 0; y < h; y++) {
                    int p = y * stride + bo, o = base + y * w;
                    for (int x = 0; x < w; x++, p += ps) out[o + x] = U8[d[p] & 0xff];
                }
            }
            return new RgbImage(w, h, out, 8);
        }
        if (gray || rgb) {
            float scale = 1f / ((1 << bits) - 1);
            int[] row = new int[w];
            for (int c = 0; c < 3; c++) {
                if (c > 0 && gray) {
                    System.arraycopy(out, 0, out, c * n, n);
                    continue;
                }
                for (int y = 0; y < h; y++) {
                    r.getSamples(0, y, w, 1, gray ? 0 : c, row);
                    for (int x = 0; x < w; x++) out[c * n + y * w + x] = row[x] * scale;
                }
            }
            return new RgbImage(w, h, out, bits <= 8 ? 8 : 16);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x], o = y * w + x;
                out[o] = U8[(p >> 16) & 0xff];
                out[n + o] = U8[(p >> 8) & 0xff];
                out[2 * n + o] = U8[p & 0xff];
            }
        }
        return new RgbImage(w, h, out, 8);
    }

    /** Image {@code index} of a uint8 (N, H, W) or (N, H, W, 1|3) array. */
    public static RgbImage fromArray(NpzArray array, int index) {
        long[] shape = array.shape();
        if (shape.length != 3 && !(shape.length == 4 && (shape[3] == 1 || shape[3] == 3))) {
            throw new DatasetException(array + ": expected images of shape (N, H, W) or (N, H, W, 3), found "
                    + java.util.Arrays.toString(shape));
        }
        if (index >= shape[0]) throw new DatasetException(array + ": no image " + index + " (array holds " + shape[0] + ")");
        int h = (int) shape[1], w = (int) shape[2], n = w * h;
        int channels = shape.length == 4 ? (int) shape[3] : 1;
        byte[] px = array.uint8Row(index);
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            int src = channels == 3 ? c : 0;
            for (int i = 0; i < n; i++) out[c * n + i] = U8[px[i * channels + src] & 0xff];
        }
        return new RgbImage(w, h, out, 8);
    }
}
