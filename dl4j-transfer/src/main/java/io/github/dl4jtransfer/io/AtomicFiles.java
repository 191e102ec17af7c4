package io.github.dl4jtransfer.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Writes that nobody sees half done. Cell results, split manifests, feature-cache entries and reports are
 * read by other processes (forked workers, a resumed run after a crash, the report goal) and must be
 * either the old file or the complete new one: the content goes to a temporary file in the target's own
 * folder (same file system, so renaming it can be atomic), which is then renamed over the target.
 */
public final class AtomicFiles {

    /** Writes the whole content of a file; called with the temporary file, which it may overwrite. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Creates the target's folder if needed, has {@code content} write a temporary file next to the target
     * ({@code .<name>.<random>.tmp}, with the folder's default permissions), and renames it over the target. The temporary file is deleted when writing fails.
     *
     * @return {@code target}
     */
    public static Path write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = newTemp(dir, target.getFileName().toString());
        try {
            content.writeTo(tmp);
            move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return target;
    }

    private static final String TMP_SUFFIX = ".tmp";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A new empty file {@code .<name>.<random>.tmp} in {@code dir}, with the permissions any new file gets there (the
     * umask's: usually group- and world-readable). {@code Files.createTempFile} makes it owner-only (0600), and the
     * rename kept that, so the results on a shared cluster directory were unreadable to the rest of the group.
     */
    private static Path newTemp(Path dir, String name) throws IOException {
        while (true) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + TMP_SUFFIX);
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                // another writer drew the same name: draw again
            }
        }
    }

    /**
     * Deletes the temporary files {@link #write} leaves in {@code dir} when its process is killed mid-write (they are
     * never renamed, and would stay forever). Only for a folder no live process writes to: the caller holds the folder's
     * lock. Returns how many were deleted; an absent folder has none.
     */
    public static int deleteStaleTemps(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(".") && f.endsWith(TMP_SUFFIX) && Files.isRegularFile(p);
        })) {
            for (Path t : temps) if (Files.deleteIfExists(t)) n++;
        }
        return n;
    }

    public static Path write(Path target, byte[] bytes) throws IOException {
        return write(target, tmp -> Files.write(tmp, bytes));
    }

    /** {@code text} as UTF-8. */
    public static Path writeString(Path target, String text) throws IOException {
        return write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Renames {@code source} (a file or a folder) to {@code target} atomically; where the file system cannot
     * (AtomicMoveNotSupportedException), falls back to a plain move with the same {@code options}.
     * Without {@link StandardCopyOption#REPLACE_EXISTING} an existing target is an error as with
     * {@link Files#move} (FileAlreadyExistsException, or DirectoryNotEmptyException for a folder).
     */
    public static void move(Path source, Path target, CopyOption... options) throws IOException {
        CopyOption[] atomic = Arrays.copyOf(options, options.length + 1);
        atomic[options.length] = StandardCopyOption.ATOMIC_MOVE;
        try {
            Files.move(source, target, atomic);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, options);
        }
    }

    /**
     * Deletes {@code path} and everything under it, best effort: what cannot be deleted stays (a scratch or temporary
     * folder left behind is harmless to the callers, which never read one back).
     */
    public static void deleteTreeQuietly(Path path) {
        if (path == null || !Files.exists(path)) return;
        try (java.util.stream.Stream<Path> s = Files.walk(path)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort, see above
        }
    }
}
