package io.github.dl4jtransfer.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
     * ({@code .<name>…tmp}), and renames it over the target. The temporary file is deleted when writing fails.
     *
     * @return {@code target}
     */
    public static Path write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
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
}
