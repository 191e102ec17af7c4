package io.github.dl4jtransfer.matrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why a worker JVM ended without writing its result, in words: the signal that ended it and, for a kill, whether its
 * memory was near the limit. Every exit 137 used to be reported as "likely out of memory", sending users to lower
 * batch sizes when a scheduler or an administrator had killed the worker.
 */
final class WorkerDeath {

    /** A worker whose resident memory reached this share of the memory limit was near it. */
    static final double NEAR = 0.8;

    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 6, "SIGABRT", 9, "SIGKILL",
            11, "SIGSEGV", 15, "SIGTERM");

    /** How the JDK words a write refused for want of room (ENOSPC, EDQUOT, EFBIG). */
    private static final List<String> FULL_DISK = List.of("No space left on device", "Disk quota exceeded", "File too large");

    private WorkerDeath() {
    }

    /**
     * @param exit     the worker's exit status (128 + n: ended by signal n, as Java reports it on Unix)
     * @param peakRss  the largest resident size sampled while it ran, bytes; 0 when unknown
     * @param limit    the memory the worker could have (cgroup limit or physical memory), bytes; 0 when unknown
     * @param output   its last lines of output
     */
    static String reason(int exit, long peakRss, long limit, String output) {
        if (output != null && output.contains("Could not create the Java Virtual Machine")) {
            String first = output.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            return "the worker JVM could not start (" + first.trim() + "): check <jvmArgs>, <maxHeap> and <maxOffHeap>";
        }
        String full = output == null ? null : output.lines().filter(l -> FULL_DISK.stream().anyMatch(l::contains)).findFirst().orElse(null);
        if (full != null) {
            // A write failed for want of room (a full disk, a quota, a file-size limit): say so, not "native crash?".
            return "the worker JVM could not write a file (" + full.trim() + "): the disk is full or a quota or file-size limit "
                    + "was reached; free space, or point <outputDirectory> / <cacheDirectory> at a volume with room, then rerun";
        }
        if (exit <= 128 || exit >= 128 + 64) {
            return "worker JVM died with exit code " + exit + " before writing a result (native crash?)";
        }
        int signal = exit - 128;
        String name = "signal " + signal + (SIGNALS.containsKey(signal) ? " (" + SIGNALS.get(signal) + ")" : "");
        return switch (signal) {
            case 9 -> "worker JVM was killed by " + name + " from outside (exit " + exit + "): the kernel's out-of-memory killer, "
                    + "kill -9 or a scheduler send it; " + memory(peakRss, limit);
            case 15, 1, 2 -> "worker JVM was stopped by " + name + " from outside (exit " + exit + "): a shutdown, a scheduler or kill; "
                    + memory(peakRss, limit);
            case 6, 11 -> "worker JVM crashed with " + name + " (exit " + exit + "): a native crash or JVM fatal error, "
                    + "see hs_err_pid*.log in the working directory and the worker's last output";
            default -> "worker JVM was ended by " + name + " (exit " + exit + ") before writing a result";
        };
    }

    private static String memory(long peakRss, long limit) {
        if (peakRss <= 0) return "its memory use is not known here";
        if (limit <= 0) return "its resident memory peaked at " + gib(peakRss) + " (the memory limit is not known here)";
        if (peakRss >= NEAR * limit) {
            return "its resident memory reached " + gib(peakRss) + " of the " + gib(limit) + " limit, so memory is the likely cause: "
                    + "lower the batch size, <maxHeap> or <maxOffHeap>, or raise the limit";
        }
        return "its resident memory peaked at " + gib(peakRss) + ", well below the " + gib(limit) + " limit, so running out of memory "
                + "is unlikely: look for what else ended it (a scheduler's limits, an administrator)";
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /** The resident size of process {@code pid} (Linux {@code VmRSS}), bytes; 0 when not known. */
    static long residentBytes(long pid) {
        return kibField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /**
     * The memory this machine gives its processes: the cgroup's limit (v2 {@code memory.max}, v1
     * {@code memory.limit_in_bytes}) where one is set, else physical memory; 0 when not known.
     */
    static long memoryLimitBytes() {
        long physical = kibField(Path.of("/proc/meminfo"), "MemTotal:");
        long limit = physical;
        for (Path p : new Path[]{Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes")}) {
            try {
                long v = Long.parseLong(Files.readString(p).trim());
                if (v > 0 && (limit <= 0 || v < limit)) limit = v;
            } catch (IOException | NumberFormatException e) {
                // absent, or "max": no cgroup limit
            }
        }
        return limit;
    }

    private static long kibField(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024L;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return 0;
    }
}
