package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One run at a time per output directory: {@code .transfer.lock} in it holds the running owner's pid, host and start,
 * under an operating-system lock that ends with the process. A second run on the same directory (a rerun started
 * while the first still ran, or still had a worker) would run the same cells twice and race on their files; it is
 * refused, naming the owner's pid. A lock left by a run that died is detected (its pid no longer runs, and the
 * operating system holds no lock) and taken over.
 * <p>
 * The file stays when released, emptied: deleting it would let a run that opened it just before the delete lock a
 * file nobody else sees.
 */
public final class OutputLock implements AutoCloseable {

    static final String FILE = ".transfer.lock";
    private static final String ELEMENT = "<outputDirectory> / -Dtransfer.outputDirectory";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code outputDir} (created if missing) for this process.
     *
     * @throws ConfigException when another live process holds it, naming its pid, host and start
     */
    public static OutputLock acquire(Path outputDir, Consumer<String> log) {
        Path file = outputDir.resolve(FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(outputDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                l = null; // this JVM runs the directory already (a second runner started from the same process)
            }
            String owner = read(ch);
            if (l == null) {
                ch.close();
                throw inUse(outputDir, owner.isBlank() ? "pid unknown" : owner);
            }
            Optional<Long> pid = pid(owner);
            if (pid.isPresent() && pid.get() != ProcessHandle.current().pid() && sameHost(owner) && stillRunning(pid.get(), owner)) {
                // Alive but holding no lock: a file system without locks, or a run of an older version. Do not race it.
                l.release();
                ch.close();
                throw inUse(outputDir, owner);
            }
            if (!owner.isBlank()) log.accept("Taking over the lock of a run that ended without releasing it (" + owner + ") in " + outputDir);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(describe().getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new OutputLock(ch, l);
        } catch (IOException e) {
            try {
                if (ch != null) ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot lock " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** Empties the file and releases the lock. */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of " + channel, e);
        }
    }

    private static ConfigException inUse(Path outputDir, String owner) {
        return new ConfigException(ELEMENT, outputDir + " is in use by another run (" + owner.strip().replace('\n', ' ')
                + "): two runs on one directory would run the same cells twice",
                "wait for that run to end (or end it), or give this run its own -Dtransfer.outputDirectory");
    }

    private static String describe() {
        ProcessHandle me = ProcessHandle.current();
        return "pid " + me.pid() + "\nhost " + host() + "\nprocess started " + processStart(me) + "\nlocked " + Instant.now() + "\n";
    }

    /** The owner's process runs still: its pid is alive and started when the owner's did (not a pid reused since). */
    private static boolean stillRunning(long pid, String owner) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (p.isEmpty()) return false;
        String start = processStart(p.get());
        return start.equals("unknown") || owner.lines().anyMatch(l -> l.equals("process started " + start));
    }

    private static String processStart(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toString).orElse("unknown");
    }

    private static Optional<Long> pid(String owner) {
        for (String line : owner.split("\n")) {
            if (line.startsWith("pid ")) {
                try {
                    return Optional.of(Long.parseLong(line.substring(4).trim()));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** A pid means something only on the host that wrote it (a shared results directory on a cluster). */
    private static boolean sameHost(String owner) {
        return owner.lines().anyMatch(l -> l.equals("host " + host()));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }
}
