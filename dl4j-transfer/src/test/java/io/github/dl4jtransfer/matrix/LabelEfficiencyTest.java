package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The label-efficiency axis through real cells (frozen-linear on the feature cache): a cell per training fraction,
 * its own subset of the cached training rows, the same validation and test sets. (The end-to-end route trains on
 * {@code DatasetSplit.withTrainOnly}, tested in {@code DatasetSplitTest}.)
 */
class LabelEfficiencyTest {

    @Test
    void aFractionCellTrainsOnItsSubsetAndIsEvaluatedOnTheSameSets(@TempDir Path dir) {
        SynthMed.Entry e = SynthMed.generate(dir.resolve("synthmed")).stream().filter(x -> x.name().equals("ddsm")).findFirst().orElseThrow();
        BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out")).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addDataset(new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults()))
                .addScenario("frozen-linear").addSeed(1)
                .addTrainFraction(0.25).addTrainFraction(1.0).optProtocol("modern") // modern: frozen cells train on the cache
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(16).optLearningRate(1e-3).build())
                .build();
        assertEquals(List.of("f0.25", "all"), plan.trainSubsets());
        assertEquals(2, plan.cells().size());
        List<String> log = new ArrayList<>();
        List<CellResult> results = new BenchmarkRunner(new InProcessExecutor(), log::add).run(plan);
        String all = String.join("\n", log);
        assertEquals(2, results.size());

        // The whole-set cells keep the ids results had before the axis existed: earlier runs resume.
        assertTrue(Files.isRegularFile(plan.cellsDir().resolve("deit-b16__ddsm__frozen-linear__s1.json")));
        assertTrue(Files.isRegularFile(plan.cellsDir().resolve("deit-b16__ddsm__frozen-linear__s1__f0.25.json")));

        // Cached route: the features line gives train/val/test sizes; only train shrinks.
        Matcher m = Pattern.compile("features: .*\\((\\d+)/(\\d+)/(\\d+) train/val/test\\)").matcher(all);
        List<int[]> sizes = new ArrayList<>();
        while (m.find()) sizes.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        assertEquals(2, sizes.size(), all); // the two frozen-linear cells
        int[] quarter = sizes.get(0), whole = sizes.get(1);
        assertEquals(whole[1], quarter[1], "validation untouched");
        assertEquals(whole[2], quarter[2], "test untouched");
        assertTrue(quarter[0] >= whole[0] / 4 && quarter[0] <= whole[0] / 4 + 2, quarter[0] + " of " + whole[0]);

        for (CellResult r : results) {
            assertTrue(r.isDone(), r.key().describe() + ": " + r.error());
            @SuppressWarnings("unchecked")
            Map<String, Object> subset = (Map<String, Object>) r.provenance().config().get("trainSubset");
            if (r.key().trainSubset().isAll()) {
                assertNull(subset, "a whole-set cell records no subset");
            } else {
                assertEquals("f0.25", subset.get("subset"));
                assertEquals(quarter[0], ((Number) subset.get("images")).intValue());
                assertEquals(whole[0], ((Number) subset.get("of")).intValue());
            }
        }
        assertTrue(all.contains("training subset: 25% of the training set: " + quarter[0] + " of " + whole[0]
                + " images (whole groups), drawn for seed 1"), all);
    }

    @Test
    void badAxisValuesAreNamedBeforeAnyWork(@TempDir Path dir) {
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(dir).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addDataset("ddsm", "ddsm", dir).addScenario("frozen-linear");
        ConfigException f = assertThrows(ConfigException.class, () -> b.addTrainFraction(1.5).build());
        assertTrue(f.getMessage().startsWith("<trainFractions><fraction>: 1.5 is not a fraction in (0, 1]"), f.getMessage());
        BenchmarkPlan.Builder c = BenchmarkPlan.builder(dir).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addDataset("ddsm", "ddsm", dir).addScenario("frozen-linear").addShots(0);
        ConfigException k = assertThrows(ConfigException.class, c::build);
        assertTrue(k.getMessage().startsWith("<shots><shot>: 0 is not a number of images per class"), k.getMessage());
    }
}
