package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.eval.Bootstrap;
import io.github.dl4jtransfer.eval.ConfidenceInterval;
import io.github.dl4jtransfer.eval.EvalTask;
import io.github.dl4jtransfer.eval.Evaluator;
import io.github.dl4jtransfer.eval.ScoreKind;
import io.github.dl4jtransfer.eval.ScoredImages;
import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.report.ReportWriter;
import io.github.dl4jtransfer.report.ResultsDocument;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code frozen-knn} end to end on a tiny fixture backbone and synthmed: it reads the features frozen-linear cached,
 * trains nothing, and its result — metrics, interval, stored per-image votes — reaches the report like any cell's.
 */
class KnnCellTest {

    @TempDir
    static Path synth;

    static List<SynthMed.Entry> tasks;

    @BeforeAll
    static void generate() {
        tasks = SynthMed.generate(synth.resolve("synthmed"));
    }

    private static BenchmarkPlan.Builder plan(Path out, Protocol protocol) {
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(out).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addScenario("frozen-linear").addScenario("frozen-knn").addSeed(1).optProtocol(protocol)
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(32).optLearningRate(1e-3).build());
        for (SynthMed.Entry e : tasks) {
            if (e.name().equals("ddsm") || e.name().equals("chexpert")) {
                b.addDataset(new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults()));
            }
        }
        return b;
    }

    @Test
    void knnCellsReuseTheCacheTrainNothingAndReachTheReport(@TempDir Path out) throws Exception {
        BenchmarkPlan p = plan(out, Protocol.MODERN).build();
        List<CellResult> results = new BenchmarkRunner(new InProcessExecutor(), s -> { }).run(p);
        assertEquals(4, results.size());
        for (CellResult r : results) {
            assertTrue(r.isDone(), r.key().describe() + ": " + r.error());
            assertNotNull(r.testPredictions(), r.key().describe());
            assertNotNull(r.testInterval(), r.key().describe());
            if (!r.key().scenario().equals("frozen-knn")) continue;
            assertTrue(r.history().isEmpty());
            assertEquals(-1, r.bestEpoch());
            assertEquals(0, r.trainableParameters());
            assertTrue(r.timings().featureCacheHit(), "frozen-linear filled the cache first: " + r.key().describe());
            assertEquals(11, ((Map<?, ?>) r.provenance().config().get("training")).get("knnK"));
            assertEquals("probabilities", r.testPredictions().scoreKind());

            // The stored votes: fractions of k = 11 neighbours, single-label rows summing to 1.
            ScoredImages votes = r.testPredictions().decode();
            for (double[] row : votes.scores()) {
                double sum = 0;
                for (double v : row) {
                    assertEquals(Math.rint(v * 11), v * 11, 1e-5, "a multiple of 1/11: " + v);
                    sum += v;
                }
                if (!votes.multiLabel()) assertEquals(1.0, sum, 1e-6);
            }
            // The headline metric and the interval recomputed from the file equal the recorded ones.
            EvalTask task = (votes.multiLabel() ? EvalTask.multiLabel(r.task().classNames().size())
                    : EvalTask.singleLabel(r.task().classNames().size())).withPrimary(r.task().metric());
            Evaluator ev = Evaluator.of(task).withScores(ScoreKind.PROBABILITIES);
            assertEquals(r.primaryTestMetric(), votes.headline(ev), 1e-6, r.key().describe());
            ConfidenceInterval again = Bootstrap.interval(votes, ev);
            assertEquals(r.testInterval(), again);
            assertTrue(again.low() <= again.high());
        }

        // Written and read back: the new fields survive the file.
        CellResult knn = CellResults.read(CellResults.fileFor(p.cellsDir(), new CellKey("deit-b16", "ddsm", "frozen-knn", 1)));
        assertEquals(results.stream().filter(r -> r.key().id().equals(knn.key().id())).findFirst().orElseThrow().testInterval(),
                knn.testInterval());

        // What keeping the predictions costs on disk (docs/report.md quotes it).
        for (CellResult r : results) {
            int with = Json.MAPPER.writeValueAsBytes(r).length, without = Json.MAPPER.writeValueAsBytes(r.withTestPredictions(null, null)).length;
            System.out.printf("cell %s: %d bytes, %d without interval and predictions (+%d, %d test images x %d columns)%n",
                    r.key().id(), with, without, with - without, r.testPredictions().images(), r.testPredictions().columns());
        }

        ReportWriter.render(out, out);
        // The report's group interval of a one-seed kNN cell is the cell's own.
        ResultsDocument doc = ReportWriter.readResultsJson(out.resolve(ReportWriter.JSON));
        assertEquals(knn.testInterval(), doc.aggregates().groups().stream()
                .filter(g -> g.scenario().equals("frozen-knn") && g.dataset().equals("ddsm")).findFirst().orElseThrow().testInterval());
        assertTrue(doc.aggregates().gains().stream().allMatch(g -> g.interval() != null), "every bar has its paired interval");
        String md = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("frozen + kNN"), md);
        String csv = Files.readString(out.resolve(ReportWriter.CSV));
        assertTrue(csv.contains("deit-b16__ddsm__frozen-knn__s1"), csv);
    }

    @Test
    void underTheStudyProtocolKnnStillVotesOnUnaugmentedFeatures(@TempDir Path out) {
        BenchmarkPlan p = plan(out, Protocol.STUDY).build().filter(null, java.util.Set.of("ddsm"), java.util.Set.of("frozen-knn"));
        CellResult r = new BenchmarkRunner(new InProcessExecutor(), s -> { }).run(p).get(0);
        assertTrue(r.isDone(), r.error());
        assertEquals("none", r.provenance().config().get("augmentation"));
        assertFalse(r.timings().featureCacheHit());
        assertTrue(Double.isFinite(r.primaryTestMetric()));
        assertNull(r.error());
    }
}
