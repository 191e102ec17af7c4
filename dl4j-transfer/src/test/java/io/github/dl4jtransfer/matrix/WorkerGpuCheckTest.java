package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A forked worker told it runs the CUDA backend checks its GPUs first, and on a Hopper GPU runs no cell. */
@DisabledOnOs(OS.WINDOWS)
class WorkerGpuCheckTest {

    @Test
    void cudaWorkerOnAnH200FailsEveryCellWithTheCheckMessageAndRunsNone(@TempDir Path dir) throws Exception {
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho '0, NVIDIA H200, 9.0'\n", StandardCharsets.UTF_8);
        assertTrue(smi.toFile().setExecutable(true));
        SynthMed.Entry ddsm = SynthMed.generate(dir.resolve("synthmed")).stream().filter(e -> e.name().equals("ddsm")).findFirst().orElseThrow();
        BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out")).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addDataset(new DatasetSpec("ddsm", ddsm.format(), ddsm.path(), DatasetOptions.defaults()))
                .addScenario("frozen-linear").addSeed(1).addSeed(2).build();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ForkedExecutor executor = new ForkedExecutor(java, System.getProperty("java.class.path"),
                List.of("-Xmx256m", "-Dtransfer.backend=cuda", "-Dtransfer.nvidiaSmi=" + smi), Map.of(), 2, true)) {
            List<CellResult> results = new BenchmarkRunner(executor, s -> { }).run(plan);
            assertEquals(2, results.size());
            for (CellResult r : results) {
                assertEquals(CellResult.Status.FAILED, r.status(), r.toString());
                assertTrue(r.error().startsWith("<backend>cuda</backend>: GPU 0 (NVIDIA H200, compute capability 9.0) has no kernels"), r.error());
                assertTrue(r.history().isEmpty(), "no cell ran");
            }
        }
    }
}
