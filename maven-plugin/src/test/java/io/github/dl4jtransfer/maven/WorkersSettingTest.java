package io.github.dl4jtransfer.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <workers>}: checked before any worker starts, and refused where it cannot apply. */
class WorkersSettingTest {

    private static final Path FIXTURES = Path.of("..", "dl4j-transfer", "src", "test", "resources", "fixtures", "tiny").toAbsolutePath().normalize();

    private static BenchmarkMojo mojo(Path dir) {
        BenchmarkMojo m = new BenchmarkMojo();
        m.setOutputDirectory(dir.resolve("out").toFile());
        m.setEmbeddedDirectory(dir.resolve("embedded").toFile());
        m.setModels(List.of(new ModelElement("deit-b16", FIXTURES.resolve("deit-b16/model.onnx").toFile())));
        m.setScenarios(List.of("frozen-linear"));
        return m;
    }

    @Test
    void zeroWorkersIsRefusedNamingTheElement(@TempDir Path dir) {
        BenchmarkMojo m = mojo(dir);
        m.setWorkers(0);
        String e = assertThrows(MojoFailureException.class, m::execute).getMessage();
        assertTrue(e.contains("<workers>") && e.contains("0 must be >= 1"), e);
    }

    @Test
    void workersNeedForkedWorkersAndTheLocalExecutor(@TempDir Path dir) {
        BenchmarkMojo inMaven = mojo(dir);
        inMaven.setWorkers(2);
        inMaven.setFork(false);
        String e = assertThrows(MojoFailureException.class, inMaven::execute).getMessage();
        assertTrue(e.contains("<workers>") && e.contains("<fork>"), e);

        BenchmarkMojo spark = mojo(dir);
        spark.setWorkers(2);
        spark.setExecutor(Executor.spark);
        spark.setSpark(new SparkElement("local[2]", Map.of()));
        e = assertThrows(MojoFailureException.class, spark::execute).getMessage();
        assertTrue(e.contains("<workers>") && e.contains("spark.executor.cores"), e);
    }
}
