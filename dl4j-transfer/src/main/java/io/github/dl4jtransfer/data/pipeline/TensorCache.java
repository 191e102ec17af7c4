package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Preprocessing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Preprocessed (un-augmented) image tensors on disk, one little-endian float32 file per image under
 * {@code dir/<preprocessing fingerprint hash>/}. The file name hashes the image's location, size and
 * modification time, so a rewritten image misses the cache instead of serving stale pixels, and two
 * backbones with different preprocessing never share entries. Writes go to a temporary file and are
 * moved into place, so concurrent writers (threads, or two runs) never expose a half-written tensor.
 * A file of the wrong length (disk full, older format) is ignored and rewritten.
 */
public final class TensorCache {

    private final Path dir;
    private final int length;

    public TensorCache(Path root, Preprocessing p) {
        this.dir = root.resolve(sha256(p.fingerprint()).substring(0, 16));
        this.length = p.tensorSize();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("preprocessing.txt"), p.fingerprint() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create tensor cache folder " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The cached tensor, or null. */
    public float[] get(ImageSource src) {
        Path f = file(src);
        if (f == null || !Files.isRegularFile(f)) return null;
        try {
            byte[] bytes = Files.readAllBytes(f);
            if (bytes.length != 4 * length) return null;
            float[] out = new float[length];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            return null; // a cache that cannot be read is a cache miss, never an error
        }
    }

    public void put(ImageSource src, float[] data, int offset) {
        Path f = file(src);
        if (f == null) return;
        ByteBuffer b = ByteBuffer.allocate(4 * length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data, offset, length);
        try {
            Path tmp = Files.createTempFile(dir, ".t", ".tmp");
            Files.write(tmp, b.array());
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Disk full or read-only cache: training goes on uncached.
        }
    }

    private Path file(ImageSource src) {
        String key;
        try {
            if (src instanceof ImageSource.FileImage fi) {
                key = fi.path().toAbsolutePath() + "|" + Files.size(fi.path()) + "|" + Files.getLastModifiedTime(fi.path()).toMillis();
            } else {
                ImageSource.ArrayImage a = (ImageSource.ArrayImage) src;
                Path p = a.array().file();
                key = p.toAbsolutePath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() + "|" + a.array().key() + "|" + a.index();
            }
        } catch (IOException e) {
            return null;
        }
        return dir.resolve(sha256(key).substring(0, 40) + ".f32");
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
