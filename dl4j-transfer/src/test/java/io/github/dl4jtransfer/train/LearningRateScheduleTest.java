package io.github.dl4jtransfer.train;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The learning rate per step: linear warm-up, then cosine decay to the configured floor (timm's min_lr), or constant. */
class LearningRateScheduleTest {

    @Test
    void cosineDecaysFromThePeakToTheFloorAfterWarmUp() {
        TrainerConfig c = TrainerConfig.builder().optLearningRate(1e-3).optEpochs(10).optWarmupEpochs(2).optMinLearningRate(1e-5).build();
        LearningRateSchedule s = LearningRateSchedule.of(c, c.learningRate(), 10); // 20 warm-up steps of 100
        assertEquals(1e-3 / 20, s.at(0), 1e-15);
        assertEquals(1e-3, s.at(19), 1e-15);
        assertEquals(1e-3, s.at(20), 1e-15, "decay starts at the peak");
        assertEquals(1e-5 + (1e-3 - 1e-5) / 2, s.at(60), 1e-12, "half way down at half the decay steps");
        assertEquals(1e-5, s.at(100), 1e-15, "ends on the floor, not at zero");
        assertEquals(1e-5, s.at(500), 1e-15, "and stays there");
    }

    @Test
    void withoutAFloorCosineEndsAtZeroAsBefore() {
        TrainerConfig c = TrainerConfig.builder().optLearningRate(1e-3).optEpochs(4).optWarmupEpochs(0).build();
        LearningRateSchedule s = LearningRateSchedule.of(c, c.learningRate(), 5);
        assertEquals(0.0, s.at(20), 1e-18);
        assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.at(5), 0.0, "the same expression as without the setting");
    }

    @Test
    void aGridRateBelowTheFloorStaysConstant() {
        TrainerConfig c = TrainerConfig.builder().optEpochs(4).optWarmupEpochs(0).optMinLearningRate(1e-3).build();
        LearningRateSchedule s = LearningRateSchedule.of(c, 1e-4, 5);
        assertEquals(1e-4, s.at(0), 0.0);
        assertEquals(1e-4, s.at(19), 0.0);
    }

    @Test
    void theFloorIsASettingLikeAnyOther() {
        TrainerConfig c = TrainerConfig.SETTINGS.apply(TrainerConfig.defaults(),
                TrainerConfig.SETTINGS.parse(Map.of("minLearningRate", "1e-6"), "<training>"), "<training>");
        assertEquals(1e-6, c.minLearningRate());
        assertEquals("<training><minLearningRate>: -1.0 must be >= 0; e.g. 1e-6; 0 decays to zero",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrainerConfig.SETTINGS.apply(
                        TrainerConfig.defaults(), Map.of("minLearningRate", -1.0), "<training>")).getMessage());
    }
}
