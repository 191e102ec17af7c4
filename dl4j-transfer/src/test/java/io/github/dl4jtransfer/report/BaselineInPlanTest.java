package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A baseline or poster reference the plan cannot produce fails before any cell runs, not after all of them. */
class BaselineInPlanTest {

    private static BenchmarkPlan plan(Path dir) {
        return BenchmarkPlan.builder(dir.resolve("out")).addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addModel("resnet152", Fixtures.tiny("resnet152")).addDataset("d", "imagefolder", dir)
                .addScenario("frozen-linear").addScenario("unfrozen-linear").build();
    }

    @Test
    void aBaselineNotInThePlanIsAnErrorNamingWhatIs(@TempDir Path dir) {
        BenchmarkPlan p = plan(dir);
        ConfigException e = assertThrows(ConfigException.class, () -> ReportOptions.fromText("dinov2:frozen-linear", null, null).requireIn(p));
        assertEquals("<baseline> / -Dtransfer.baseline", e.element());
        assertTrue(e.getMessage().contains("'dinov2'") && e.getMessage().contains("deit-b16"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ReportOptions.fromText("deit-b16:last2-linear", null, null).requireIn(p));
        assertTrue(e.getMessage().contains("'last2-linear'") && e.getMessage().contains("frozen-linear"), e.getMessage());

        // Filtered out on the command line: the report would not have it either.
        BenchmarkPlan filtered = p.filterByNames("resnet152", null, null);
        assertThrows(ConfigException.class, () -> ReportOptions.fromText("deit-b16", null, null).requireIn(filtered));

        e = assertThrows(ConfigException.class, () -> ReportOptions.fromText(null, "vit:linear", null).requireIn(p));
        assertEquals("<posterReference> / -Dtransfer.posterReference", e.element());
        assertThrows(ConfigException.class, () -> ReportOptions.fromText(null, "deit-b16:frozen-deit", null).requireIn(p));
    }

    @Test
    void referencesInThePlanAndDefaultsPass(@TempDir Path dir) {
        BenchmarkPlan p = plan(dir);
        ReportOptions.defaults().requireIn(p);
        ReportOptions.fromText("deit-b16:frozen-linear", "resnet152:linear", null).requireIn(p);
        ReportOptions.fromText(":unfrozen-linear", ":deit", null).requireIn(p);
        ReportOptions.fromText("resnet152", null, null).requireIn(p.filterByNames("resnet152", null, null));
    }
}
