package io.github.dl4jtransfer.device;

import io.github.dl4jtransfer.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The C allocator under a worker's native arrays ({@code <allocator>}, {@code -Dtransfer.allocator}): jemalloc, preloaded
 * into the worker JVM, where the machine has it; glibc's malloc otherwise.
 *
 * <p>Why (docs/performance.md, "The allocator"): on the oneDNN libnd4j build, glibc's malloc fragments. A frozen DeiT-B
 * cell over 128 images reached 11.9 GiB with M2.1's pooling session memory (growing with the images: 7.0 GiB at 64,
 * 12.4 at 192), 15–18 GiB freeing each activation at once; no glibc tuning ({@code MALLOC_ARENA_MAX},
 * {@code MALLOC_MMAP_THRESHOLD_}, {@code MALLOC_TRIM_THRESHOLD_}) helped. Under jemalloc with its page purging off
 * ({@value #MALLOC_CONF_DEFAULT}: freed pages stay with the process for the next batch instead of being faulted in
 * again) and activations freed at once, the same cell ran at 3.90 images/s in 2.82 GiB (2.93 and 11.9 before), a bare
 * batch-8 forward in 1.52 GiB instead of 3.68, and training steps on oneDNN stay bounded (ResNet-152 6.2 GiB, where
 * glibc passed 12), which lets {@code <nativeBuild>auto} train on oneDNN too ({@link NativeBuild}).
 *
 * <p>{@code auto} (default) gives workers of a oneDNN build the {@code libjemalloc.so.2} of the usual library folders
 * (Debian/Ubuntu package {@code libjemalloc2}, RHEL {@code jemalloc}) and leaves plain-build workers on glibc
 * ({@link #forWorker}); {@code system} keeps glibc everywhere; a path names the library for every worker. The library is
 * preloaded ({@code LD_PRELOAD}) by the executor that starts the worker, on the worker's own machine, and a worker
 * reports in its provenance which allocator it actually runs ({@link #loadedHere}).
 */
public final class NativeAllocator {

    /** System property, worker JVM argument and plugin parameter ({@code <allocator>}). */
    public static final String PROPERTY = "transfer.allocator";
    public static final String AUTO = "auto";
    public static final String SYSTEM = "system";
    /** jemalloc's settings unless the environment has its own: never give freed pages back (see the class comment). */
    public static final String MALLOC_CONF_DEFAULT = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
    /** Where {@code auto} looks, in order. */
    public static final List<Path> SEARCH_PATH = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"), Path.of("/usr/lib/aarch64-linux-gnu/libjemalloc.so.2"),
            Path.of("/usr/lib64/libjemalloc.so.2"), Path.of("/usr/lib/libjemalloc.so.2"),
            Path.of("/usr/local/lib/libjemalloc.so.2"), Path.of("/usr/local/lib/libjemalloc.so"));

    private NativeAllocator() {
    }

    /**
     * The jemalloc library {@code setting} names, looked up in {@code searchPath}; empty for glibc.
     *
     * @throws ConfigException for a path that is not a file
     */
    public static Optional<Path> resolve(String setting, List<Path> searchPath) {
        if (isAuto(setting)) return searchPath.stream().filter(Files::isRegularFile).findFirst();
        String s = setting.trim();
        if (s.equalsIgnoreCase(SYSTEM)) return Optional.empty();
        Path p = Path.of(s);
        ConfigException.require(Files.isRegularFile(p), "<allocator>", "'" + s + "' is neither auto, system nor a jemalloc "
                + "library file", "install jemalloc (Debian/Ubuntu: apt-get install libjemalloc2) and name its libjemalloc.so.2, "
                + "or use auto (jemalloc where found) or system (glibc's malloc)");
        return Optional.of(p);
    }

    /** {@link #resolve} on this machine's {@link #SEARCH_PATH}. */
    public static Optional<Path> resolveHere(String setting) {
        return resolve(setting, SEARCH_PATH);
    }

    /**
     * The setting to give a worker of {@code build}: {@code auto} preloads jemalloc into oneDNN workers only — on the plain
     * build glibc's malloc was as fast and 0.2–0.5 GiB smaller for ViT training steps (docs/performance.md, "The
     * allocator") — so a plain worker gets {@code system}; a named allocator goes to every worker.
     */
    public static String forWorker(String setting, NativeBuild build) {
        if (!isAuto(setting)) return setting.trim();
        return build != null && build.onednn() ? AUTO : SYSTEM;
    }

    /** Whether {@code setting} asks for {@code auto} (so does an empty one), in any case and with spaces around. */
    static boolean isAuto(String setting) {
        return setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase(AUTO);
    }

    /** The setting a worker's JVM arguments carry ({@code -Dtransfer.allocator=…}), else {@code auto}. */
    public static String settingIn(List<String> jvmArgs) {
        String prefix = "-D" + PROPERTY + "=";
        String s = AUTO;
        for (String a : jvmArgs) if (a.startsWith(prefix)) s = a.substring(prefix.length());
        return s;
    }

    /**
     * Preloads {@code library} in a child's environment: first in {@code LD_PRELOAD} (kept otherwise), and
     * {@value #MALLOC_CONF_DEFAULT} unless {@code MALLOC_CONF} is set already. Nothing for glibc (empty).
     */
    public static void apply(Map<String, String> childEnvironment, Optional<Path> library) {
        if (library.isEmpty()) return;
        String lib = library.get().toAbsolutePath().toString();
        String pre = childEnvironment.get("LD_PRELOAD");
        if (pre == null || pre.isBlank()) childEnvironment.put("LD_PRELOAD", lib);
        else if (!List.of(pre.split("[: ]")).contains(lib)) childEnvironment.put("LD_PRELOAD", lib + ":" + pre);
        childEnvironment.putIfAbsent("MALLOC_CONF", MALLOC_CONF_DEFAULT);
    }

    /** Whether jemalloc is mapped into this process (it was preloaded), by {@code /proc/self/maps}. */
    public static boolean loadedHere() {
        return Loaded.LIBRARY.isPresent();
    }

    /** For provenance: {@code jemalloc (path)} when this process runs it, else {@code system}. */
    public static String describeHere() {
        return Loaded.LIBRARY.map(p -> "jemalloc (" + p + ")").orElse(SYSTEM);
    }

    /** A process's allocator is fixed when it starts: {@code /proc/self/maps} is read once, on first use. */
    private static final class Loaded {
        static final Optional<String> LIBRARY = describeLoaded(Path.of("/proc/self/maps"));
    }

    static Optional<String> describeLoaded(Path maps) {
        try (var lines = Files.lines(maps)) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(f -> f.contains("libjemalloc")).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Prints the library {@code auto} (or the setting given) preloads here, empty for glibc — for the perf scripts. */
    public static void main(String[] args) {
        System.out.println(resolveHere(args.length > 0 ? args[0] : AUTO).map(Path::toString).orElse(""));
    }
}
