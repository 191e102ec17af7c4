package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.data.SplitStrategy;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.data.image.ChannelStats;
import io.github.dl4jtransfer.data.image.GrayscaleInput;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.image.ResizeMode;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.eval.UndefinedLabelAuc;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.model.BackboneLoader;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.Scenario;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code <protocol>} resolves to per cell, and that each single choice can be changed on its own. */
class ProtocolTest {

    @TempDir
    static Path synth;
    static List<SynthMed.Entry> tasks;

    @BeforeAll
    static void generate() {
        tasks = SynthMed.generate(synth.resolve("synthmed"));
    }

    private static BenchmarkPlan.Builder plan(Path out) {
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(out).addModel("deit", Fixtures.tiny("deit-b16")).addScenario("frozen-linear")
                .addScenario("unfrozen-linear");
        for (SynthMed.Entry e : tasks) b.addDataset(e.name(), e.format(), e.path());
        return b;
    }

    private static CellKey cell(String dataset) {
        return new CellKey("deit", dataset, "frozen-linear", 1);
    }

    private static SynthMed.Entry task(String format) {
        return tasks.stream().filter(e -> e.format().equals(format)).findFirst().orElseThrow();
    }

    @Test
    void theStudyIsTheDefault(@TempDir Path out) {
        BenchmarkPlan p = plan(out).build();
        assertEquals(Protocol.STUDY, p.protocol());
        assertEquals(ProtocolSettings.of(Protocol.STUDY), p.protocolSettings());
    }

    /** Point 9: a linear warm-up then a constant rate; warm-up 5 epochs (APTOS, DDSM) or 1000 iterations (ISIC, CheXpert). */
    @Test
    void studyScheduleIsConstantWithThePerDatasetWarmUp(@TempDir Path out) {
        BenchmarkPlan study = plan(out).build();
        for (SynthMed.Entry e : tasks) {
            TrainerConfig c = study.trainerFor(cell(e.name()));
            assertEquals(TrainerConfig.Schedule.CONSTANT, c.schedule(), e.format());
            assertEquals(1e-8, c.warmupStartLearningRate(), e.format());
            assertTrue(c.warmupOvershoot(), e.format());
            switch (e.format()) {
                case "aptos2019", "ddsm" -> {
                    assertEquals(5 * 7, c.warmupSteps(7), e.format());
                    assertEquals(5 * 400, c.warmupSteps(400), "five epochs, however long: " + e.format());
                }
                case "isic2019", "chexpert" -> {
                    assertEquals(1000, c.warmupSteps(7), e.format());
                    assertEquals(1000, c.warmupSteps(400), e.format());
                }
                default -> assertEquals(1, c.warmupSteps(7), "the study's scheduler falls back to one iteration: " + e.format());
            }
        }
        BenchmarkPlan modern = plan(out).optProtocol("modern").build();
        for (SynthMed.Entry e : tasks) {
            TrainerConfig c = modern.trainerFor(cell(e.name()));
            assertEquals(TrainerConfig.Schedule.COSINE, c.schedule());
            assertEquals(Math.min(5 * 7, 1000), c.warmupSteps(7));
        }
    }

    @Test
    void aSettingTheUserGaveWinsOverTheProtocol(@TempDir Path out) {
        BenchmarkPlan p = plan(out).optTraining(Map.of("schedule", "cosine", "warmupEpochs", "2")).build();
        TrainerConfig c = p.trainerFor(cell(task("aptos2019").name()));
        assertEquals(TrainerConfig.Schedule.COSINE, c.schedule());
        assertEquals(2, c.warmupEpochs());
        // A typed trainer counts where it differs from the defaults.
        BenchmarkPlan q = plan(out).optTrainer(TrainerConfig.builder().optWarmupEpochs(1).build()).build();
        assertEquals(1, q.trainerFor(cell(task("aptos2019").name())).warmupEpochs());
        // One warm-up length setting given: the protocol sets no other (ISIC's 1000 iterations would win over it).
        assertEquals(7, q.trainerFor(cell(task("isic2019").name())).warmupSteps(7));
        assertEquals(TrainerConfig.Schedule.CONSTANT, q.trainerFor(cell(task("aptos2019").name())).schedule());
    }

    /** Point 13: the study's CheXpert labels set "No Finding" on rows with no positive; a dataset's own option wins. */
    @Test
    void studyLabelsCheXpertNoFindingUnlessTheDatasetSaysOtherwise(@TempDir Path out) {
        SynthMed.Entry chex = task("chexpert");
        assertTrue(plan(out).build().dataset(chex.name()).options().noFindingWhenAllZero());
        assertFalse(plan(out).optProtocol(Protocol.MODERN).build().dataset(chex.name()).options().noFindingWhenAllZero());
        BenchmarkPlan.Builder own = BenchmarkPlan.builder(out).addModel("deit", Fixtures.tiny("deit-b16")).addScenario("frozen-linear")
                .addDataset("x", chex.format(), chex.path(), Map.of("noFindingWhenAllZero", "false"));
        assertFalse(own.build().dataset("x").options().noFindingWhenAllZero());
    }

    /** Point 14: the study's cut (row shuffle with Python's seed 42, CheXpert sorted by path); ours is group-aware. */
    @Test
    void splitsFollowTheProtocolAndCanBeChangedAlone(@TempDir Path out) {
        Dataset aptos = Datasets.read(task("aptos2019").format(), task("aptos2019").path(), plan(out).build().datasets().stream()
                .filter(d -> d.format().equals("aptos2019")).findFirst().orElseThrow().options());
        assertEquals(SplitStrategy.STUDY_SHUFFLE, CellRecipe.splitSpec(ProtocolSettings.of(Protocol.STUDY), aptos).strategy());
        assertEquals(SplitStrategy.STRATIFIED_GROUPS, CellRecipe.splitSpec(ProtocolSettings.of(Protocol.MODERN), aptos).strategy());
        BenchmarkPlan mixed = plan(out).optProtocolSettings(Map.of("splits", "modern")).build();
        assertEquals(Protocol.MODERN, mixed.protocolSettings().splits());
        assertEquals(Protocol.STUDY, mixed.protocolSettings().preprocessing());
        assertEquals(SplitStrategy.STRATIFIED_GROUPS, CellRecipe.splitSpec(mixed.protocolSettings(), aptos).strategy());
    }

    /** Points 6, 7, 10: the dataset's mean/std and the squash view; frozen cells augmented (so uncached) under the study. */
    @Test
    void studyRecipeNormalisesWithTheDatasetAndAugmentsFrozenCells(@TempDir Path out) {
        SynthMed.Entry e = task("aptos2019");
        Dataset aptos = Datasets.read(e.format(), e.path(), plan(out).build().dataset(e.name()).options());
        DatasetSplit split = DatasetSplit.of(aptos, CellRecipe.splitSpec(ProtocolSettings.of(Protocol.STUDY), aptos));
        Backbone deit = BackboneLoader.load(Fixtures.tiny("deit-b16"));

        CellRecipe study = CellRecipe.of(ProtocolSettings.of(Protocol.STUDY), Scenario.FROZEN_LINEAR, split, deit, DatasetOptions.defaults());
        assertEquals(ResizeMode.SQUASH, study.preprocessing().resizeMode());
        assertEquals(ChannelStats.study("aptos2019").orElseThrow().broadcast(3), study.preprocessing().stats());
        assertEquals(deit.preprocessing().height(), study.preprocessing().height());
        assertTrue(study.augmentation().isPresent(), "the study's frozen cells see augmented images");

        CellRecipe modern = CellRecipe.of(ProtocolSettings.of(Protocol.MODERN), Scenario.FROZEN_LINEAR, split, deit, DatasetOptions.defaults());
        assertEquals(deit.preprocessing(), modern.preprocessing());
        assertTrue(modern.augmentation().isEmpty(), "modern frozen cells train on un-augmented (cacheable) images");
        assertTrue(CellRecipe.of(ProtocolSettings.of(Protocol.MODERN), Scenario.UNFROZEN_LINEAR, split, deit, DatasetOptions.defaults()).augmentation().isPresent());
    }

    /** Point 13: an undefined label AUC counts 0.5 under the study. */
    @Test
    void undefinedLabelAucFollowsTheProtocol() {
        assertEquals(UndefinedLabelAuc.HALF, ProtocolSettings.of(Protocol.STUDY).undefinedLabelAuc());
        assertEquals(UndefinedLabelAuc.SKIP, ProtocolSettings.of(Protocol.MODERN).undefinedLabelAuc());
    }

    @Test
    void badProtocolValuesNameTheElementAndTheFix(@TempDir Path out) {
        ConfigException e = assertThrows(ConfigException.class, () -> plan(out).optProtocol("studdy").build());
        assertTrue(e.getMessage().contains("<protocol>") && e.getMessage().contains("use study") && e.getMessage().contains("modern"), e.getMessage());
        ConfigException f = assertThrows(ConfigException.class, () -> plan(out).optProtocolSettings(Map.of("splits", "ours")).build());
        assertTrue(f.getMessage().contains("<protocolSettings><splits>"), f.getMessage());
        ConfigException g = assertThrows(ConfigException.class, () -> plan(out).optProtocolSettings(Map.of("spilts", "modern")).build());
        assertTrue(g.getMessage().contains("spilts"), g.getMessage());
    }

    /** Point 16: another study's split file, named by the dataset, replaces the protocol's split. */
    @Test
    void aSplitFileReplacesTheProtocolsSplit(@TempDir Path out) throws Exception {
        SynthMed.Entry e = task("aptos2019");
        Dataset aptos = Datasets.read(e.format(), e.path(), DatasetOptions.defaults());
        StringBuilder csv = new StringBuilder("id,split\n");
        List<String> ids = aptos.samples().stream().map(s -> s.id()).toList();
        for (int i = 0; i < ids.size(); i++) csv.append(ids.get(i)).append(',').append(i % 5 == 0 ? "test" : i % 5 == 1 ? "val" : "train").append('\n');
        Files.writeString(out.resolve("their-split.csv"), csv);
        BenchmarkPlan p = BenchmarkPlan.builder(out).addModel("deit", Fixtures.tiny("deit-b16")).addScenario("frozen-linear")
                .addDataset("a", e.format(), e.path(), Map.of("splitFile", out.resolve("their-split.csv").toString())).build();
        DatasetSplit split = CellRecipe.split(p.protocolSettings(), p.dataset("a"), aptos, out.resolve("splits/a.json"));
        assertEquals(SplitStrategy.FILE, split.spec().strategy());
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(i % 5 == 0 ? Split.TEST : i % 5 == 1 ? Split.VAL : Split.TRAIN, split.splitOf(ids.get(i)), ids.get(i));
        }
        ConfigException missing = assertThrows(ConfigException.class, () -> BenchmarkPlan.builder(out).addModel("deit", Fixtures.tiny("deit-b16"))
                .addScenario("frozen-linear").addDataset("a", e.format(), e.path(), Map.of("splitFile", "nope.csv")).build());
        assertTrue(missing.getMessage().contains("<splitFile>") && missing.getMessage().contains("nope.csv"), missing.getMessage());
    }

    /** Point 6: a dataset's own mean/std, when given, normalise under the study's preprocessing. */
    @Test
    void aDatasetsOwnStatisticsWin(@TempDir Path out) {
        SynthMed.Entry e = task("aptos2019");
        Dataset aptos = Datasets.read(e.format(), e.path(), DatasetOptions.defaults());
        DatasetSplit split = DatasetSplit.of(aptos);
        DatasetOptions own = DatasetOptions.builder().optStats("0.1,0.2,0.3", "0.5,0.6,0.7").build();
        CellRecipe r = CellRecipe.of(ProtocolSettings.of(Protocol.STUDY), Scenario.UNFROZEN_LINEAR, split,
                BackboneLoader.load(Fixtures.tiny("deit-b16")), own);
        assertEquals(new ChannelStats(new double[]{0.1, 0.2, 0.3}, new double[]{0.5, 0.6, 0.7}), r.preprocessing().stats());
        ConfigException half = assertThrows(ConfigException.class, () -> DatasetOptions.builder().optStats("0.1", null).build());
        assertTrue(half.getMessage().startsWith("<std>: is missing while <mean> is set"), half.getMessage());
    }

    /** Point 8: gray datasets enter as the study's one channel (R = luminance, G = B = 0) under the study. */
    @Test
    void grayDatasetsGetOneInputChannelUnderTheStudy(@TempDir Path out) {
        SynthMed.Entry e = task("chexpert");
        Dataset chex = Datasets.read(e.format(), e.path(), DatasetOptions.defaults());
        DatasetSplit split = DatasetSplit.of(chex);
        Backbone deit = BackboneLoader.load(Fixtures.tiny("deit-b16"));
        Preprocessing study = CellRecipe.of(ProtocolSettings.of(Protocol.STUDY), Scenario.UNFROZEN_LINEAR, split, deit,
                DatasetOptions.defaults()).preprocessing();
        assertEquals(GrayscaleInput.R_CHANNEL, study.grayscaleInput());
        assertEquals(ChannelStats.study("chexpert").orElseThrow(), study.stats());
        assertEquals(GrayscaleInput.REPLICATE, CellRecipe.of(ProtocolSettings.of(Protocol.MODERN), Scenario.UNFROZEN_LINEAR, split, deit,
                DatasetOptions.defaults()).preprocessing().grayscaleInput());
        // A colour dataset is never cut to one channel.
        SynthMed.Entry a = task("aptos2019");
        Dataset aptos = Datasets.read(a.format(), a.path(), DatasetOptions.defaults());
        assertEquals(GrayscaleInput.REPLICATE, CellRecipe.of(ProtocolSettings.of(Protocol.STUDY), Scenario.UNFROZEN_LINEAR,
                DatasetSplit.of(aptos), deit, DatasetOptions.defaults()).preprocessing().grayscaleInput());
    }

    /**
     * Points 1, 8, 11 and 12 end to end: a study cell reads SAM's study taps; SEEM on a gray task runs its 1-channel
     * export and trains with drop-path 0.3; unfrozen ResNet trains its BatchNorm on batch statistics.
     */
    @Test
    void studyCellsReadTheStudysTapsAndSeemsOneChannelStem(@TempDir Path out) {
        SynthMed.Entry chex = task("chexpert");
        for (Protocol protocol : Protocol.values()) {
            BenchmarkPlan p = BenchmarkPlan.builder(out.resolve(protocol.id())).addModel("sam", Fixtures.tiny("sam-vitb"))
                    .addModel("seem", Fixtures.tiny("seem-focalnet-t")).addModel("resnet", Fixtures.tiny("resnet152"))
                    .addScenario("unfrozen-linear").addSeed(1)
                    .addDataset("chex", chex.format(), chex.path()).optProtocol(protocol)
                    .optTrainer(TrainerConfig.builder().optEpochs(1).optBatchSize(32).build()).build();
            List<CellResult> results = new BenchmarkRunner(new InProcessExecutor(), line -> { }).run(p);
            CellResult sam = results.get(0), seem = results.get(1), resnet = results.get(2);
            assertTrue(sam.isDone() && seem.isDone() && resnet.isDone(), sam.error() + " / " + seem.error() + " / " + resnet.error());
            boolean study = protocol == Protocol.STUDY;
            assertEquals(study ? 0.3 : 0.0, ((Map<?, ?>) seem.provenance().config().get("trainingForward")).get("dropPathRate"));
            assertEquals(study, ((Map<?, ?>) resnet.provenance().config().get("trainingForward")).get("batchNormTraining"));
            Map<?, ?> samTaps = (Map<?, ?>) sam.provenance().config().get("featureOutputs");
            assertEquals(protocol == Protocol.STUDY ? "study_features" : "features", samTaps.get("features"));
            String seemPrep = seem.provenance().config().get("preprocessing").toString();
            if (protocol == Protocol.STUDY) {
                assertEquals(BackboneLoader.loadGrayscale(Fixtures.tiny("seem-focalnet-t")).sha256(), seem.provenance().modelSha256());
                assertTrue(seemPrep.contains(":c1x") && seemPrep.endsWith(":gr"), seemPrep);
            } else {
                assertEquals(BackboneLoader.load(Fixtures.tiny("seem-focalnet-t")).sha256(), seem.provenance().modelSha256());
                assertTrue(seemPrep.contains(":c3x") && !seemPrep.endsWith(":gr"), seemPrep);
            }
        }
    }
}
