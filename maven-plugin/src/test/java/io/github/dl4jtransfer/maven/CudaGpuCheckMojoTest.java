package io.github.dl4jtransfer.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <backend>cuda</backend>} checks the GPUs before any worker starts or any cell runs. */
@DisabledOnOs(OS.WINDOWS)
class CudaGpuCheckMojoTest {

    private static final Path FIXTURES = Path.of("..", "dl4j-transfer", "src", "test", "resources", "fixtures", "tiny").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private BenchmarkMojo cudaMojo(String... nvidiaSmiLines) throws Exception {
        Path smi = dir.resolve("nvidia-smi");
        StringBuilder script = new StringBuilder("#!/bin/sh\ncat <<'END_OF_GPUS'\n");
        for (String l : nvidiaSmiLines) script.append(l).append('\n');
        Files.writeString(smi, script.append("END_OF_GPUS\n").toString(), StandardCharsets.UTF_8);
        assertTrue(smi.toFile().setExecutable(true));
        BenchmarkMojo m = new BenchmarkMojo();
        m.setOutputDirectory(dir.resolve("out").toFile());
        m.setEmbeddedDirectory(dir.resolve("embedded").toFile());
        m.setModels(List.of(new ModelElement("deit-b16", FIXTURES.resolve("deit-b16/model.onnx").toFile())));
        m.setScenarios(List.of("frozen-linear"));
        m.setBackend(Backend.cuda);
        m.setNvidiaSmi(smi.toString());
        return m;
    }

    @Test
    void hopperGpuFailsTheGoalBeforeAnyCellRuns() throws Exception {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> cudaMojo("0, NVIDIA H200, 9.0").execute());
        assertTrue(e.getMessage().startsWith("<backend>cuda</backend>: GPU 0 (NVIDIA H200, compute capability 9.0) has no kernels in nd4j-cuda-11.6 1.0.0-M2.1"),
                e.getMessage());
        assertTrue(e.getMessage().contains("use <backend>cpu</backend>") && e.getMessage().contains("sm_90"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out").resolve("cells")), "no cell ran");
    }

    @Test
    void workerEnvironmentSelectsTheGpuThatIsChecked() throws Exception {
        BenchmarkMojo m = cudaMojo("0, NVIDIA A100-SXM4-80GB, 8.0", "1, NVIDIA H100 80GB HBM3, 9.0");
        m.setEnvironmentVariables(Map.of("CUDA_VISIBLE_DEVICES", "1", "CUDA_DEVICE_ORDER", "PCI_BUS_ID"));
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("GPU 1 (NVIDIA H100 80GB HBM3, compute capability 9.0) has no kernels"), e.getMessage());
        assertTrue(e.getMessage().contains("<CUDA_VISIBLE_DEVICES>0</CUDA_VISIBLE_DEVICES>"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out").resolve("cells")), "no cell ran");
    }

    @Test
    void missingNvidiaSmiFailsTheGoalNamingTheDriver() throws Exception {
        BenchmarkMojo m = cudaMojo();
        m.setNvidiaSmi(dir.resolve("nowhere/nvidia-smi").toString());
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("install the NVIDIA driver") && e.getMessage().contains("<backend>cpu</backend>"), e.getMessage());
    }
}
