package io.github.dl4jtransfer.device;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.device.GpuCheck.Capability;
import io.github.dl4jtransfer.device.GpuCheck.Gpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA compatibility check against a real process: each test writes an executable {@code nvidia-smi} script
 * printing what a given machine's driver prints, and runs the check on it.
 */
@DisabledOnOs(OS.WINDOWS)
class GpuCheckTest {

    @TempDir
    Path dir;

    /** An executable nvidia-smi that checks it was asked for the query, then prints {@code lines} (exit {@code exit}). */
    private String fakeSmi(int exit, String... lines) throws IOException {
        Path smi = dir.resolve("nvidia-smi");
        StringBuilder s = new StringBuilder("#!/bin/sh\n")
                .append("[ \"$1\" = \"--query-gpu=index,name,compute_cap\" ] && [ \"$2\" = \"--format=csv,noheader\" ] || { echo \"unexpected arguments: $*\" >&2; exit 64; }\n");
        s.append("cat <<'END_OF_GPUS'\n");
        for (String l : lines) s.append(l).append('\n');
        s.append("END_OF_GPUS\n");
        s.append("exit ").append(exit).append('\n');
        Files.writeString(smi, s.toString(), StandardCharsets.UTF_8);
        assertTrue(smi.toFile().setExecutable(true));
        return smi.toString();
    }

    private static ConfigException fails(String smi, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> new GpuCheck(smi).check(env));
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
    }

    @Test
    void hopperH200FailsNamingTheGpuItsCapabilityAndTheFix() throws IOException {
        ConfigException e = fails(fakeSmi(0, "0, NVIDIA H200, 9.0"), Map.of());
        assertEquals("<backend>cuda</backend>", e.element());
        contains(e.problem(), "GPU 0 (NVIDIA H200, compute capability 9.0)", "no kernels in nd4j-cuda-11.6 1.0.0-M2.1", "sm_90", "8.6", "no PTX");
        contains(e.fix(), "<backend>cpu</backend>", "libnd4j build with sm_90 kernels");
        assertFalse(e.fix().contains("CUDA_VISIBLE_DEVICES"), "no GPU of this machine can run it: " + e.fix());
    }

    @Test
    void ampereA100AndRtx3090Pass() throws IOException {
        GpuCheck.Result a100 = new GpuCheck(fakeSmi(0, "0, NVIDIA A100-SXM4-80GB, 8.0")).check(Map.of());
        assertEquals(List.of(new Gpu(0, "NVIDIA A100-SXM4-80GB", new Capability(8, 0))), a100.visible());
        contains(a100.summary(), "GPU 0", "sm_80 kernels");
        GpuCheck.Result rtx = new GpuCheck(fakeSmi(0, "0, NVIDIA GeForce RTX 3090, 8.6")).check(Map.of());
        contains(rtx.summary(), "NVIDIA GeForce RTX 3090", "sm_86 kernels");
    }

    @Test
    void adaRunsTheAmpereCubinsOfSameMajor() throws IOException {
        // 8.9 (RTX 4090, L4, L40): a cubin for 8.6 runs on 8.x with minor >= 6, so the sm_86 kernels serve it.
        GpuCheck.Result r = new GpuCheck(fakeSmi(0, "0, NVIDIA L4, 8.9", "1, NVIDIA GeForce RTX 4090, 8.9")).check(Map.of());
        assertEquals(2, r.visible().size());
        contains(r.summary(), "GPU 0 (NVIDIA L4, compute capability 8.9; sm_86 kernels)", "GPU 1 (NVIDIA GeForce RTX 4090");
    }

    @Test
    void mixedGpusFailNamingOnlyTheBadOneAndOfferTheGoodOne() throws IOException {
        ConfigException e = fails(fakeSmi(0, "0, NVIDIA A100-SXM4-40GB, 8.0", "1, NVIDIA H100 80GB HBM3, 9.0"), Map.of());
        contains(e.problem(), "GPU 1 (NVIDIA H100 80GB HBM3, compute capability 9.0) has no kernels", "GPU 0 (NVIDIA A100-SXM4-40GB, compute capability 8.0) can run it");
        assertFalse(e.problem().startsWith("GPU 0"), e.problem());
        contains(e.fix(), "<CUDA_VISIBLE_DEVICES>0</CUDA_VISIBLE_DEVICES>", "PCI_BUS_ID", "<backend>cpu</backend>");
    }

    @Test
    void cudaVisibleDevicesLimitsTheCheckToTheGpusItNames() throws IOException {
        String smi = fakeSmi(0, "0, NVIDIA H200, 9.0", "1, NVIDIA A100-SXM4-80GB, 8.0");
        // Index 1 only: the A100 is checked, the H200 is not (with CUDA numbering GPUs as nvidia-smi does).
        GpuCheck.Result r = new GpuCheck(smi).check(Map.of("CUDA_VISIBLE_DEVICES", "1", "CUDA_DEVICE_ORDER", "PCI_BUS_ID"));
        assertEquals(List.of(1), r.visible().stream().map(Gpu::index).toList());
        assertEquals(2, r.all().size());
        // Index 0 only: the H200 fails.
        contains(fails(smi, Map.of("CUDA_VISIBLE_DEVICES", "0", "CUDA_DEVICE_ORDER", "PCI_BUS_ID")).problem(), "GPU 0 (NVIDIA H200");
        // Index 1 under CUDA's default order (fastest first) may be the H200: refused, naming the fix.
        ConfigException order = fails(smi, Map.of("CUDA_VISIBLE_DEVICES", "1"));
        contains(order.problem(), "CUDA_DEVICE_ORDER=PCI_BUS_ID", "GPU 0 (NVIDIA H200");
        contains(order.fix(), "<CUDA_DEVICE_ORDER>PCI_BUS_ID</CUDA_DEVICE_ORDER>");
        // An index no GPU has: CUDA sees nothing.
        contains(fails(smi, Map.of("CUDA_VISIBLE_DEVICES", "7")).problem(), "CUDA_VISIBLE_DEVICES='7' leaves CUDA no GPU", "GPU 1 (NVIDIA A100");
    }

    @Test
    void visibleDevicesAreReadAsCudaReadsThem() {
        List<Gpu> all = List.of(new Gpu(0, "a", new Capability(8, 0)), new Gpu(1, "b", new Capability(9, 0)), new Gpu(2, "c", new Capability(7, 0)));
        assertEquals(all, GpuCheck.visible(all, null));
        assertEquals(List.of(all.get(2), all.get(0)), GpuCheck.visible(all, " 2,0 "));
        assertEquals(List.of(all.get(0)), GpuCheck.visible(all, "0,5,1"), "CUDA stops at the first entry that names no GPU");
        assertEquals(List.of(all.get(0)), GpuCheck.visible(all, "0,0,1"), "and at a repeated one");
        assertEquals(List.of(), GpuCheck.visible(all, ""));
        assertEquals(List.of(), GpuCheck.visible(all, "-1"));
        assertEquals(all, GpuCheck.visible(all, "GPU-8a1b2c3d-0000-1111-2222-333344445555"), "UUIDs: every GPU is checked");
    }

    @Test
    void missingBinaryFailsNamingTheDriverAndTheCpuBackend() {
        ConfigException e = fails(dir.resolve("no-such-nvidia-smi").toString(), Map.of());
        contains(e.problem(), "cannot run", "no-such-nvidia-smi");
        contains(e.fix(), "install the NVIDIA driver", "-Dtransfer.nvidiaSmi", "<backend>cpu</backend>");
    }

    @Test
    void noGpuAndDriverFailuresAreClear() throws IOException {
        contains(fails(fakeSmi(0), Map.of()).getMessage(), "nvidia-smi reports no GPU", "<backend>cpu</backend>");
        contains(fails(fakeSmi(6, "No devices were found"), Map.of()).getMessage(), "reports no GPU", "No devices were found");
        ConfigException driver = fails(fakeSmi(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."), Map.of());
        contains(driver.problem(), "exit 9", "couldn't communicate with the NVIDIA driver");
        contains(driver.fix(), "NVIDIA driver", "<backend>cpu</backend>");
        ConfigException old = fails(fakeSmi(2, "Field \"compute_cap\" is not a valid field to query."), Map.of());
        contains(old.getMessage(), "compute_cap", "driver 510");
    }

    @Test
    void parserReadsNamesWithCommasAndUnknownCapabilities() {
        List<Gpu> gpus = GpuCheck.parse("0, NVIDIA H200, 9.0\r\n\n  1, Odd, Name, 7.5  \n2, NVIDIA GRID vGPU, [N/A]\n");
        assertEquals(List.of(new Gpu(0, "NVIDIA H200", new Capability(9, 0)), new Gpu(1, "Odd, Name", new Capability(7, 5)),
                new Gpu(2, "NVIDIA GRID vGPU", null)), gpus);
        assertNull(gpus.get(2).capability());
        contains(assertThrows(ConfigException.class, () -> GpuCheck.parse("index, name, compute_cap\n")).problem(), "'index, name, compute_cap'");
        ConfigException unknown = assertThrows(ConfigException.class, () -> GpuCheck.verdict(gpus.subList(2, 3), Map.of()));
        contains(unknown.getMessage(), "no compute capability for GPU 2", "driver 510");
    }

    @Test
    void theRuleIsTheShippedCubinsOfTheSameMajor() {
        for (String ok : List.of("3.7", "5.0", "5.3", "6.1", "6.2", "7.0", "7.2", "7.5", "8.0", "8.6", "8.7", "8.9")) {
            assertTrue(GpuCheck.runs(Capability.parse(ok)), ok);
        }
        for (String no : List.of("3.0", "3.5", "9.0", "10.0", "12.0")) {
            assertFalse(GpuCheck.runs(Capability.parse(no)), no);
        }
        assertEquals("sm_86", GpuCheck.cubinFor(new Capability(8, 9)).orElseThrow().sm());
        assertEquals("sm_70", GpuCheck.cubinFor(new Capability(7, 2)).orElseThrow().sm());
        assertFalse(GpuCheck.runs(null));
    }

    @Test
    void standaloneRunPrintsTheGpusAndTheVerdict() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = GpuCheck.run(new GpuCheck(fakeSmi(0, "0, NVIDIA H200, 9.0")), Map.of(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, out);
        contains(out, "GPU 0 (NVIDIA H200, compute capability 9.0): no kernels (needs sm_90)", "FAIL: <backend>cuda</backend>: GPU 0 (NVIDIA H200");
        buf.reset();
        assertEquals(0, GpuCheck.run(new GpuCheck(fakeSmi(0, "0, Tesla V100-SXM2-16GB, 7.0")), Map.of(), new PrintStream(buf, true, StandardCharsets.UTF_8)));
        contains(buf.toString(StandardCharsets.UTF_8), "runs the sm_70 kernels", "OK: nd4j-cuda-11.6 1.0.0-M2.1 can run on GPU 0");
    }
}
