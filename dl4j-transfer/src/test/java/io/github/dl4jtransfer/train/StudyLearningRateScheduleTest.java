package io.github.dl4jtransfer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study's warm-up, rate for rate: the fixture is the study's LinearWarmup/MixedLRScheduler logic run on torch's
 * scheduler base class ({@code tools/reference/make_lr_schedule_fixtures.py}), read where the optimiser reads it.
 */
class StudyLearningRateScheduleTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode cases() throws IOException {
        return JSON.readTree(Fixtures.ROOT.resolve("lr_schedule/study_warmup.json").toFile()).get("cases");
    }

    /** The study's settings for one fixture case. */
    static TrainerConfig studyConfig(JsonNode c) {
        TrainerConfig.Builder b = TrainerConfig.builder().optLearningRate(c.get("max_lr").asDouble()).optEpochs(100)
                .optWarmupStartLearningRate(c.get("eta_min").asDouble()).optWarmupOvershoot(true)
                .optSchedule(TrainerConfig.Schedule.CONSTANT);
        int epochs = c.get("warmup_epochs").asInt(), iters = c.get("warmup_iters").asInt();
        if (epochs > 0) b.optWarmupEpochs(epochs).optWarmupIterations(0).optWarmupIterationsCap(0);
        else b.optWarmupEpochs(0).optWarmupIterations(iters > 0 ? iters : 1); // neither: the study's W = 1
        return b.build();
    }

    static double[] rates(JsonNode c) {
        JsonNode r = c.get("rates");
        double[] out = new double[r.size()];
        for (int i = 0; i < out.length; i++) out[i] = r.get(i).asDouble();
        return out;
    }

    /** Index of the first step where {@code s} differs from the study's rates, or -1. */
    static int firstDifference(LearningRateSchedule s, double[] expected) {
        for (int i = 0; i < expected.length; i++) if (s.at(i) != expected[i]) return i;
        return -1;
    }

    @TestFactory
    List<DynamicTest> theStudysSettingsReproduceItsRatesBitForBit() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.get("key").asText(), () -> {
                int stepsPerEpoch = c.get("steps_per_epoch").asInt();
                TrainerConfig config = studyConfig(c);
                assertEquals(c.get("warmup_steps").asInt(), config.warmupSteps(stepsPerEpoch), "warm-up length");
                LearningRateSchedule s = LearningRateSchedule.of(config, config.learningRate(), stepsPerEpoch);
                double[] expected = rates(c);
                int at = firstDifference(s, expected);
                assertEquals(-1, at, () -> "step " + at + ": ours " + s.at(at) + ", the study's " + expected[at]);
            }));
        }
        assertEquals(4, tests.size());
        return tests;
    }

    @Test
    void theStudysRatesFromItsDatasetNames() throws IOException {
        for (JsonNode c : cases()) {
            String key = c.get("key").asText();
            String dataset = key.startsWith("epochs") ? "APTOS2019" : key.startsWith("iterations") ? "CheXpert" : "camelyon";
            TrainerConfig config = TrainerConfig.defaults().toBuilder().optLearningRate(c.get("max_lr").asDouble()).build()
                    .withStudyWarmup(dataset);
            LearningRateSchedule s = LearningRateSchedule.of(config, config.learningRate(), c.get("steps_per_epoch").asInt());
            assertEquals(-1, firstDifference(s, rates(c)), key + " via withStudyWarmup(" + dataset + ")");
        }
        assertEquals(1000, TrainerConfig.defaults().withStudyWarmup("isic-2019").warmupSteps(5000));
        assertEquals(5 * 5000, TrainerConfig.defaults().withStudyWarmup("DDSM").warmupSteps(5000), "the study does not cap");
    }

    @Test
    void theStudysShapeIsVisibleInTheFixture() throws IOException {
        JsonNode c = cases().get(0); // 5 epochs x 7 steps, peak 1e-4
        double[] r = rates(c);
        int w = c.get("warmup_steps").asInt();
        double peak = c.get("max_lr").asDouble(), start = c.get("eta_min").asDouble();
        assertEquals(start + (peak - start) / w, r[0], 1e-20, "the first step already takes one increment");
        assertEquals(peak, r[w - 1], 1e-18, "step W reaches the peak");
        assertEquals(peak + (peak - start) / w, r[w], 1e-18, "step W + 1 overshoots by one increment");
        for (int i = w; i < r.length; i++) assertEquals(r[w], r[i], 0.0, "then constant");
    }

    @Test
    void todaysSchedulesDoNotGiveTheStudysRates() throws IOException {
        for (JsonNode c : cases()) {
            double[] expected = rates(c);
            int stepsPerEpoch = c.get("steps_per_epoch").asInt();
            TrainerConfig study = studyConfig(c);
            // The defaults (modern: cosine after a warm-up from zero, capped), and the study's length without its arithmetic.
            TrainerConfig modern = TrainerConfig.defaults().toBuilder().optLearningRate(study.learningRate()).optEpochs(100).build();
            TrainerConfig noOvershoot = study.toBuilder().optWarmupOvershoot(false).build();
            TrainerConfig fromZero = study.toBuilder().optWarmupStartLearningRate(0).build();
            for (TrainerConfig other : List.of(modern, noOvershoot, fromZero)) {
                LearningRateSchedule s = LearningRateSchedule.of(other, other.learningRate(), stepsPerEpoch);
                assertTrue(firstDifference(s, expected) >= 0, c.get("key").asText() + ": " + s + " must not match the study");
            }
        }
    }

    @Test
    void defaultsKeepTodaysSchedule() {
        TrainerConfig c = TrainerConfig.defaults();
        assertEquals(0, c.warmupIterations());
        assertEquals(0.0, c.warmupStartLearningRate());
        assertEquals(false, c.warmupOvershoot());
        assertEquals(1000, c.warmupSteps(10_000), "epochs capped as before");
        assertEquals(50, c.warmupSteps(10));
        LearningRateSchedule s = LearningRateSchedule.of(c, 1e-4, 10);
        for (int step = 0; step < 50; step++) assertEquals(1e-4 * (step + 1) / 50, s.at(step), 0.0);
        assertEquals(1e-4, s.at(50), 0.0, "cosine starts at the peak, no overshoot");
        assertNotEquals(s.at(50), s.at(51));
    }

    @Test
    void theNewSettingsAreSettingsLikeAnyOther() {
        TrainerConfig c = TrainerConfig.SETTINGS.apply(TrainerConfig.defaults(), TrainerConfig.SETTINGS.parse(Map.of(
                "warmupIterations", "1000", "warmupStartLearningRate", "1e-8", "warmupOvershoot", "true"), "<training>"), "<training>");
        assertEquals(1000, c.warmupIterations());
        assertEquals(1e-8, c.warmupStartLearningRate());
        assertTrue(c.warmupOvershoot());
        Map<String, Object> recorded = TrainerConfig.SETTINGS.values(c);
        assertEquals(1000, recorded.get("warmupIterations"));
        assertEquals(true, recorded.get("warmupOvershoot"));
        assertEquals("<training><warmupStartLearningRate>: -1.0 must be >= 0; e.g. 1e-8; 0 climbs from zero",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrainerConfig.SETTINGS.apply(
                        TrainerConfig.defaults(), Map.of("warmupStartLearningRate", -1.0), "<training>")).getMessage());
    }
}
