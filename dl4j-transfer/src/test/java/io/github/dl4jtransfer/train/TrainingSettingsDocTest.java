package io.github.dl4jtransfer.train;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md documents every training setting, with the record's own default and property: a new
 * {@link TrainerConfig} component without its doc line fails here, and so does a doc line for a setting that is gone.
 */
class TrainingSettingsDocTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void everySettingIsDocumentedWithItsDefaultAndProperty() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("One row per TrainerConfig setting")) marker = i;
        assertTrue(marker >= 0, "the training table's marker comment is missing from " + DOC);
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (int i = marker + 3; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            String element = cells[1].trim();
            rows.put(element.substring(2, element.length() - 2), new String[]{cells[2].trim(), cells[3].trim()});
        }
        assertEquals(TrainerConfig.SETTINGS.names(), new ArrayList<>(rows.keySet()), "documented settings, in the record's order");
        Map<String, Object> defaults = TrainerConfig.SETTINGS.values(TrainerConfig.defaults());
        for (Map.Entry<String, String[]> r : rows.entrySet()) {
            String name = r.getKey();
            assertEquals("`transfer." + name + "`", r.getValue()[0], "property of " + name);
            String documented = r.getValue()[1].split(" ")[0];
            Object actual = defaults.get(name);
            if (actual instanceof Number n) {
                assertEquals(n.doubleValue(), Double.parseDouble(documented), 0.0, "default of " + name);
            } else {
                assertEquals(String.valueOf(actual), documented, "default of " + name);
            }
        }
    }
}
