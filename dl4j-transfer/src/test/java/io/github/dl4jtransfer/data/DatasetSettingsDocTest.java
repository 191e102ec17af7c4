package io.github.dl4jtransfer.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every reader option ({@link DatasetOptions}' components) is documented as a {@code <dataset>} child in
 * docs/configuration.md and parses from the POM's text: a new option without its doc line fails here.
 */
class DatasetSettingsDocTest {

    @Test
    void everyReaderOptionIsADocumentedDatasetElement() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (String name : DatasetOptions.SETTINGS.names()) {
            assertTrue(doc.contains("| `<dataset><" + name + ">` |"), "docs/configuration.md lacks a row for <dataset><" + name + ">");
        }
    }

    @Test
    void optionsParseFromTextAsTheRecordTypesThem() {
        DatasetOptions o = DatasetOptions.SETTINGS.apply(DatasetOptions.defaults(), DatasetOptions.SETTINGS.parse(Map.of(
                "skipBadImages", "true", "uncertainty", "u-ones", "metric", "ROC_AUC_OVR", "taskName", " grades "), "<datasets><dataset>"),
                "<datasets><dataset>");
        assertTrue(o.skipBadImages());
        assertEquals(UncertaintyPolicy.U_ONES, o.uncertainty());
        assertEquals("roc_auc_ovr", o.metric(), "the record stores the metric's canonical name");
        assertEquals("grades", o.taskName());
        assertEquals(List.of("skipBadImages", "verifyImages", "uncertainty", "blankAsUncertain", "hashImageBytes", "metric", "taskName",
                "noFindingWhenAllZero", "splitFile", "mean", "std"), DatasetOptions.SETTINGS.names());
    }
}
