package io.github.dl4jtransfer.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesAndSha256Test {

    @TempDir
    Path dir;

    @Test
    void sha256IsTheStandardOneWhateverTheInput() throws IOException {
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2 test vector
        assertEquals(abc, Sha256.of("abc"));
        assertEquals(abc, Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)));
        var md = Sha256.newDigest();
        md.update((byte) 'a');
        md.update("bc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(abc, Sha256.hex(md));
        assertEquals(abc, Sha256.ofFile(Files.writeString(dir.resolve("abc.txt"), "abc")));
    }

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFileEvenWhenWritingFails() throws IOException {
        Path target = dir.resolve("sub/result.json");
        AtomicFiles.writeString(target, "old");
        AtomicFiles.write(target, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(target));
        assertThrows(IOException.class, () -> AtomicFiles.write(target, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("new", Files.readString(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(1, files.count(), "only the target is left");
        }
    }
}
