package io.github.dl4jtransfer.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as lower-case hex: the identity of model files, datasets, split manifests and cache entries in
 * cache keys and result provenance. One implementation, so that a hash written by one package is the
 * hash another one compares it with.
 */
public final class Sha256 {

    private Sha256() {
    }

    /** A fresh digest to feed incrementally; finish it with {@link #hex(MessageDigest)}. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** Completes {@code md} (which is then reset) and returns its hex. */
    public static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** Of the UTF-8 bytes of {@code text}. */
    public static String of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Of a file's bytes, streamed. */
    public static String ofFile(Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), newDigest())) {
            in.transferTo(OutputStream.nullOutputStream());
            return hex(in.getMessageDigest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
    }
}
