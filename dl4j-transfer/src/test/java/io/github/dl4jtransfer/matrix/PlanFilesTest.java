package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** plan.json carries the plan to forked workers as it is: settings and overrides keep their types through JSON. */
class PlanFilesTest {

    @Test
    void aPlanSurvivesItsJsonFile(@TempDir Path dir) {
        BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out"))
                .addModel("deit-b16", Fixtures.tiny("deit-b16")).addDataset("d", "ddsm", dir)
                .addScenario("frozen-linear").addScenario("unfrozen-linear").addSeed(3)
                .optTraining(Map.of("epochs", "4", "schedule", "constant", "clipNorm", "0.5"))
                .addOverride(Map.of("scenario", "unfrozen-linear", "learningRate", "1e-5", "microBatchSize", "2"))
                .addOverride(TrainingOverride.of(TrainingOverride.Axis.MODEL, "deit-b16", "patience", 3))
                .optLearningRateGrid(java.util.List.of(1e-3, 1e-2))
                .build();
        BenchmarkPlan back = PlanFiles.read(PlanFiles.write(plan, dir.resolve("plan.json")));
        assertEquals(plan, back);
        TrainerConfig unfrozen = back.trainerFor(new CellKey("deit-b16", "d", "unfrozen-linear", 3));
        assertEquals(4, unfrozen.epochs());
        assertEquals(TrainerConfig.Schedule.CONSTANT, unfrozen.schedule());
        assertEquals(1e-5, unfrozen.learningRate());
        assertEquals(2, unfrozen.microBatchSize());
        assertEquals(3, unfrozen.patience());
        assertEquals(3L, unfrozen.seed());
        assertEquals(1e-4, back.trainerFor(new CellKey("deit-b16", "d", "frozen-linear", 3)).learningRate());
    }
}
