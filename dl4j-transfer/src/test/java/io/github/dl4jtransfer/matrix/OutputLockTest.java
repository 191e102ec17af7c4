package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run per output directory: a second is refused naming the owner's pid; the lock of a dead run is taken over. */
@DisabledOnOs(OS.WINDOWS)
class OutputLockTest {

    /** Holds the lock of the folder in args[0] in its own JVM until its input ends. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (OutputLock lock = OutputLock.acquire(Path.of(args[0]), s -> { })) {
                System.out.println("locked");
                System.out.flush();
                System.in.read();
            }
        }
    }

    private static Process holder(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertEquals("locked", line, "the holder took the lock");
        return p;
    }

    @Test
    void aSecondRunIsRefusedNamingThePidAndALockOfADeadRunIsTakenOver(@TempDir Path dir) throws Exception {
        Process other = holder(dir);
        try {
            ConfigException e = assertThrows(ConfigException.class, () -> OutputLock.acquire(dir, s -> { }));
            assertTrue(e.getMessage().contains("pid " + other.pid()) && e.getMessage().contains("in use by another run"), e.getMessage());
            assertTrue(e.fix().contains("-Dtransfer.outputDirectory"), e.getMessage());
        } finally {
            other.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: it cannot release anything
        }
        List<String> log = new ArrayList<>();
        try (OutputLock lock = OutputLock.acquire(dir, log::add)) {
            assertTrue(log.size() == 1 && log.get(0).contains("pid " + other.pid()), log.toString());
            assertTrue(Files.readString(dir.resolve(OutputLock.FILE)).startsWith("pid " + ProcessHandle.current().pid()));
            // The same process, a second time: refused too (two runners of one JVM would race as well).
            assertThrows(ConfigException.class, () -> OutputLock.acquire(dir, s -> { }));
        }
        try (OutputLock again = OutputLock.acquire(dir, s -> { })) {
            // released cleanly: no takeover message needed
        }
    }

    @Test
    void aLiveOwnerWithoutAnOsLockIsNotRacedButAReusedPidIsNotAnOwner(@TempDir Path dir) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            String host = InetAddress.getLocalHost().getHostName();
            String started = sleeper.toHandle().info().startInstant().map(Instant::toString).orElse("unknown");
            // As a file system without locks would leave it: the owner's description, no lock held.
            Files.writeString(dir.resolve(OutputLock.FILE), "pid " + sleeper.pid() + "\nhost " + host + "\nprocess started " + started + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> OutputLock.acquire(dir, s -> { }));
            assertTrue(e.getMessage().contains("pid " + sleeper.pid()), e.getMessage());

            // The same pid with another start time: the owner died and its pid went to another process.
            Files.writeString(dir.resolve(OutputLock.FILE), "pid " + sleeper.pid() + "\nhost " + host + "\nprocess started 2001-01-01T00:00:00Z\n");
            if (!started.equals("unknown")) {
                try (OutputLock lock = OutputLock.acquire(dir, s -> { })) {
                    assertTrue(Files.readString(dir.resolve(OutputLock.FILE)).contains("pid " + ProcessHandle.current().pid()));
                }
            }
        } finally {
            sleeper.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
