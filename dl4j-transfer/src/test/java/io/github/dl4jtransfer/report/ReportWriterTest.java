package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.dl4jtransfer.report.ReportFixtures.APTOS;
import static io.github.dl4jtransfer.report.ReportFixtures.DEIT;
import static io.github.dl4jtransfer.report.ReportFixtures.DINO;
import static io.github.dl4jtransfer.report.ReportFixtures.FL;
import static io.github.dl4jtransfer.report.ReportFixtures.ISIC;
import static io.github.dl4jtransfer.report.ReportFixtures.TEST;
import static io.github.dl4jtransfer.report.ReportFixtures.UL;
import static io.github.dl4jtransfer.report.ReportFixtures.mean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {

    private static final ReportOptions DEIT_BASELINE = ReportOptions.builder().title("Study replication")
            .baseline(DEIT, FL).build();

    @TempDir
    Path out;

    /** (m − b) / |b| × 100 with the fixture's seed means, averaged over the two datasets. */
    private static double expectedGain(String model, String scenario) {
        double aptos = gain(TEST.get(model + "|" + APTOS + "|" + scenario), TEST.get(DEIT + "|" + APTOS + "|" + FL));
        double isic = gain(TEST.get(model + "|" + ISIC + "|" + scenario), TEST.get(DEIT + "|" + ISIC + "|" + FL));
        return (aptos + isic) / 2;
    }

    private static double gain(double[] cell, double[] base) {
        return (mean(cell) - mean(base)) / Math.abs(mean(base)) * 100;
    }

    @Test
    void relativeGainsMatchTheHandComputedValues() {
        Aggregates a = Aggregates.compute(ReportFixtures.matrix(), DEIT_BASELINE);
        // By hand: aptos means 0.82/0.76/0.79/0.71, isic 0.71/0.66/0.61/0.55 (dinov2 ul/fl, deit ul/fl).
        // dinov2 ul: (0.11/0.71 + 0.16/0.55) / 2 × 100 = (15.4930 + 29.0909) / 2 = 22.2920
        assertEquals(22.2920, expectedGain(DINO, UL), 1e-4, "fixture arithmetic");
        assertEquals(22.2920, gainOf(a, DINO, UL).meanGainPercent(), 1e-4);
        // dinov2 fl: (0.05/0.71 + 0.11/0.55) / 2 × 100 = (7.0423 + 20.0) / 2 = 13.5211
        assertEquals(13.5211, gainOf(a, DINO, FL).meanGainPercent(), 1e-4);
        // deit ul: (0.08/0.71 + 0.06/0.55) / 2 × 100 = (11.2676 + 10.9091) / 2 = 11.0883
        assertEquals(11.0883, gainOf(a, DEIT, UL).meanGainPercent(), 1e-4);
        assertEquals(expectedGain(DEIT, UL), gainOf(a, DEIT, UL).meanGainPercent(), 1e-9);
        assertEquals(29.0909, gainOf(a, DINO, UL).gainByDataset().get(ISIC), 1e-4,
                "the failed third seed must not enter the isic mean");

        Aggregates.RelativeGain base = gainOf(a, DEIT, FL);
        assertTrue(base.isBaseline());
        assertEquals(0.0, base.meanGainPercent(), 0.0);
        assertEquals(2, base.datasets());

        List<String> order = a.gains().stream().map(g -> g.model() + "|" + g.scenario()).toList();
        assertEquals(List.of(DINO + "|" + UL, DINO + "|" + FL, DEIT + "|" + UL, DEIT + "|" + FL), order, "sorted best first");
        assertEquals("DINOv2 ViT-B/14 · unfrozen + linear", a.gains().get(0).label());
    }

    @Test
    void seedStatisticsPerGroupLeaveFailedCellsOut() {
        Aggregates a = Aggregates.compute(ReportFixtures.matrix(), DEIT_BASELINE);
        Aggregates.GroupSummary g = a.groups().stream()
                .filter(x -> x.model().equals(DINO) && x.dataset().equals(ISIC) && x.scenario().equals(UL)).findFirst().orElseThrow();
        assertEquals(2, g.done());
        assertEquals(1, g.failed());
        assertEquals(0.71, g.primary().mean(), 1e-12);
        assertEquals(Math.sqrt(2 * 0.01 * 0.01), g.primary().std(), 1e-12);
        assertEquals("balanced_accuracy", g.metric());
        assertEquals(List.of("balanced_accuracy", "accuracy", "macro_f1"), List.copyOf(g.testMetrics().keySet()),
                "headline metric first");
        // Fixture: 5 epochs, best = 4 - seed % 2 → seed 1: epoch 3, seed 2: epoch 4 (0-based) → 4 and 5.
        assertEquals(List.of(4, 5), g.bestEpochs());
        assertEquals(4.5, g.epochsToBest().mean(), 1e-12);
        assertEquals(5, g.meanValCurve().size());
    }

    @Test
    void writesEveryFileAndTheHtmlIsSelfContained() throws IOException {
        List<CellResult> cells = ReportFixtures.matrix();
        List<Path> written = ReportWriter.write(cells, out, DEIT_BASELINE);
        for (String f : List.of(ReportWriter.HTML, ReportWriter.MARKDOWN, ReportWriter.CSV, ReportWriter.JSON, ReportWriter.GAIN_SVG,
                ReportWriter.POSTER_SVG)) {
            Path p = out.resolve(f);
            assertTrue(Files.size(p) > 0, f + " written");
            assertTrue(written.contains(p), f + " returned");
        }

        String html = Files.readString(out.resolve(ReportWriter.HTML));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<style>"), "inline CSS");
        // The study's chart, inline, with the poster-style bar labels.
        int chart = html.indexOf("<svg");
        assertTrue(chart > 0 && chart < html.indexOf("Per-task results"), "gain chart precedes the tables");
        assertTrue(html.contains("DINOv2 ViT-B/14 · unfrozen + linear"));
        assertTrue(html.contains("DeiT-B/16 · frozen + linear (baseline)"));
        assertEquals(1 + 1 + 2, count(html, "<svg"), "the poster chart, the gain chart and one convergence chart per dataset");
        // Self-contained: nothing fetched from anywhere, nothing executed.
        Matcher remote = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//").matcher(html);
        assertFalse(remote.find(), () -> "external reference: " + html.substring(remote.start(), Math.min(html.length(), remote.start() + 80)));
        assertFalse(html.toLowerCase().contains("<script"), "no script; the failed cell's error text is escaped");
        assertFalse(html.toLowerCase().contains("<link"));
        assertFalse(html.contains("url(http"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "error shown, escaped");
        // Tables: gain ranking, one task table per dataset, convergence and cost.
        assertTrue(html.contains("<table class=\"gain\">"));
        assertEquals(2, count(html, "<table class=\"task\">"));
        assertEquals(2, count(html, "<table class=\"convergence\">"));
        assertEquals(1, count(html, "<table class=\"cost\">"));
        assertTrue(html.contains("+22.29 %"));
        assertTrue(html.contains("0.7100 ± 0.0141"), "dinov2 × isic × unfrozen-linear: mean ± sample std");
        assertTrue(html.contains("dinov2-vitb14 × isic × unfrozen-linear seed 3: java.lang.OutOfMemoryError"), "failed cell listed");
        // Chart ids unique across the three inline SVGs (JFreeSVG would restart at the same ids otherwise).
        List<String> ids = new ArrayList<>();
        Matcher id = Pattern.compile("\\sid=\"([^\"]+)\"").matcher(html);
        while (id.find()) ids.add(id.group(1));
        assertEquals(ids.size(), ids.stream().distinct().count(), "duplicate element ids: " + ids);
    }

    @Test
    void markdownHasTheSameTables() throws IOException {
        ReportWriter.write(ReportFixtures.matrix(), out, DEIT_BASELINE);
        String md = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.startsWith("# Study replication\n"));
        assertTrue(md.contains("| # | backbone · classifier | mean gain | 95 % CI (paired) | aptos | isic | tasks |"), md);
        assertTrue(md.contains("| 1 | DINOv2 ViT-B/14 · unfrozen + linear | +22.29 % | — | +15.49 % | +29.09 % | 2 |"), md);
        assertTrue(md.contains("| 4 | DeiT-B/16 · frozen + linear (baseline) | +0.00 % | — | +0.00 % | +0.00 % | 2 |"), md);
        assertTrue(md.contains("| backbone · classifier | quadratic_kappa (test) | 95 % CI (test) | accuracy (test) | macro_f1 (test) | n seeds | failed | best epoch |"), md);
        assertTrue(md.contains("| DINOv2 ViT-B/14 · unfrozen + linear | 0.8200 ± 0.0141 | — |"), md);
        assertTrue(md.contains("- dinov2-vitb14 × isic × unfrozen-linear seed 3: `java.lang.OutOfMemoryError: off-heap, limit 12G`"), md);
        assertTrue(md.contains("![relative performance gain](relative-gain.svg)"));
        assertTrue(md.contains("## Cost"));
        // A table row never spans lines: every line starting with '|' has the header's column count.
        for (String block : md.split("\n\n")) {
            if (!block.startsWith("|")) continue;
            List<String> lines = block.lines().toList();
            long cols = count(lines.get(0), " |");
            for (String l : lines) assertEquals(cols, count(l.replace("\\|", ""), "|") - 1, l);
        }
    }

    @Test
    void csvHasOneRowPerCellUnderTheHeader() throws IOException {
        List<CellResult> cells = ReportFixtures.matrix();
        ReportWriter.write(cells, out, DEIT_BASELINE);
        List<List<String>> rows = parseCsv(Files.readString(out.resolve(ReportWriter.CSV)));
        List<String> header = rows.get(0);
        assertEquals("cell_id", header.get(0));
        for (String col : List.of("status", "metric", "val_primary", "test_primary", "test_accuracy", "test_balanced_accuracy",
                "test_macro_f1", "test_quadratic_kappa", "best_epoch", "epochs_run", "total_ms", "train_images_per_s",
                "peak_memory_bytes", "trainable_parameters", "frozen_parameters", "model_sha256", "dataset_hash", "error")) {
            assertTrue(header.contains(col), col);
        }
        assertEquals(cells.size() + 1, rows.size());
        for (List<String> r : rows) assertEquals(header.size(), r.size());
        for (int i = 0; i < cells.size(); i++) assertEquals(cells.get(i).key().id(), rows.get(i + 1).get(0));

        List<String> failed = rows.stream().filter(r -> r.get(header.indexOf("status")).equals("FAILED")).findFirst().orElseThrow();
        assertEquals(ReportFixtures.FAILED_ERROR, failed.get(header.indexOf("error")), "multi-line error survives quoting");
        assertEquals("", failed.get(header.indexOf("test_primary")));
        List<String> first = rows.get(1);
        assertEquals(0.75, Double.parseDouble(first.get(header.indexOf("test_primary"))), 0);
        assertEquals(0.77, Double.parseDouble(first.get(header.indexOf("val_primary"))), 1e-12);
        assertEquals("", first.get(header.indexOf("test_balanced_accuracy")), "aptos has no balanced_accuracy here");
        assertEquals("86000000", first.get(header.indexOf("frozen_parameters")));
    }

    @Test
    void jsonRoundTripsCellsAndAggregates() {
        List<CellResult> cells = ReportFixtures.matrix();
        ReportWriter.write(cells, out, DEIT_BASELINE);
        ResultsDocument doc = ReportWriter.readResultsJson(out.resolve(ReportWriter.JSON));
        assertEquals("Study replication", doc.title());
        assertEquals(cells, doc.cells());
        Aggregates expected = Aggregates.compute(cells, DEIT_BASELINE);
        assertEquals(expected.gains(), doc.aggregates().gains());
        assertEquals(expected.baseline(), doc.aggregates().baseline());
        assertEquals(expected.datasets(), doc.aggregates().datasets());
    }

    @Test
    void defaultBaselineIsTheFirstModelWithFrozenLinear() {
        Aggregates a = Aggregates.compute(ReportFixtures.matrix(), ReportOptions.defaults());
        assertEquals(DINO, a.baseline().model());
        assertEquals(FL, a.baseline().scenario());
        assertFalse(a.baseline().explicit());
        assertEquals(0.0, gainOf(a, DINO, FL).meanGainPercent(), 0.0);
        // deit fl vs dinov2 fl: (0.71 − 0.76)/0.76 and (0.55 − 0.66)/0.66, averaged.
        double expected = ((0.71 - 0.76) / 0.76 + (0.55 - 0.66) / 0.66) / 2 * 100;
        assertEquals(expected, gainOf(a, DEIT, FL).meanGainPercent(), 1e-9);
    }

    @Test
    void baselineWithOnlyAModelTakesItsFrozenLinear() {
        Aggregates a = Aggregates.compute(ReportFixtures.matrix(), ReportOptions.builder().baseline(DEIT, null).build());
        assertEquals(FL, a.baseline().scenario());
        assertTrue(gainOf(a, DEIT, FL).isBaseline());
    }

    @Test
    void unknownBaselineFailsNamingTheAvailableOnes() {
        ReportOptions bad = ReportOptions.builder().baseline("resnet152", FL).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportWriter.write(ReportFixtures.matrix(), out, bad));
        assertTrue(e.getMessage().contains("resnet152"), e.getMessage());
        assertTrue(e.getMessage().contains("deit-b16:frozen-linear"), e.getMessage());
    }

    @Test
    void validationSplitUsesTheValidationMetric() {
        ReportOptions val = ReportOptions.builder().baseline(DEIT, FL).split(ReportOptions.MetricSplit.VAL).build();
        Aggregates a = Aggregates.compute(ReportFixtures.matrix(), val);
        assertEquals("val", a.split());
        // Fixture: val = test + 0.02, so aptos dinov2 ul: (0.84 − 0.73) / 0.73; isic: (0.73 − 0.57) / 0.57.
        double expected = ((0.84 - 0.73) / 0.73 + (0.73 - 0.57) / 0.57) / 2 * 100;
        assertEquals(expected, gainOf(a, DINO, UL).meanGainPercent(), 1e-9);
    }

    @Test
    void baselineMissingOnADatasetLeavesThatDatasetOut() {
        List<CellResult> cells = new ArrayList<>(ReportFixtures.matrix());
        cells.removeIf(r -> r.key().model().equals(DEIT) && r.key().scenario().equals(FL) && r.key().dataset().equals(ISIC));
        Aggregates a = Aggregates.compute(cells, DEIT_BASELINE);
        Aggregates.RelativeGain g = gainOf(a, DINO, UL);
        assertEquals(Map.of(APTOS, (0.82 - 0.71) / 0.71 * 100).keySet(), g.gainByDataset().keySet());
        assertEquals((0.82 - 0.71) / 0.71 * 100, g.meanGainPercent(), 1e-9);
        assertTrue(a.warnings().stream().anyMatch(w -> w.contains("dataset isic")), a.warnings().toString());
    }

    @Test
    void rendersFromAResultsFolderAndFromTheCommandLine() throws IOException {
        Path results = out.resolve("run");
        for (CellResult r : ReportFixtures.matrix()) CellResults.write(CellResults.dirUnder(results), r);
        Path rendered = out.resolve("rendered");
        List<Path> files = ReportWriter.render(results, rendered);
        assertTrue(files.contains(rendered.resolve(ReportWriter.HTML)));
        ResultsDocument doc = ReportWriter.readResultsJson(rendered.resolve(ReportWriter.JSON));
        assertEquals(ReportFixtures.matrix().size(), doc.cells().size());
        // readAll sorts by id, so deit-b16 comes first and the default rule makes it the baseline.
        assertEquals(DEIT, doc.aggregates().baseline().model());

        List<Path> viaMain = ReportMain.run(new String[] {results.toString(), "--baseline", DINO + ":" + UL, "--title", "CLI"});
        assertEquals(results.resolve(ReportWriter.HTML), viaMain.get(0));
        assertTrue(Files.readString(results.resolve(ReportWriter.MARKDOWN)).startsWith("# CLI\n"));
        assertEquals(DINO + "|" + UL, ReportWriter.readResultsJson(results.resolve(ReportWriter.JSON)).aggregates().gains().stream()
                .filter(Aggregates.RelativeGain::isBaseline).map(g -> g.model() + "|" + g.scenario()).findFirst().orElseThrow());

        Path empty = Files.createDirectories(out.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportWriter.render(empty, rendered));
        assertTrue(e.getMessage().contains("no cell results"), e.getMessage());
    }

    @Test
    void scenarioLabelsFollowThePoster() {
        assertEquals("frozen + linear", Labels.scenario("frozen-linear"));
        assertEquals("unfrozen + DeiT", Labels.scenario("unfrozen-deit"));
        assertEquals("last 2 blocks + linear", Labels.scenario("last2-linear"));
        assertEquals("custom-thing", Labels.scenario("custom-thing"));
        assertEquals("My net", Labels.model("mynet", Map.of("mynet", "My net")));
        assertEquals("SEEM FocalNet-T", Labels.model("seem-focalnet-t", Map.of()));
    }

    private static Aggregates.RelativeGain gainOf(Aggregates a, String model, String scenario) {
        return a.gains().stream().filter(g -> g.model().equals(model) && g.scenario().equals(scenario)).findFirst()
                .orElseThrow(() -> new AssertionError("no gain for " + model + " × " + scenario));
    }

    private static long count(String s, String sub) {
        long n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
        return n;
    }

    /** RFC 4180 reader (quoted fields with commas, doubled quotes and line breaks). */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        assertNotNull(rows);
        assertTrue(row.isEmpty() && field.length() == 0, "CSV ends with a line break");
        return rows;
    }
}
