package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code <activationCheckpointing>} as a user sets it: a real unfrozen cell trains to the same results with it, records
 * how many segments it recomputed, and a frozen cell ignores it.
 */
class ActivationCheckpointingCellTest {

    @Test
    void anUnfrozenCellTrainsTheSameWithCheckpointing(@TempDir Path dir) {
        SynthMed.Entry aptos = SynthMed.generate(dir.resolve("synth")).stream()
                .filter(e -> e.format().equals("aptos2019")).findFirst().orElseThrow();
        List<CellResult> plain = run(dir.resolve("plain"), aptos, false), cut = run(dir.resolve("cut"), aptos, true);
        for (int i = 0; i < plain.size(); i++) {
            CellResult a = plain.get(i), b = cut.get(i);
            assertTrue(a.isDone() && b.isDone(), a.error() + " / " + b.error());
            for (String m : a.testMetrics().keySet()) {
                assertEquals(a.testMetrics().get(m), b.testMetrics().get(m), 1e-4, a.key() + " " + m);
            }
            for (int e = 0; e < a.history().size(); e++) {
                assertEquals(a.history().get(e).trainLoss(), b.history().get(e).trainLoss(), 1e-4, a.key() + " epoch " + e);
            }
        }
        assertEquals(0, segments(plain.get(1)));
        assertTrue(segments(cut.get(1)) >= 2, "unfrozen cell: " + cut.get(1).provenance().config().get("trainingForward"));
        CellResult frozen = cut.get(0); // a frozen step never enters the backbone
        assertTrue(frozen.provenance().config().get("trainingForward") == null || segments(frozen) == 0);
    }

    private static List<CellResult> run(Path out, SynthMed.Entry data, boolean checkpointing) {
        BenchmarkPlan p = BenchmarkPlan.builder(out).addModel("deit", Fixtures.tiny("deit-b16"))
                .addScenario("frozen-linear").addScenario("unfrozen-linear").addSeed(1)
                .addDataset("aptos", data.format(), data.path())
                .optTrainer(TrainerConfig.builder().optEpochs(2).optBatchSize(16).optActivationCheckpointing(checkpointing).build())
                .build();
        return new BenchmarkRunner(new InProcessExecutor(), line -> { }).run(p);
    }

    private static int segments(CellResult r) {
        Map<?, ?> forward = (Map<?, ?>) r.provenance().config().get("trainingForward");
        return ((Number) forward.get("checkpointSegments")).intValue();
    }
}
