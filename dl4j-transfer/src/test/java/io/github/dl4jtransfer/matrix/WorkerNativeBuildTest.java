package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.device.NativeAllocator;
import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native settings reach a real forked worker. One asked for the oneDNN + AVX-512 build on a CPU without AVX-512 (faked: {@code -Dtransfer.cpuinfo}
 * points at another CPU's flags) runs its cells on the plain build, says so, and records the build it ran and the
 * OpenBLAS kernels it was given for that CPU.
 */
@DisabledOnOs(OS.WINDOWS)
class WorkerNativeBuildTest {

    @Test
    void workerOnACpuWithoutTheBuildsFlagsRunsThePlainBuildAndSaysWhy(@TempDir Path dir) throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt avx avx2 fma\n");
        SynthMed.Entry ddsm = SynthMed.generate(dir.resolve("synthmed")).stream().filter(e -> e.name().equals("ddsm")).findFirst().orElseThrow();
        BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out")).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addDataset(new DatasetSpec("ddsm", ddsm.format(), ddsm.path(), DatasetOptions.defaults()))
                .addScenario("frozen-linear").addSeed(1).build();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> log = new CopyOnWriteArrayList<>();
        // the parent reads the same fake CPU when it sets the worker's OPENBLAS_CORETYPE
        String before = System.setProperty(NativeBuild.CPUINFO_PROPERTY, cpuinfo.toString());
        try (ForkedExecutor executor = new ForkedExecutor(java, System.getProperty("java.class.path"),
                List.of("-Xmx512m", "-Dtransfer.nativeBuild=onednn-avx512", "-Dtransfer.cpuinfo=" + cpuinfo), Map.of(), 5, true)) {
            List<CellResult> results = new BenchmarkRunner(executor, log::add).run(plan);
            assertEquals(1, results.size());
            CellResult r = results.get(0);
            assertEquals(CellResult.Status.DONE, r.status(), r.toString());
            assertEquals("linux-x86_64", r.provenance().versions().get("libnd4j"), r.provenance().versions().toString());
            assertEquals("HASWELL", r.provenance().versions().get("openblasCoretype"), "AVX2 + FMA, no AVX-512: Haswell's kernels");
        } finally {
            if (before == null) System.clearProperty(NativeBuild.CPUINFO_PROPERTY);
            else System.setProperty(NativeBuild.CPUINFO_PROPERTY, before);
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("libnd4j build linux-x86_64 (fell back: onednn-avx512 needs CPU flags "
                + "[avx512bw, avx512cd, avx512dq, avx512f, avx512vl] this CPU lacks)")), String.join("\n", log));
    }

    /**
     * The allocator a worker is asked for is the one it runs, as its provenance says: glibc's for {@code system}, the
     * machine's jemalloc (preloaded by the executor) for {@code auto} where one is installed (CI installs libjemalloc2).
     */
    @Test
    void workerRunsTheAllocatorItWasAskedForAndRecordsIt(@TempDir Path dir) throws Exception {
        SynthMed.Entry ddsm = SynthMed.generate(dir.resolve("synthmed")).stream().filter(e -> e.name().equals("ddsm")).findFirst().orElseThrow();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.Optional<Path> jemalloc = NativeAllocator.resolveHere("auto");
        for (String setting : List.of("system", "auto")) {
            BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out-" + setting)).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                    .addDataset(new DatasetSpec("ddsm", ddsm.format(), ddsm.path(), DatasetOptions.defaults()))
                    .addScenario("frozen-linear").addSeed(1).build();
            try (ForkedExecutor executor = new ForkedExecutor(java, System.getProperty("java.class.path"),
                    List.of("-Xmx512m", "-D" + NativeAllocator.PROPERTY + "=" + setting), Map.of(), 5, true)) {
                CellResult r = new BenchmarkRunner(executor, l -> { }).run(plan).get(0);
                assertEquals(CellResult.Status.DONE, r.status(), r.toString());
                String expected = setting.equals("auto") && jemalloc.isPresent() ? "jemalloc (" + jemalloc.get() + ")" : "system";
                assertEquals(expected, r.provenance().versions().get("allocator"), setting + ": " + r.provenance().versions());
            }
        }
    }
}
