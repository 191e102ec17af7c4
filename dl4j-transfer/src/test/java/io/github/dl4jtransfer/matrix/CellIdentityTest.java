package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Distinct cells never share a result file: the case of two models named 'x/y' and 'x_y', where one's results were lost. */
class CellIdentityTest {

    @Test
    void plainNamesKeepTheIdsEarlierRunsWrote() {
        // Results written by earlier versions must still be found on resume.
        assertEquals("dinov2-vitb14__aptos__frozen-linear__s1", new CellKey("dinov2-vitb14", "aptos", "frozen-linear", 1).id());
        assertEquals("x_y__isic.2019__last2-deit__s-3", new CellKey("x_y", "isic.2019", "last2-deit", -3).id());
    }

    @Test
    void namesThatUsedToShareAFileGetDistinctIds() {
        List<String> names = List.of("x/y", "x_y", "x y", "x%2Fy", "x__y", "_x", "x_", "x", "_", "__", "ü", "u", "a__b", "a", "b__c", "b", "c");
        Set<String> parts = new HashSet<>();
        for (String n : names) assertTrue(parts.add(CellKey.safe(n)), n + " → " + CellKey.safe(n) + " is not unique");
        Set<String> ids = new HashSet<>();
        for (String m : names) {
            for (String d : names) {
                String id = new CellKey(m, d, "frozen-linear", 1).id();
                assertTrue(ids.add(id), m + " × " + d + " → " + id + " collides");
                assertTrue(id.matches("[A-Za-z0-9._%-]+"), id + " is not file-name safe");
            }
        }
    }

    @Test
    void modelsXSlashYAndXUnderscoreYBothKeepTheirResults(@TempDir Path out) throws Exception {
        Path synth = Files.createDirectories(out.resolve("data"));
        BenchmarkPlan plan = BenchmarkPlan.builder(out.resolve("results"))
                .addModel("x/y", Fixtures.tiny("deit-b16")).addModel("x_y", Fixtures.tiny("resnet152"))
                .addDataset("d/1", "imagefolder", synth).addDataset("d_1", "imagefolder", synth)
                .addScenario("frozen-linear").build();
        List<CellResult> results = new BenchmarkRunner(new Echo(), s -> { }).run(plan);

        assertEquals(4, results.size());
        assertEquals(plan.cells(), results.stream().map(CellResult::key).toList(), "each cell's own result, none twice");
        try (var files = Files.list(plan.cellsDir())) {
            assertEquals(4, files.count());
        }
    }

    @Test
    void namesDifferingOnlyInCaseFailBeforeAnyWorkNamingBoth(@TempDir Path out) {
        ConfigException e = assertThrows(ConfigException.class, () -> BenchmarkPlan.builder(out)
                .addModel("DeiT", Fixtures.tiny("deit-b16")).addModel("deit", Fixtures.tiny("resnet152"))
                .addDataset("d", "imagefolder", out).addScenario("frozen-linear").build());
        assertEquals("<models><model><name>", e.element());
        assertTrue(e.problem().contains("'DeiT'") && e.problem().contains("'deit'"), e.getMessage());
        assertTrue(e.fix().contains("rename"), e.getMessage());

        ConfigException d = assertThrows(ConfigException.class, () -> BenchmarkPlan.builder(out)
                .addModel("m", Fixtures.tiny("deit-b16")).addDataset("Aptos", "imagefolder", out).addDataset("aptos", "imagefolder", out)
                .addScenario("frozen-linear").build());
        assertEquals("<datasets><dataset><name>", d.element());
        assertTrue(d.problem().contains("'Aptos'") && d.problem().contains("'aptos'"), d.getMessage());
        assertTrue(Files.notExists(out.resolve("cells")), "nothing written");
    }

    @Test
    void aNameTooLongForAFileNameFailsInValidation(@TempDir Path out) {
        String name = "m".repeat(PlanValidation.MAX_NAME_CHARS + 1);
        ConfigException e = assertThrows(ConfigException.class, () -> BenchmarkPlan.builder(out)
                .addModel(name, Fixtures.tiny("deit-b16")).addDataset("d", "imagefolder", out).addScenario("frozen-linear").build());
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }

    /** An executor that trains nothing: each cell's result names its own key, so the test sees which file holds what. */
    private static final class Echo implements CellExecutor {
        @Override
        public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
            return new CellResult(key, CellResult.Status.DONE, null, new CellResult.TaskInfo("t", "single_label", List.of("a", "b"), "accuracy"),
                    Map.of("accuracy", 0.5), Map.of("accuracy", 0.5), List.of(), 0, false, new CellResult.Timings(1, 0, 0, 0, 0, false),
                    0, 1, 0, null);
        }
    }
}
