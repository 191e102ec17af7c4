package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.model.Sidecar;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small real matrix end to end: synthmed files → readers → splits → backbones → training → results on disk. */
class BenchmarkRunnerTest {

    @TempDir
    static Path synth;

    static List<SynthMed.Entry> tasks;

    @BeforeAll
    static void generate() {
        tasks = SynthMed.generate(synth.resolve("synthmed"));
    }

    private static BenchmarkPlan.Builder plan(Path out) {
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(out)
                .addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addModel("resnet152", Fixtures.tiny("resnet152"))
                .addScenario("frozen-linear").addScenario("frozen-deit").addSeed(1)
                .optDeitTail(Fixtures.tiny("deit-tail"))
                .optTrainer(TrainerConfig.builder().optEpochs(2).optWarmupEpochs(0).optBatchSize(32).optLearningRate(1e-3).build());
        for (SynthMed.Entry e : tasks) {
            if (e.name().equals("ddsm") || e.name().equals("chexpert")) b.addDataset(new DatasetSpec(e.name(), e.format(), e.path(), DatasetOptions.defaults()));
        }
        return b;
    }

    @Test
    void matrixRunsResumesAndIsolatesFailures(@TempDir Path out) throws Exception {
        // A model whose files exist (the plan accepts it) but whose ONNX is corrupt: its cells fail, the others run.
        Path broken = Files.createDirectories(out.resolve("broken")).resolve("model.onnx");
        Files.write(broken, new byte[]{1, 2, 3, 4});
        Files.copy(Sidecar.besides(Fixtures.tiny("deit-b16")), Sidecar.besides(broken));
        BenchmarkPlan p = plan(out).addModel("broken", broken).build();
        List<String> log = new ArrayList<>();
        List<CellResult> results = new BenchmarkRunner(new InProcessExecutor(), log::add).run(p);

        assertEquals(12, results.size());
        for (CellResult r : results) {
            assertTrue(Files.isRegularFile(CellResults.fileFor(p.cellsDir(), r.key())));
            if (r.key().model().equals("broken")) {
                assertFalse(r.isDone());
                assertTrue(r.error().contains("broken/model.onnx"), r.error());
                continue;
            }
            assertTrue(r.isDone(), r.key().describe() + ": " + r.error());
            assertEquals(2, r.history().size());
            assertTrue(Double.isFinite(r.primaryTestMetric()), r.toString());
            assertNotNull(r.provenance().modelSha256());
            assertNotNull(r.provenance().datasetHash());
            assertTrue(r.provenance().randomWeights(), "tiny fixtures are random by design: " + r.provenance().modelWeights());
            assertEquals(r.key().scenario().endsWith("deit"), r.provenance().deitTailSha256() != null);
            assertTrue(r.trainableParameters() > 0);
        }
        CellResult chex = results.stream().filter(r -> r.isDone() && r.key().dataset().equals("chexpert")).findFirst().orElseThrow();
        assertEquals("mean_roc_auc", chex.task().metric());
        assertEquals("multi_label", chex.task().type());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[1/12] deit-b16 × ddsm × frozen-linear seed 1")), log.toString());

        // The study's protocol (the default): frozen cells see augmented images, so none used the feature cache.
        for (CellResult r : results) {
            if (!r.isDone()) continue;
            assertEquals("study", r.protocol());
            if (r.key().dataset().equals("chexpert")) assertEquals("study_sorted_paths", r.provenance().config().get("split"));
            assertTrue(r.provenance().config().get("augmentation").toString().endsWith(":view"), r.provenance().config().toString());
            assertTrue(r.provenance().config().get("preprocessing").toString().startsWith("pp1:sq"), r.provenance().config().toString());
            assertFalse(r.timings().featureCacheHit());
            assertEquals(0, r.timings().featureMillis());
        }

        // Rerun: finished cells are skipped, only the failed ones run again.
        List<String> log2 = new ArrayList<>();
        List<CellResult> again = new BenchmarkRunner(new InProcessExecutor(), log2::add).run(p);
        assertEquals(12, again.size());
        assertTrue(log2.get(0).startsWith("Resuming: 8 of 12"), log2.toString());
        assertEquals(4, log2.stream().filter(l -> l.endsWith(" ...")).count());
    }

    @Test
    void frozenCellsHitTheCacheOnRerun(@TempDir Path out) {
        BenchmarkPlan p = plan(out).optProtocol(Protocol.MODERN).build().filter(Set.of("deit-b16"), Set.of("ddsm"), Set.of("frozen-linear"));
        CellResult first = new BenchmarkRunner(new InProcessExecutor(), s -> { }).run(p).get(0);
        CellResult second = new BenchmarkRunner(new InProcessExecutor(), s -> { }).run(p.withForce(true)).get(0);
        assertFalse(first.timings().featureCacheHit());
        assertTrue(second.timings().featureCacheHit());
        assertEquals(first.testMetrics(), second.testMetrics(), "same seed, same cached features, same result");
        assertEquals("none", first.provenance().config().get("augmentation"));
        assertEquals("modern", first.protocol());

        // The same output directory under the other protocol: refused before anything runs, naming the fix.
        ConfigException e = assertThrows(ConfigException.class, () -> new BenchmarkRunner(new InProcessExecutor(), s -> { })
                .run(plan(out).build().filter(Set.of("deit-b16"), Set.of("ddsm"), Set.of("frozen-linear"))));
        assertTrue(e.getMessage().contains("<protocol>") && e.getMessage().contains("modern") && e.getMessage().contains("outputDirectory"),
                e.getMessage());
    }

    @Test
    void badPlansFailFastWithTheFix(@TempDir Path out) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkPlan.builder(out).addModel("m", Fixtures.tiny("deit-b16")).addScenario("unfrozen-deit")
                        .addDataset(new DatasetSpec("d", "ddsm", out, null)).build());
        assertTrue(e.getMessage().contains("deit-tail"), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> plan(out).build().filter(Set.of("nope"), null, null));
        assertTrue(f.getMessage().contains("nope"), f.getMessage());
    }
}
