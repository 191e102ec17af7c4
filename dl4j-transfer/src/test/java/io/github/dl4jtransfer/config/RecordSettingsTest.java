package io.github.dl4jtransfer.config;

import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings read from a record: text parses to the component's type, the record's checks name the element, properties map by name. */
class RecordSettingsTest {

    private static final RecordSettings<TrainerConfig> S = TrainerConfig.SETTINGS;

    @Test
    void everyComponentButTheSeedIsASetting() {
        assertFalse(S.names().contains("seed"));
        assertEquals(TrainerConfig.class.getRecordComponents().length - 1, S.names().size());
        assertTrue(S.names().containsAll(java.util.List.of("learningRate", "epochs", "schedule", "microBatchSize")));
    }

    @Test
    void textParsesToTypedValuesAndApplies() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("epochs", " 7 ");
        raw.put("learningRate", "3e-5");
        raw.put("schedule", "Constant");
        TrainerConfig c = S.apply(TrainerConfig.defaults(), S.parse(raw, "<training>"), "<training>");
        assertEquals(7, c.epochs());
        assertEquals(3e-5, c.learningRate());
        assertEquals(TrainerConfig.Schedule.CONSTANT, c.schedule());
        assertEquals(TrainerConfig.defaults().batchSize(), c.batchSize(), "unset settings keep the base's value");
        assertEquals("constant", S.values(c).get("schedule"), "provenance writes enums as the user types them");
        assertEquals(1L, S.values(c).get("seed"), "provenance keeps the seed too");
    }

    @Test
    void badValuesNameTheElementTheProblemAndTheFix() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> S.apply(TrainerConfig.defaults(), S.parse(Map.of("batchSize", "0"), "<training>"), "<training>"));
        assertEquals("<training><batchSize>", e.element());
        assertEquals("0 must be at least 1", e.problem());
        assertEquals("e.g. 64", e.fix());
        e = assertThrows(ConfigException.class, () -> S.parse(Map.of("epochs", "ten"), "<overrides><override> #2 "));
        assertEquals("<overrides><override> #2 <epochs>: 'ten' is not a whole number; write e.g. <epochs>10</epochs>", e.getMessage());
        e = assertThrows(ConfigException.class, () -> S.parse(Map.of("seed", "3"), "<training>"));
        assertTrue(e.getMessage().startsWith("<training><seed>: is not a setting; use one of [learningRate"), e.getMessage());
    }

    @Test
    void propertiesSetSettingsByName() {
        Properties p = new Properties();
        p.setProperty("transfer.epochs", "3");
        p.setProperty("transfer.models", "a,b"); // not a training setting: ignored here
        assertEquals(Map.of("epochs", "3"), S.fromProperties(p, "transfer."));
    }

    @Test
    void jsonNumbersComeBackAsTheComponentsTypes() {
        Map<String, Object> typed = S.typed(Map.of("epochs", 3.0, "learningRate", 1, "schedule", "cosine"), "");
        assertEquals(3, typed.get("epochs"));
        assertEquals(1.0, typed.get("learningRate"));
        assertEquals(TrainerConfig.Schedule.COSINE, typed.get("schedule"));
    }
}
