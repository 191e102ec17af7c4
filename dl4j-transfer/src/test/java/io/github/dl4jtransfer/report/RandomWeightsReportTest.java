package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.model.BackboneWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.dl4jtransfer.report.ReportFixtures.DEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backbones that ran with random weights are marked next to their name in both reports, and warned about. */
class RandomWeightsReportTest {

    static final BackboneWeights RANDOM = new BackboneWeights("random", null, 0, 32);
    static final BackboneWeights CHECKPOINT = new BackboneWeights("dinov2_vitb14_pretrain.pth", "3a1b", 175, 175);

    /** The fixture matrix with DeiT's cells on random weights and DINOv2's on a checkpoint. */
    static List<CellResult> withWeights() {
        return ReportFixtures.matrix().stream().map(r -> r.provenance() == null ? r
                : copy(r, r.provenance().withModelWeights(r.key().model().equals(DEIT) ? RANDOM : CHECKPOINT))).toList();
    }

    static CellResult copy(CellResult r, CellResult.Provenance p) {
        return new CellResult(r.key(), r.status(), r.error(), r.task(), r.valMetrics(), r.testMetrics(), r.history(),
                r.bestEpoch(), r.stoppedEarly(), r.timings(), r.peakMemoryBytes(), r.trainableParameters(),
                r.frozenParameters(), p);
    }

    @Test
    void randomBackbonesAreMarkedInHtmlAndMarkdown(@TempDir Path out) throws IOException {
        ReportWriter.write(withWeights(), out, ReportOptions.defaults());
        String md = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        String html = Files.readString(out.resolve(ReportWriter.HTML));
        String marked = "DeiT-B/16 (⚠ random weights) · frozen + linear";
        for (String doc : List.of(md, html)) {
            assertTrue(doc.contains(marked), doc);
            assertTrue(doc.contains("DeiT-B/16 (⚠ random weights) · unfrozen + linear"), doc);
            assertTrue(doc.contains("DINOv2 ViT-B/14 · frozen + linear"), doc);
            assertFalse(doc.contains("DINOv2 ViT-B/14 (⚠"), doc);
        }
        assertTrue(md.contains("> **Note:** 1 backbone ran with RANDOM weights (exported without a checkpoint, or none of "
                + "its tensors loaded): DeiT-B/16."), md);
        assertTrue(html.contains("<div class=\"warn\">1 backbone ran with RANDOM weights"), html);
        // In the per-task table, the label is the row's first cell.
        assertTrue(md.contains("| " + marked + " |"), md);
        assertTrue(html.contains("<td>" + marked + "</td>"), html);

        // The poster chart's rows name the backbone on its own; the marker goes with it.
        Aggregates agg = Aggregates.compute(withWeights(), ReportOptions.defaults());
        assertTrue(agg.poster().rows().stream().filter(r -> r.model().equals(DEIT))
                .allMatch(r -> r.backbone().equals("DeiT-B/16 (⚠ random weights)")), agg.poster().rows().toString());
        assertTrue(agg.poster().rows().stream().filter(r -> !r.model().equals(DEIT))
                .noneMatch(r -> r.backbone().contains("random")), agg.poster().rows().toString());

        ResultsDocument doc = ReportWriter.readResultsJson(out.resolve(ReportWriter.JSON));
        assertTrue(doc.aggregates().groups().stream().filter(g -> g.model().equals(DEIT))
                .allMatch(g -> g.label().contains(BackboneWeights.RANDOM_MARKER)));
        assertEquals(RANDOM, doc.cells().stream().filter(c -> c.key().model().equals(DEIT)).findFirst().orElseThrow()
                .provenance().modelWeights());
    }

    @Test
    void noMarkerWithoutRandomWeightsOrWhenTheResultsDoNotSay(@TempDir Path out) throws IOException {
        // ReportFixtures' provenance has no modelWeights, as results written before the field: unknown, no marker.
        ReportWriter.write(ReportFixtures.matrix(), out, ReportOptions.defaults());
        String md = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertFalse(md.contains("random weights"), md);
        assertFalse(md.contains("RANDOM"), md);
        assertTrue(Aggregates.randomWeightModels(ReportFixtures.matrix()).isEmpty());
    }

    @Test
    void aCheckpointOfWhichNothingLoadedCountsAsRandom() {
        List<CellResult> cells = ReportFixtures.matrix().stream().map(r -> r.provenance() == null ? r
                : copy(r, r.provenance().withModelWeights(r.key().model().equals(DEIT)
                        ? new BackboneWeights("ckpt.pth", "ff", 0, 32) : CHECKPOINT))).toList();
        assertEquals(List.of(DEIT), List.copyOf(Aggregates.randomWeightModels(cells)));
        Aggregates agg = Aggregates.compute(cells, ReportOptions.defaults());
        assertTrue(agg.gains().stream().filter(g -> g.model().equals(DEIT)).allMatch(g -> g.label().contains("(⚠ random weights)")));
        assertTrue(agg.warnings().get(0).contains("RANDOM weights"), agg.warnings().toString());
    }
}
