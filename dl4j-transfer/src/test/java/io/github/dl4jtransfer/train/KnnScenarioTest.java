package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code frozen-knn} scenario's name and its two settings, as a POM or an override gives them. */
class KnnScenarioTest {

    @Test
    void frozenKnnParsesAndOnlyFrozen() {
        Scenario s = Scenario.parse(" Frozen-KNN ");
        assertEquals(Scenario.FROZEN_KNN, s);
        assertEquals(HeadKind.KNN, s.head());
        assertTrue(s.cacheable());
        assertFalse(s.trains());
        assertTrue(Scenario.FROZEN_LINEAR.trains());
        for (String bad : new String[]{"unfrozen-knn", "last2-knn"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.parse(bad));
            assertTrue(e.getMessage().contains("frozen features only") && e.getMessage().contains("frozen-knn"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Scenario.parse("frozen-knm")).getMessage().contains("frozen-knn"));
    }

    @Test
    void knnSettingsAreTrainingSettingsWithChecks() {
        TrainerConfig d = TrainerConfig.defaults();
        assertEquals(11, d.knnK());
        assertEquals(0.0, d.knnTemperature());
        TrainerConfig c = TrainerConfig.SETTINGS.apply(d, TrainerConfig.SETTINGS.parse(Map.of("knnK", "20", "knnTemperature", "0.07"), ""), "");
        assertEquals(20, c.knnK());
        assertEquals(0.07, c.knnTemperature());
        ConfigException k = assertThrows(ConfigException.class, () -> d.toBuilder().optKnnK(0).build());
        assertTrue(k.getMessage().contains("<knnK>"), k.getMessage());
        ConfigException t = assertThrows(ConfigException.class, () -> d.toBuilder().optKnnTemperature(-1).build());
        assertTrue(t.getMessage().contains("<knnTemperature>"), t.getMessage());
    }
}
