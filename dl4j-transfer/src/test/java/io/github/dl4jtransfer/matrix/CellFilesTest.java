package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cell files that parse but are not this cell's complete result: a named error naming the file, on resume and for the report. */
class CellFilesTest {

    private static BenchmarkPlan plan(Path dir) {
        return BenchmarkPlan.builder(dir.resolve("out")).addModel("a", Fixtures.tiny("deit-b16")).addModel("b", Fixtures.tiny("resnet152"))
                .addDataset("d", "imagefolder", dir).addScenario("frozen-linear").build();
    }

    private static CellResult done(CellKey key) {
        return new CellResult(key, CellResult.Status.DONE, null, new CellResult.TaskInfo("t", "single_label", List.of("x", "y"), "accuracy"),
                Map.of("accuracy", 0.5), Map.of("accuracy", 0.5), List.of(), 0, false, new CellResult.Timings(1, 0, 0, 0, 0, false),
                0, 1, 0, new CellResult.Provenance(null, null, null, null, null, null, null, Map.of("protocol", "study"), key.seed(),
                Map.of(), null, null, null, 0));
    }

    /** Trains nothing: a cell's result is its key with fixed metrics. */
    private static final class Echo implements CellExecutor {
        @Override
        public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
            return done(key);
        }
    }

    @Test
    void filesMissingKeysFailNamingTheFileOnResumeAndInTheReport(@TempDir Path dir) throws Exception {
        BenchmarkPlan p = plan(dir);
        Path file = CellResults.fileFor(p.cellsDir(), p.cells().get(0));
        Files.createDirectories(p.cellsDir());
        for (String content : List.of("{}", "{\"status\":\"DONE\"}", "{\"key\":{\"model\":\"a\",\"dataset\":\"d\",\"scenario\":\"frozen-linear\",\"seed\":1}}",
                "{\"key\":{\"model\":\"a\",\"dataset\":\"d\",\"scenario\":\"frozen-linear\",\"seed\":1},\"status\":\"DONE\"}",
                "{\"key\":{\"model\":\"a\"},\"status\":\"FAILED\"}", "not json", "")) {
            Files.writeString(file, content);
            CellFileException resume = assertThrows(CellFileException.class, () -> new BenchmarkRunner(new Echo(), s -> { }).run(p), content);
            assertEquals(file, resume.file());
            assertTrue(resume.getMessage().contains(file.toString()) && resume.getMessage().contains("delete it"), resume.getMessage());
            CellFileException report = assertThrows(CellFileException.class, () -> CellResults.readAll(p.cellsDir()), content);
            assertEquals(file, report.file());
        }
        // A FAILED result needs no metrics: it is read, and the cell runs again.
        Json.MAPPER.writeValue(file.toFile(), CellResult.failed(p.cells().get(0), "boom", null, List.of(), 0, 0, null));
        assertEquals(2, new BenchmarkRunner(new Echo(), s -> { }).run(p).stream().filter(CellResult::isDone).count());
    }

    @Test
    void aFileHoldingAnotherCellsResultIsRejectedNotCountedTwice(@TempDir Path dir) throws Exception {
        BenchmarkPlan p = plan(dir);
        CellKey a = p.cells().get(0), b = p.cells().get(1);
        CellResults.write(p.cellsDir(), done(a));
        Files.copy(CellResults.fileFor(p.cellsDir(), a), CellResults.fileFor(p.cellsDir(), b)); // b's file, a's result

        CellFileException resume = assertThrows(CellFileException.class, () -> new BenchmarkRunner(new Echo(), s -> { }).run(p));
        assertEquals(CellResults.fileFor(p.cellsDir(), b), resume.file());
        assertTrue(resume.getMessage().contains("holds the result of " + a.describe()), resume.getMessage());

        CellFileException report = assertThrows(CellFileException.class, () -> CellResults.readAll(p.cellsDir()));
        assertEquals(CellResults.fileFor(p.cellsDir(), b), report.file());
        assertTrue(report.getMessage().contains(CellResults.fileFor(p.cellsDir(), a).getFileName().toString()), report.getMessage());
    }
}
