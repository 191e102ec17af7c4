package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.TestImages;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dataset whose training labels are all one class fails its cell, instead of finishing with every metric 0.0. */
class TrainingLabelsTest {

    /** APTOS 2019's layout (five grades fixed by the format) with every image graded {@code grade}, or graded i mod 2. */
    private static Path aptos(Path root, Integer grade) {
        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        for (int i = 0; i < 20; i++) {
            TestImages.image(root.resolve("train_images/img" + i + ".png"), 16, 16, false, i);
            csv.append("img").append(i).append(',').append(grade == null ? i % 2 : grade).append('\n');
        }
        return TestImages.text(root.resolve("train.csv"), csv.toString()).getParent();
    }

    private static CellResult runOneCell(Path out, Path data) {
        BenchmarkPlan plan = BenchmarkPlan.builder(out).addModel("m", Fixtures.tiny("deit-b16"))
                .addDataset("flat", "aptos2019", data).addScenario("frozen-linear")
                .optTraining(java.util.Map.of("epochs", "1", "warmupEpochs", "0")).build();
        return new CellRunner(plan, s -> { }).run(plan.cells().get(0));
    }

    @Test
    void allTrainingLabelsOneClassFailsTheCellNamingTheDatasetAndTheFix(@TempDir Path dir) {
        CellResult r = runOneCell(dir.resolve("out"), aptos(dir.resolve("aptos"), 0));
        assertFalse(r.isDone(), "a one-class training split must not look like a result");
        assertTrue(r.error().contains("dataset 'flat'") && r.error().contains("'No DR'") && r.error().contains("at least two classes"),
                r.error());
    }

    @Test
    void twoClassesPassTheCheck(@TempDir Path dir) {
        // The same dataset with two grades gets past the check (the cell then trains: only its error, if any, matters here).
        CellResult r = runOneCell(dir.resolve("out"), aptos(dir.resolve("aptos"), null));
        assertTrue(r.isDone() || !r.error().contains("at least two classes"), r.error());
    }
}
