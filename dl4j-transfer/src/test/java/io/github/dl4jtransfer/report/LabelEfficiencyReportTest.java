package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The label-efficiency section: curves of the headline metric over training-set shares; the rest on whole sets only. */
class LabelEfficiencyReportTest {

    /** {@code r} re-filed as a cell on a training subset of {@code images} of {@code of} images, scoring {@code test}. */
    private static CellResult onSubset(CellResult r, String subset, int images, int of) {
        Map<String, Object> config = new LinkedHashMap<>(r.provenance().config());
        config.put("trainSubset", Map.of("subset", subset, "images", images, "of", of));
        CellResult.Provenance p = r.provenance();
        CellResult.Provenance q = new CellResult.Provenance(p.modelFile(), p.modelSha256(), p.deitTailSha256(), p.datasetFormat(),
                p.datasetPath(), p.datasetHash(), p.splitHash(), config, p.seed(), p.versions(), p.backend(), p.host(), p.startedAt(),
                p.skippedImages());
        CellKey k = r.key();
        return new CellResult(new CellKey(k.model(), k.dataset(), k.scenario(), k.seed(), subset), r.status(), r.error(), r.task(),
                r.valMetrics(), r.testMetrics(), r.history(), r.bestEpoch(), r.stoppedEarly(), r.timings(), r.peakMemoryBytes(),
                r.trainableParameters(), r.frozenParameters(), q);
    }

    /** 2 backbones × APTOS × frozen-linear × 2 seeds on 1%, 10% and the whole set; kappa grows with the share. */
    private static List<CellResult> cells() {
        List<CellResult> out = new ArrayList<>();
        for (String model : List.of(ReportFixtures.DINO, ReportFixtures.DEIT)) {
            double base = model.equals(ReportFixtures.DINO) ? 0.80 : 0.70;
            for (int seed = 1; seed <= 2; seed++) {
                out.add(ReportFixtures.done(model, ReportFixtures.APTOS, ReportFixtures.FL, seed, base + 0.01 * seed));
                out.add(onSubset(ReportFixtures.done(model, ReportFixtures.APTOS, ReportFixtures.FL, seed, base - 0.10 + 0.01 * seed), "f0.1", 300, 3000));
                out.add(onSubset(ReportFixtures.done(model, ReportFixtures.APTOS, ReportFixtures.FL, seed, base - 0.30 + 0.01 * seed), "f0.01", 33, 3000));
            }
        }
        return out;
    }

    @Test
    void curvesAverageSeedsPerShareInIncreasingOrder() {
        LabelEfficiency e = LabelEfficiency.of(cells());
        List<LabelEfficiency.Point> dino = e.curves().get(ReportFixtures.APTOS).get(Labels.of(ReportFixtures.DINO, ReportFixtures.FL, Map.of()));
        assertEquals(List.of("f0.01", "f0.1", "all"), dino.stream().map(LabelEfficiency.Point::subset).toList());
        assertEquals(0.011, dino.get(0).share(), 1e-12);
        assertEquals(0.1, dino.get(1).share(), 1e-12);
        assertEquals(1.0, dino.get(2).share(), 1e-12);
        assertEquals(0.515, dino.get(0).mean(), 1e-12);
        assertEquals(0.815, dino.get(2).mean(), 1e-12);
        assertEquals(2, dino.get(2).seeds());
        assertTrue(LabelEfficiency.of(ReportFixtures.matrix()).isEmpty(), "no section without subset cells");
    }

    @Test
    void theReportHasTheSectionAndKeepsSubsetsOutOfTheComparisons(@TempDir Path out) throws Exception {
        List<CellResult> cells = cells();
        ReportWriter.write(cells, out, ReportOptions.builder().build());
        String html = Files.readString(out.resolve(ReportWriter.HTML));
        assertTrue(html.contains("<h2 id=\"label-efficiency\">Label efficiency</h2>"));
        assertTrue(html.contains("<svg id='label-efficiency0'"), "the chart is inline");
        String md = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("## Label efficiency") && md.contains("| backbone · classifier | 1% | 10% | 100% |"), md);
        assertTrue(md.contains("0.5150 (2 seeds)"), md);
        assertTrue(Files.readString(out.resolve("label-efficiency-0.svg")).contains("<svg"));
        // The per-task comparison sees the whole-set cells only: two done seeds per group, at the whole-set means.
        String json = Files.readString(out.resolve(ReportWriter.JSON));
        com.fasterxml.jackson.databind.JsonNode groups = io.github.dl4jtransfer.io.Json.MAPPER.readTree(json).path("aggregates").path("groups");
        assertEquals(2, groups.size());
        for (com.fasterxml.jackson.databind.JsonNode g : groups) {
            assertEquals(2, g.path("done").asInt(), g.toString());
            double expected = g.path("model").asText().equals(ReportFixtures.DINO) ? 0.815 : 0.715;
            assertEquals(expected, g.path("primary").path("mean").asDouble(), 1e-9, g.toString());
        }
        assertTrue(Files.readString(out.resolve(ReportWriter.CSV)).lines().skip(1).anyMatch(l -> l.contains(",f0.01,")), "the CSV has the subset");
    }
}
