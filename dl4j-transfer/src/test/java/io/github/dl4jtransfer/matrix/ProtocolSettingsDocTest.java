package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.Protocol;
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
 * docs/scenarios.md's protocol table has one row per {@link ProtocolSettings} choice, in the record's order, each with
 * the value the record gives under {@code study} and under {@code modern} (the first word of its cell); and
 * docs/configuration.md points at it. A new choice without its row, or a changed value, fails here.
 */
class ProtocolSettingsDocTest {

    @Test
    void everyChoiceIsDocumentedWithBothProtocolsValues() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "scenarios.md"));
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("One row per ProtocolSettings component")) marker = i;
        assertTrue(marker >= 0, "the protocol table's marker comment is missing from docs/scenarios.md");
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (int i = marker + 3; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            String element = cells[1].trim();
            String name = element.substring("`<protocolSettings><".length(), element.length() - 2);
            rows.put(name, new String[]{firstWord(cells[2]), firstWord(cells[3])});
        }
        assertEquals(ProtocolSettings.SETTINGS.names(), new ArrayList<>(rows.keySet()), "documented choices, in the record's order");
        Map<String, Object> study = ProtocolSettings.SETTINGS.values(ProtocolSettings.of(Protocol.STUDY));
        Map<String, Object> modern = ProtocolSettings.SETTINGS.values(ProtocolSettings.of(Protocol.MODERN));
        rows.forEach((name, values) -> {
            assertEquals(String.valueOf(study.get(name)), values[0], "study value of " + name);
            assertEquals(String.valueOf(modern.get(name)), values[1], "modern value of " + name);
        });
        String config = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertTrue(config.contains("`<protocol>`") && config.contains("`<protocolSettings>`"), "docs/configuration.md lacks the protocol elements");
    }

    private static String firstWord(String cell) {
        return cell.trim().split("[ :]")[0].replace("`", "");
    }
}
