package io.github.dl4jtransfer.device;

import io.github.dl4jtransfer.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The libnd4j build a CPU worker loads follows the CPU's flags, and falls back to the plain build cleanly. */
class NativeBuildTest {

    /** Flags of this project's development VM (AMD EPYC, cpu family 26: Zen 5), abridged. */
    static final String ZEN5 = "fpu vme de pse tsc msr sse sse2 ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand "
            + "bmi1 avx2 bmi2 avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512_bf16 avx512vbmi avx512_vnni";
    static final String HASWELL = "fpu vme sse sse2 ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt avx f16c bmi1 avx2 bmi2";
    static final String NEHALEM = "fpu vme sse sse2 ssse3 cx16 sse4_1 sse4_2 popcnt";

    private static Set<String> flags(String s) {
        return Set.of(s.split(" "));
    }

    @Test
    void cpuFlagsAreReadFromTheFirstProcessorOfCpuinfo(@TempDir Path dir) throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: " + ZEN5 + "\nbugs\t\t: sysret_ss_attrs\n\n"
                + "processor\t: 1\nflags\t\t: fpu sse\n");
        Set<String> f = NativeBuild.cpuFlags(cpuinfo);
        assertTrue(f.contains("avx512f") && f.contains("avx2") && f.contains("fma"), f.toString());
        assertEquals(flags(ZEN5), f);
        assertEquals(Set.of(), NativeBuild.cpuFlags(dir.resolve("no-such-file")), "no /proc: no flags, so the plain build");
    }

    @Test
    void autoTakesOneDnnExceptWhereATransformerTrains() {
        assertEquals(NativeBuild.ONEDNN_AVX2, NativeBuild.resolve("auto", flags(ZEN5), "amd64", false, false), "forwards, convnets: oneDNN (measured best)");
        assertEquals(NativeBuild.PLAIN, NativeBuild.resolve("auto", flags(ZEN5), "amd64", true, false), "a ViT trains, or any backbone under glibc: the plain build");
        assertEquals(NativeBuild.ONEDNN_AVX2, NativeBuild.resolve("auto", flags(ZEN5), "amd64", true, true), "a convnet trains under jemalloc: oneDNN (measured best)");
        assertEquals(NativeBuild.PLAIN, NativeBuild.resolve("auto", flags(NEHALEM), "amd64", true, true), "no AVX2: the plain build");
        assertEquals(NativeBuild.ONEDNN_AVX2, NativeBuild.resolve("auto", flags(HASWELL), "amd64", false, false));
        assertEquals(NativeBuild.ONEDNN_AVX2, NativeBuild.resolve(" AUTO ", flags(HASWELL), "x86_64", false, false));
        assertEquals(NativeBuild.PLAIN, NativeBuild.resolve("auto", flags(NEHALEM), "amd64", false, false), "no AVX2: the plain build");
        assertEquals(NativeBuild.PLAIN, NativeBuild.resolve(null, Set.of(), "amd64", false, false));
        assertEquals(NativeBuild.PLAIN, NativeBuild.resolve("auto", flags(ZEN5), "aarch64", false, false), "the builds exist for x86-64 only");
        assertEquals(NativeBuild.ONEDNN_AVX512, NativeBuild.resolve("onednn-avx512", flags(ZEN5), "amd64", true, false), "a named build is taken as named");
        assertEquals("linux-x86_64-onednn-avx2", NativeBuild.ONEDNN_AVX2.classifier());
        assertEquals("", NativeBuild.PLAIN.extension());
    }

    @Test
    void aNamedBuildTheCpuCannotRunIsRefusedWithTheMissingFlags() {
        ConfigException e = assertThrows(ConfigException.class, () -> NativeBuild.resolve("onednn-avx512", flags(HASWELL), "amd64", false, false));
        assertTrue(e.getMessage().startsWith("<nativeBuild>: onednn-avx512 needs the CPU flags [avx512bw, avx512cd, avx512dq, avx512f, avx512vl]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("use <nativeBuild>auto</nativeBuild>"), e.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> NativeBuild.resolve("mkl", flags(ZEN5), "amd64", false, false));
        assertTrue(unknown.getMessage().contains("'mkl' is not a libnd4j build")
                && unknown.getMessage().contains("auto or one of plain, avx2, avx512, onednn, onednn-avx2, onednn-avx512"), unknown.getMessage());
        assertEquals(NativeBuild.PLAIN, NativeBuild.resolve("plain", flags(NEHALEM), "aarch64", true, false));
        assertEquals(NativeBuild.ONEDNN, NativeBuild.resolve("onednn", flags(NEHALEM), "amd64", true, false), "the oneDNN build without AVX needs nothing");
    }

    @Test
    void aWorkerFallsBackToThePlainBuildWhereItsCpuOrClasspathLacksTheBuild() {
        NativeBuild.Selection ok = NativeBuild.select("onednn-avx512", flags(ZEN5), "amd64", b -> true);
        assertEquals(NativeBuild.ONEDNN_AVX512, ok.build());
        assertNull(ok.fallbackReason());

        NativeBuild.Selection otherCpu = NativeBuild.select("onednn-avx512", flags(HASWELL), "amd64", b -> true);
        assertEquals(NativeBuild.PLAIN, otherCpu.build(), "the plugin's CPU had AVX-512, this executor's has not");
        assertTrue(otherCpu.fallbackReason().contains("needs CPU flags [avx512bw, avx512cd, avx512dq, avx512f, avx512vl]"), otherCpu.fallbackReason());

        NativeBuild.Selection noJar = NativeBuild.select("onednn-avx2", flags(ZEN5), "amd64", b -> b == NativeBuild.PLAIN);
        assertEquals(NativeBuild.PLAIN, noJar.build());
        assertEquals("nd4j-native's linux-x86_64-onednn-avx2 jar is not on the classpath", noJar.fallbackReason());
        assertTrue(noJar.describe().startsWith("libnd4j build linux-x86_64 (fell back: "), noJar.describe());

        NativeBuild.Selection auto = NativeBuild.select("auto", flags(ZEN5), "amd64", b -> true);
        assertEquals(NativeBuild.PLAIN, auto.build(), "a worker left to itself does not know its plan: the plain build");
        assertNull(auto.fallbackReason(), "nothing fell back");
    }
}
