package io.github.dl4jtransfer.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Command-line values the build used to accept (a filter naming nothing ran every model) or found only after every
 * cell ran (a bad heap size failed each cell as "native crash?", a baseline outside the plan failed the report):
 * each fails the build before any cell, naming the property.
 */
class ChecksBeforeAnyCellTest {

    private static final Path DEIT = Path.of("..", "dl4j-transfer", "src", "test", "resources", "fixtures", "tiny", "deit-b16", "model.onnx")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private BenchmarkMojo mojo() {
        BenchmarkMojo m = new BenchmarkMojo();
        m.setOutputDirectory(dir.resolve("out").toFile());
        m.setEmbeddedDirectory(dir.resolve("embedded").toFile());
        m.setUseEmbeddedDefault(false);
        m.setModels(List.of(new ModelElement("deit-b16", DEIT.toFile())));
        DatasetElement d = new DatasetElement();
        d.put("name", "d");
        d.put("format", "ddsm");
        d.put("path", dir.toString());
        m.setDatasets(List.of(d));
        m.setScenarios(List.of("frozen-linear"));
        return m;
    }

    private void assertFailsBeforeAnyCell(BenchmarkMojo m, String... parts) {
        String message = assertThrows(MojoFailureException.class, m::execute).getMessage();
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' not in: " + message);
        assertFalse(Files.exists(dir.resolve("out").resolve("cells")), "no cell ran");
    }

    @Test
    void aModelFilterOfOnlyCommas() {
        BenchmarkMojo m = mojo();
        m.setModelFilter(",,");
        assertFailsBeforeAnyCell(m, "-Dtransfer.models", "names no model");
    }

    @Test
    void aHeapSizeTheJvmCannotRead() {
        BenchmarkMojo m = mojo();
        m.setMaxHeap("lots");
        assertFailsBeforeAnyCell(m, "-Dtransfer.maxHeap", "'lots'");
        BenchmarkMojo o = mojo();
        o.setMaxOffHeap("lots");
        assertFailsBeforeAnyCell(o, "-Dtransfer.maxOffHeap", "'lots'");
    }

    @Test
    void aBaselineNotInThePlan() {
        BenchmarkMojo m = mojo();
        m.setBaseline("dinov2:frozen-linear");
        assertFailsBeforeAnyCell(m, "-Dtransfer.baseline", "'dinov2'");
    }

    @Test
    void anOutputDirectoryThatIsAFile() throws Exception {
        BenchmarkMojo m = mojo();
        File file = Files.writeString(dir.resolve("results.txt"), "x").toFile();
        m.setOutputDirectory(file);
        String message = assertThrows(MojoFailureException.class, m::execute).getMessage();
        assertTrue(message.contains("-Dtransfer.outputDirectory") && message.contains("is a file, not a directory"), message);
    }
}
