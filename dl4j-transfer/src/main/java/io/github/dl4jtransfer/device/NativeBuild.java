package io.github.dl4jtransfer.device;

import io.github.dl4jtransfer.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which libnd4j build of nd4j-native 1.0.0-M2.1 a CPU worker loads. DL4J publishes the same version built six ways
 * (the jar classifiers {@code linux-x86_64}, {@code -avx2}, {@code -avx512}, {@code -onednn}, {@code -onednn-avx2},
 * {@code -onednn-avx512}); JavaCPP loads the one named by {@code org.bytedeco.javacpp.platform.extension} when its jar
 * is on the classpath, the plain build otherwise. A build compiled for instructions the CPU lacks dies on its first
 * such instruction, so the choice is held to the CPU's flags ({@code /proc/cpuinfo}).
 *
 * <p><b>{@code auto}</b> (the default) follows what was measured (docs/performance.md, "Native builds" and "The
 * allocator"; an AMD EPYC of the Zen 5 family, AVX-512, batch 8, one thread): {@code onednn-avx2} where the CPU has
 * AVX2 and FMA for cells in which nothing trains inside a graph (frozen backbones under a linear or kNN head) and, in
 * workers that run jemalloc ({@link NativeAllocator}), for training cells of convolutional backbones; the plain build
 * for the others. oneDNN (which picks its own kernels for the CPU at run time, AVX-512 included) ran every forward
 * faster than the plain build (ViT-B/16 1.2×, ResNet-152 2.1×, SEEM FocalNet-T 2.1×); under jemalloc its training
 * steps were 2.4× (ResNet-152) and 8.7× (SEEM) the plain build's but only 0.94–1.15× for ViTs, for 0.2–2.3 GiB more;
 * under glibc's malloc they held memory past 12 GiB (a plain-build step: 5 GiB). Which cells train in a graph and
 * which backbones are convolutional: {@code matrix.BuildRoute}. {@code onednn-avx512}
 * compiles libnd4j's own loops for AVX-512 too and was 2–6% slower than {@code onednn-avx2} with more memory; the builds
 * without oneDNN ({@code avx2}, {@code avx512}) were slower than the plain one and held 8–9 GiB. Each can be named.
 *
 * <p>The choice is made twice: by the plugin, which resolves {@code auto} and puts the build's jar on the worker's
 * classpath, and by the worker itself before ND4J loads ({@link #selectForThisProcess}), which holds the build it was
 * given to its own CPU, which on a cluster need not be the driver's. Where the CPU lacks a flag or the jar is missing, the worker falls back to the plain build and
 * says why; nothing fails. An explicit build the CPU cannot run is refused up front instead ({@link #resolve}).
 */
public enum NativeBuild {
    PLAIN("plain", "", Set.of(), false),
    AVX2("avx2", "-avx2", Flags.AVX2, false),
    AVX512("avx512", "-avx512", Flags.AVX512, false),
    ONEDNN("onednn", "-onednn", Set.of(), true),
    ONEDNN_AVX2("onednn-avx2", "-onednn-avx2", Flags.AVX2, true),
    ONEDNN_AVX512("onednn-avx512", "-onednn-avx512", Flags.AVX512, true);

    /** System property and plugin parameter ({@code <nativeBuild>}): {@code auto} or a build's {@link #setting()}. */
    public static final String PROPERTY = "transfer.nativeBuild";
    public static final String AUTO = "auto";
    /** Where the CPU's flags are read; a test points it at a file with other flags. */
    public static final String CPUINFO_PROPERTY = "transfer.cpuinfo";
    public static final Path DEFAULT_CPUINFO = Path.of("/proc/cpuinfo");
    /** JavaCPP's choice of build among the jars on the classpath. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** The only platform these builds exist for. */
    public static final String PLATFORM = "linux-x86_64";

    private final String setting;
    private final String extension;
    private final Set<String> requiredFlags;
    private final boolean onednn;

    NativeBuild(String setting, String extension, Set<String> requiredFlags, boolean onednn) {
        this.setting = setting;
        this.extension = extension;
        this.requiredFlags = requiredFlags;
        this.onednn = onednn;
    }

    /** The name users write: {@code plain}, {@code onednn-avx512}… */
    public String setting() {
        return setting;
    }

    /** JavaCPP platform extension: "" for the plain build, else e.g. {@code -onednn-avx512}. */
    public String extension() {
        return extension;
    }

    /** The nd4j-native jar classifier, e.g. {@code linux-x86_64-onednn-avx512}. */
    public String classifier() {
        return PLATFORM + extension;
    }

    /** CPU flags (as {@code /proc/cpuinfo} spells them) the build's code uses. */
    public Set<String> requiredFlags() {
        return requiredFlags;
    }

    public boolean onednn() {
        return onednn;
    }

    /** The flags of {@code flags} this build needs and does not find; empty when it runs here. */
    public Set<String> missingFlags(Set<String> flags) {
        return requiredFlags.stream().filter(f -> !flags.contains(f)).collect(Collectors.toCollection(TreeSet::new));
    }

    public boolean runsOn(Set<String> flags) {
        return missingFlags(flags).isEmpty();
    }

    /** The class-path folder of this build's natives inside its jar (how a worker tells the jar is there). */
    public String resourceFolder() {
        return "org/nd4j/linalg/cpu/nativecpu/bindings/" + classifier() + "/";
    }

    /**
     * The build for {@code setting} on a CPU with {@code flags} of architecture {@code osArch}, for cells that do or do
     * not train inside a graph, and whose training step oneDNN does or does not run well ({@code oneDnnTrains}: a
     * convolutional backbone in a worker with jemalloc, {@code matrix.BuildRoute}): {@code auto} (or blank) as the
     * class comment says; a named build is checked against the CPU.
     *
     * @throws ConfigException for an unknown name, or a named build this CPU cannot run (with the flags it lacks)
     */
    public static NativeBuild resolve(String setting, Set<String> flags, String osArch, boolean trainsInGraph, boolean oneDnnTrains) {
        boolean x86 = isX86(osArch);
        if (isAuto(setting)) return x86 && (oneDnnTrains || !trainsInGraph) && ONEDNN_AVX2.runsOn(flags) ? ONEDNN_AVX2 : PLAIN;
        NativeBuild b = named(setting);
        ConfigException.require(b == PLAIN || x86, "<nativeBuild>", b.setting + " is built for " + PLATFORM + ", this JVM runs on "
                + osArch, "use <nativeBuild>auto</nativeBuild> (the plain build of this platform)");
        Set<String> missing = b.missingFlags(flags);
        ConfigException.require(missing.isEmpty(), "<nativeBuild>", b.setting + " needs the CPU flags " + missing
                + ", which this CPU (" + DEFAULT_CPUINFO + ") does not have", "use <nativeBuild>auto</nativeBuild>, which picks "
                + "the fastest build this CPU runs, or <nativeBuild>plain</nativeBuild>");
        return b;
    }

    /** Whether {@code setting} asks for {@code auto} (so does an empty one), in any case and with spaces around. */
    public static boolean isAuto(String setting) {
        return setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase(AUTO);
    }

    /**
     * The build whose {@link #setting()} is {@code setting} (in any case, with spaces around).
     *
     * @throws ConfigException naming the known ones
     */
    public static NativeBuild named(String setting) {
        String s = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        for (NativeBuild b : values()) if (b.setting.equals(s)) return b;
        throw new ConfigException("<nativeBuild>", "'" + s + "' is not a libnd4j build",
                "use auto or one of " + Arrays.stream(values()).map(NativeBuild::setting).collect(Collectors.joining(", ")));
    }

    /** {@link #resolve} for this machine: its {@code /proc/cpuinfo} (or {@value #CPUINFO_PROPERTY}) and {@code os.arch}. */
    public static NativeBuild resolveHere(String setting, boolean trainsInGraph, boolean oneDnnTrains) {
        return resolve(setting, flagsHere(), System.getProperty("os.arch"), trainsInGraph, oneDnnTrains);
    }

    /** This machine's CPU flags ({@code /proc/cpuinfo}, or the file {@value #CPUINFO_PROPERTY} names); empty off x86-64 Linux. */
    public static Set<String> flagsHere() {
        return isX86(System.getProperty("os.arch")) ? cpuFlags(cpuinfoPath()) : Set.of();
    }

    /**
     * In a worker JVM, before ND4J loads: the build {@value #PROPERTY} asks for (default {@code auto}), held to this
     * machine's CPU and to the jars on this JVM's classpath; sets {@value #EXTENSION_PROPERTY} to it and returns the
     * build and, where it fell back to the plain build, why. A named build the CPU cannot run falls back too (the
     * plugin refused it where it started; here the worker may sit on another machine's CPU).
     */
    public static Selection selectForThisProcess() {
        String asked = System.getProperty(PROPERTY, AUTO);
        Selection s = select(asked, flagsHere(), System.getProperty("os.arch"),
                b -> b == PLAIN || NativeBuild.class.getClassLoader().getResource(b.resourceFolder()) != null);
        System.setProperty(EXTENSION_PROPERTY, s.build().extension());
        return s;
    }

    /** The build this JVM loads, by {@link #EXTENSION_PROPERTY} (set by {@link #selectForThisProcess}); plain when unset. */
    public static NativeBuild loaded() {
        String ext = System.getProperty(EXTENSION_PROPERTY, "");
        for (NativeBuild b : values()) if (b.extension.equals(ext)) return b;
        return PLAIN;
    }

    /** The build this JVM loads: the one {@link #EXTENSION_PROPERTY} names (set by {@link #selectForThisProcess}), else plain. */
    public static String loadedClassifier() {
        return PLATFORM + System.getProperty(EXTENSION_PROPERTY, "");
    }

    /** The worker's choice as a pure function: {@code onClasspath} says whether a build's jar is there. */
    static Selection select(String asked, Set<String> flags, String osArch, java.util.function.Predicate<NativeBuild> onClasspath) {
        NativeBuild wanted;
        if (isAuto(asked)) {
            wanted = PLAIN; // a worker does not know its plan: the plugin resolves auto and passes the build
        } else {
            wanted = named(asked);
            if (wanted != PLAIN && !isX86(osArch)) return new Selection(PLAIN, wanted.setting + " is built for " + PLATFORM + ", not " + osArch);
            Set<String> missing = wanted.missingFlags(flags);
            if (!missing.isEmpty()) return new Selection(PLAIN, wanted.setting + " needs CPU flags " + missing + " this CPU lacks");
        }
        if (wanted != PLAIN && !onClasspath.test(wanted)) {
            return new Selection(PLAIN, "nd4j-native's " + wanted.classifier() + " jar is not on the classpath");
        }
        return new Selection(wanted, null);
    }

    /**
     * Prints the nd4j-native classifier {@code auto} (or the setting given) resolves to on this machine for cells that
     * train nothing inside a graph ({@code train}: for those that do; {@code convnet}: of a convolutional backbone, in a
     * worker with this machine's jemalloc), for scripts that build a class path by hand ({@code tools/perf/run.sh}):
     * {@code java -cp dl4j-transfer.jar io.github.dl4jtransfer.device.NativeBuild [SETTING [forward|train [convnet]]]}.
     * Exits 2 on a setting this CPU cannot run.
     */
    public static void main(String[] args) {
        try {
            boolean train = args.length > 1 && args[1].equals("train");
            boolean convnetUnderJemalloc = args.length > 2 && args[2].equals("convnet")
                    && NativeAllocator.resolveHere(NativeAllocator.AUTO).isPresent();
            System.out.println(resolveHere(args.length > 0 ? args[0] : AUTO, train, convnetUnderJemalloc).classifier());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** A worker's build, and why it is the plain one where another was asked for (null when not). */
    public record Selection(NativeBuild build, String fallbackReason) {
        public String describe() {
            return "libnd4j build " + build.classifier() + (fallbackReason == null ? "" : " (fell back: " + fallbackReason + ")");
        }
    }

    /** The flags of the first processor in a {@code /proc/cpuinfo} file; empty where it cannot be read (not Linux). */
    public static Set<String> cpuFlags(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                    return new LinkedHashSet<>(Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (macOS, Windows): no flags, so auto takes the plain build
        }
        return Set.of();
    }

    private static Path cpuinfoPath() {
        String p = System.getProperty(CPUINFO_PROPERTY);
        return p == null || p.isBlank() ? DEFAULT_CPUINFO : Path.of(p);
    }

    private static boolean isX86(String osArch) {
        return osArch != null && (osArch.equals("amd64") || osArch.equals("x86_64"));
    }

    /** Instruction sets the builds are compiled for, as {@code /proc/cpuinfo} names them. */
    private static final class Flags {
        /** libnd4j's {@code avx2} extension: {@code -mavx2 -mfma} (Haswell and newer, Zen). */
        static final Set<String> AVX2 = Set.of("avx", "avx2", "fma");
        /** libnd4j's {@code avx512} extension: Skylake-SP's AVX-512 subsets. */
        static final Set<String> AVX512 = Set.of("avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    }
}
