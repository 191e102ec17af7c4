package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a run does with its output directory before and while it runs cells: the lock, and leftovers of killed runs. */
class RunnerHousekeepingTest {

    private static BenchmarkPlan plan(Path dir) {
        return BenchmarkPlan.builder(dir.resolve("out")).addModel("a", Fixtures.tiny("deit-b16"))
                .addDataset("d", "imagefolder", dir).addScenario("frozen-linear").build();
    }

    /** Trains nothing; runs {@code during} while the cell "runs". */
    private record Quick(Runnable during) implements CellExecutor {
        @Override
        public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
            during.run();
            return new CellResult(key, CellResult.Status.DONE, null, new CellResult.TaskInfo("t", "single_label", List.of("x", "y"), "accuracy"),
                    Map.of("accuracy", 0.5), Map.of("accuracy", 0.5), List.of(), 0, false, new CellResult.Timings(1, 0, 0, 0, 0, false),
                    0, 1, 0, null);
        }
    }

    @Test
    void aZeroByteTemporaryOfAKilledWriteIsDeletedWhenTheNextRunStarts(@TempDir Path dir) throws Exception {
        BenchmarkPlan p = plan(dir);
        Path torn = Files.createFile(Files.createDirectories(p.cellsDir()).resolve("." + p.cells().get(0).id() + ".json.x1y2z3.tmp"));
        List<String> log = new ArrayList<>();
        new BenchmarkRunner(new Quick(() -> { }), log::add).run(p);
        assertFalse(Files.exists(torn));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Deleted 1 temporary file")), log.toString());
        try (var left = Files.list(p.cellsDir())) {
            assertEquals(List.of(p.cells().get(0).id() + ".json"), left.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedWhileTheFirstRuns(@TempDir Path dir) {
        BenchmarkPlan p = plan(dir);
        ConfigException[] second = new ConfigException[1];
        new BenchmarkRunner(new Quick(() -> second[0] = assertThrows(ConfigException.class,
                () -> new BenchmarkRunner(new Quick(() -> { }), s -> { }).run(p.withForce(true)))), s -> { }).run(p);
        assertTrue(second[0].getMessage().contains("pid " + ProcessHandle.current().pid()), second[0].getMessage());
        // Released at the end: the next run goes ahead.
        assertEquals(1, new BenchmarkRunner(new Quick(() -> { }), s -> { }).run(p.withForce(true)).size());
    }
}
