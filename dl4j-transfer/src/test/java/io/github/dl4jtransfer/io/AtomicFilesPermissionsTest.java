package io.github.dl4jtransfer.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Atomic writes leave files as readable as any new file, and the temporaries of killed writes can be cleaned. */
class AtomicFilesPermissionsTest {

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void writtenFilesGetTheFoldersDefaultPermissionsNotOwnerOnly(@TempDir Path dir) throws Exception {
        Path plain = Files.createFile(dir.resolve("plain.json"));
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(plain);
        Path written = AtomicFiles.writeString(dir.resolve("cells").resolve("a__b__frozen-linear__s1.json"), "{}");
        assertEquals(usual, Files.getPosixFilePermissions(written), "as a plain new file (the umask's), not 0600");
        if (usual.contains(PosixFilePermission.GROUP_READ)) {
            assertTrue(Files.getPosixFilePermissions(written).contains(PosixFilePermission.GROUP_READ), "group-readable on a shared directory");
        }
        // Rewriting keeps it so (the replaced file's mode is not what decides).
        AtomicFiles.writeString(written, "{\"again\":1}");
        assertEquals(usual, Files.getPosixFilePermissions(written));
    }

    @Test
    void staleTemporariesOfKilledWritesAreDeletedAndNothingElse(@TempDir Path dir) throws Exception {
        Path cells = Files.createDirectories(dir.resolve("cells"));
        Path killedNewStyle = Files.createFile(cells.resolve(".a__b__c__s1.json.k3j9x.tmp"));
        Path killedOldStyle = Files.createFile(cells.resolve(".a__b__c__s1.json1234567890.tmp")); // Files.createTempFile's names
        Path result = Files.writeString(cells.resolve("a__b__c__s1.json"), "{}");
        Path notOurs = Files.writeString(cells.resolve("notes.tmp"), "kept");

        assertEquals(2, AtomicFiles.deleteStaleTemps(cells));
        assertFalse(Files.exists(killedNewStyle));
        assertFalse(Files.exists(killedOldStyle));
        assertTrue(Files.exists(result) && Files.exists(notOurs));
        assertEquals(0, AtomicFiles.deleteStaleTemps(dir.resolve("absent")));

        // A write that fails leaves no temporary behind either.
        try {
            AtomicFiles.write(cells.resolve("x.json"), tmp -> {
                throw new java.io.IOException("disk full");
            });
        } catch (java.io.IOException expected) {
            // the failure itself is the point
        }
        assertEquals(0, AtomicFiles.deleteStaleTemps(cells));
    }
}
