package io.github.dl4jtransfer.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The report's options as the Maven goals hand them over: text, unset meaning the report's default. */
class ReportOptionsTest {

    @Test
    void posterOptionsParseFromText() {
        ReportOptions o = ReportOptions.fromText(null, "dino-vitb16:linear", "deit-b16, resnet152");
        assertEquals(new ReportOptions.PosterReference("dino-vitb16", "linear"), o.posterReference());
        assertEquals(List.of("deit-b16", "resnet152"), o.posterBaselines());
        assertEquals(ReportOptions.Baseline.AUTO, o.baseline());
        ReportOptions unset = ReportOptions.fromText(" ", "", null);
        assertEquals(ReportOptions.PosterReference.AUTO, unset.posterReference());
        assertNull(unset.posterBaselines());
    }

    @Test
    void aBaselineIsModelColonScenarioEitherPartOptional() {
        assertEquals(new ReportOptions.Baseline("deit-b16", null), ReportOptions.fromText("deit-b16:", null, null).baseline());
        assertEquals(new ReportOptions.Baseline(null, "unfrozen-linear"), ReportOptions.fromText(":unfrozen-linear", null, null).baseline());
    }
}
