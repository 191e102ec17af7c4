package io.github.dl4jtransfer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.testing.Fixtures;
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
import static io.github.dl4jtransfer.report.ReportFixtures.FD;
import static io.github.dl4jtransfer.report.ReportFixtures.FL;
import static io.github.dl4jtransfer.report.ReportFixtures.ISIC;
import static io.github.dl4jtransfer.report.ReportFixtures.RESNET;
import static io.github.dl4jtransfer.report.ReportFixtures.SAM;
import static io.github.dl4jtransfer.report.ReportFixtures.UD;
import static io.github.dl4jtransfer.report.ReportFixtures.UL;
import static io.github.dl4jtransfer.report.ReportFixtures.posterMean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study poster's chart: rows, the better-of rule, the reference, the pre-training labels and the SVG. */
class ReportPosterTest {

    @TempDir
    Path out;

    /** The default reference: deit-b16 × unfrozen-linear (aptos 0.80, isic 0.65). */
    private static double gain(double value, String dataset) {
        double ref = posterMean(DEIT, dataset, UL);
        return (value - ref) / ref * 100;
    }

    private static Poster poster(List<CellResult> cells, ReportOptions options) {
        return Aggregates.compute(cells, options).poster();
    }

    private static Poster.Row row(Poster p, String model, String classifier) {
        return p.rows().stream().filter(r -> r.model().equals(model) && r.classifier().equals(classifier)).findFirst()
                .orElseThrow(() -> new AssertionError("no poster row " + model + " × " + classifier + " in " + labels(p)));
    }

    private static List<String> labels(Poster p) {
        return p.rows().stream().map(Poster.Row::label).toList();
    }

    @Test
    void oneBarPerBackboneTimesClassifierAndBaselinesGetTheLinearOneOnly() {
        Poster p = poster(ReportFixtures.posterMatrix(), ReportOptions.defaults());
        assertEquals(6, p.rows().size(), labels(p).toString());
        List<String> keys = p.rows().stream().map(r -> r.model() + "|" + r.classifier()).sorted().toList();
        assertEquals(List.of(DEIT + "|linear", DINO + "|deit", DINO + "|linear", RESNET + "|linear", SAM + "|deit", SAM + "|linear"),
                keys);
        assertTrue(row(p, DEIT, "linear").baseline());
        assertTrue(row(p, RESNET, "linear").baseline());
        assertFalse(row(p, DINO, "linear").baseline());
        assertFalse(row(p, SAM, "deit").baseline());
        assertEquals(List.of("deit", "dino", "resnet"), p.baselines());
        // deit-b16 × frozen-deit (0.95) and dinov2 × last2-linear (0.97) would top the chart if they got in.
        assertTrue(p.notes().stream().anyMatch(n -> n.startsWith("DeiT-B/16 is a baseline: its DeiT-classifier cells are left out")),
                p.notes().toString());
        assertTrue(p.notes().stream().anyMatch(n -> n.contains("last2-linear")), p.notes().toString());
        assertEquals("DINOv2 ViT-B/14 · DeiT", row(p, DINO, "deit").label());
        assertEquals("SAM ViT-B", row(p, SAM, "linear").backbone());
    }

    @Test
    void eachBarIsTheBetterOfFrozenAndUnfrozenPerTask() {
        Poster p = poster(ReportFixtures.posterMatrix(), ReportOptions.defaults());
        // sam × linear: frozen wins on aptos (0.76 vs 0.72), unfrozen on isic (0.63 vs 0.50).
        Poster.Row sam = row(p, SAM, "linear");
        assertEquals(Map.of(APTOS, FL, ISIC, UL), sam.scenarioByDataset());
        double expected = (gain(0.76, APTOS) + gain(0.63, ISIC)) / 2;
        assertEquals(-4.038461538, expected, 1e-8, "fixture arithmetic: (−5 − 3.0769) / 2");
        assertEquals(expected, sam.meanGainPercent(), 1e-9);
        assertEquals(gain(0.76, APTOS), sam.gainByDataset().get(APTOS), 1e-9);
        // A per-model rule would take unfrozen everywhere: (−10 − 3.08) / 2 = −6.54; per task is what is documented.
        double perModel = Math.max((gain(0.76, APTOS) + gain(0.50, ISIC)) / 2, (gain(0.72, APTOS) + gain(0.63, ISIC)) / 2);
        assertTrue(Math.abs(perModel - sam.meanGainPercent()) > 1, "the fixture tells the two rules apart");

        // sam × DeiT: unfrozen on aptos (0.64 vs 0.60), frozen on isic (0.55 vs 0.52).
        Poster.Row samDeit = row(p, SAM, "deit");
        assertEquals(Map.of(APTOS, UD, ISIC, FD), samDeit.scenarioByDataset());
        assertEquals((gain(0.64, APTOS) + gain(0.55, ISIC)) / 2, samDeit.meanGainPercent(), 1e-9);
        // dinov2 × DeiT: unfrozen on both; the frozen-deit and last2 cells do not count.
        Poster.Row dinoDeit = row(p, DINO, "deit");
        assertEquals(Map.of(APTOS, UD, ISIC, UD), dinoDeit.scenarioByDataset());
        assertEquals((7.5 + 0.07 / 0.65 * 100) / 2, dinoDeit.meanGainPercent(), 1e-9);
        // The reference's own bar: unfrozen on aptos (= 0), frozen on isic (0.66 vs 0.65): slightly positive,
        // like the poster's "ImNet-1k-Sup" bar.
        Poster.Row deit = row(p, DEIT, "linear");
        assertTrue(deit.reference());
        assertEquals(Map.of(APTOS, UL, ISIC, FL), deit.scenarioByDataset());
        assertEquals(0.0, deit.gainByDataset().get(APTOS), 1e-12);
        assertEquals(0.01 / 0.65 * 100 / 2, deit.meanGainPercent(), 1e-9);
    }

    @Test
    void tiesGoToTheFrozenBackbone() {
        List<CellResult> cells = new ArrayList<>(ReportFixtures.posterMatrix());
        cells.removeIf(r -> r.key().model().equals(DINO) && r.key().scenario().equals(FD) && r.key().dataset().equals(APTOS));
        double ud = posterMean(DINO, APTOS, UD);
        cells.add(ReportFixtures.done(DINO, APTOS, FD, 1, ud - 0.01));
        cells.add(ReportFixtures.done(DINO, APTOS, FD, 2, ud + 0.01));
        Poster.Row r = row(poster(cells, ReportOptions.defaults()), DINO, "deit");
        assertEquals(FD, r.scenarioByDataset().get(APTOS));
        assertEquals(UD, r.scenarioByDataset().get(ISIC));
    }

    @Test
    void barsAreSortedAscending() {
        Poster p = poster(ReportFixtures.posterMatrix(), ReportOptions.defaults());
        assertEquals(List.of("SAM ViT-B · DeiT", "ResNet-152 · linear", "SAM ViT-B · linear", "DeiT-B/16 · linear",
                "DINOv2 ViT-B/14 · linear", "DINOv2 ViT-B/14 · DeiT"), labels(p));
        for (int i = 1; i < p.rows().size(); i++) {
            assertTrue(p.rows().get(i - 1).meanGainPercent() <= p.rows().get(i).meanGainPercent());
        }
        assertEquals(6.346153846, row(p, DINO, "linear").meanGainPercent(), 1e-8);
        assertEquals(-4.807692308, row(p, RESNET, "linear").meanGainPercent(), 1e-8);
    }

    @Test
    void barWithoutAComparableTaskGoesLast() {
        List<CellResult> cells = new ArrayList<>(ReportFixtures.posterMatrix());
        cells.removeIf(r -> r.key().model().equals(SAM) && r.key().scenario().endsWith("-deit"));
        cells.add(ReportFixtures.failed(new CellKey(SAM, APTOS, FD, 1)));
        Poster p = poster(cells, ReportOptions.defaults());
        Poster.Row last = p.rows().get(p.rows().size() - 1);
        assertEquals(SAM + "|deit", last.model() + "|" + last.classifier());
        assertTrue(Double.isNaN(last.meanGainPercent()));
    }

    @Test
    void everyBarCarriesItsPretrainingData() {
        Poster p = poster(ReportFixtures.posterMatrix(), ReportOptions.defaults());
        assertEquals("ImageNet-1k", row(p, DEIT, "linear").pretrainingData());
        assertEquals("ImageNet-1k", row(p, RESNET, "linear").pretrainingData());
        assertEquals("LVD-142M", row(p, DINO, "deit").pretrainingData());
        assertEquals("SA-1B", row(p, SAM, "linear").pretrainingData());
        // The fixture's provenance names exports/<model>/model.onnx, which does not exist here: the table stands in.
        assertEquals("built-in", row(p, SAM, "linear").pretrainingSource());
        assertEquals("sam", row(p, SAM, "linear").family());
        for (String family : List.of("dinov2", "deit", "dino", "resnet", "openclip", "blip", "sam", "focalnet")) {
            assertTrue(ModelInfo.PRETRAINING_BY_FAMILY.containsKey(family), family);
        }
        assertEquals(ModelInfo.FAMILY_OF_PRESET.keySet(), Labels.knownModels(), "every preset has a family and a label");
        // Long labels wrap into side-by-side vertical lines under the bar.
        assertEquals(List.of("129M images (COCO, VG,", "CC3M, CC12M, SBU,", "LAION-115M)"),
                PosterSvg.wrap(ModelInfo.PRETRAINING_BY_FAMILY.get("blip")));
        ModelInfo unknown = ModelInfo.of("my-net", List.of());
        assertNull(unknown.pretrainingData());
        assertNull(unknown.family());
    }

    @Test
    void theSidecarsPretrainingDataWinsAndItsFamilyMakesABaseline(@TempDir Path exports) throws IOException {
        ObjectMapper json = new ObjectMapper();
        // dinov2's sidecar with the new field; dino's (family "dino") as exported before the field existed.
        Path dinov2 = Files.createDirectories(exports.resolve("dinov2"));
        ObjectNode sc = (ObjectNode) json.readTree(sidecarOf(Fixtures.tiny("dinov2-vitb14")).toFile());
        sc.put("pretraining_data", "LVD-142M (sidecar)");
        json.writeValue(dinov2.resolve("model.json").toFile(), sc);
        Path dino = Files.createDirectories(exports.resolve("dino"));
        ObjectNode old = (ObjectNode) json.readTree(sidecarOf(Fixtures.tiny("dino-vitb16")).toFile());
        old.remove("pretraining_data");
        json.writeValue(dino.resolve("model.json").toFile(), old);

        List<CellResult> cells = new ArrayList<>();
        for (CellResult r : ReportFixtures.posterMatrix()) {
            if (r.key().model().equals(DINO)) cells.add(withModelFile(r, dinov2.resolve("model.onnx").toString()));
            else if (r.key().model().equals(SAM)) cells.add(renamed(withModelFile(r, dino.resolve("model.onnx").toString()), "ssl-in1k"));
            else cells.add(r);
        }
        Poster p = poster(cells, ReportOptions.defaults());
        Poster.Row dinov2Row = row(p, DINO, "linear");
        assertEquals("LVD-142M (sidecar)", dinov2Row.pretrainingData());
        assertEquals("sidecar", dinov2Row.pretrainingSource());
        // An id the presets do not know, whose sidecar says family "dino": a baseline, ImageNet-1k by the table.
        Poster.Row ssl = row(p, "ssl-in1k", "linear");
        assertEquals("dino", ssl.family());
        assertTrue(ssl.baseline());
        assertEquals("ImageNet-1k", ssl.pretrainingData());
        assertEquals("built-in", ssl.pretrainingSource());
        assertFalse(p.rows().stream().anyMatch(r -> r.model().equals("ssl-in1k") && r.classifier().equals("deit")));
    }

    @Test
    void theReferenceIsConfigurableAsModelScenarioOrModelClassifier() {
        List<CellResult> cells = ReportFixtures.posterMatrix();
        Poster byDefault = poster(cells, ReportOptions.defaults());
        assertEquals(DEIT, byDefault.reference().model());
        assertEquals(UL, byDefault.reference().target());
        assertFalse(byDefault.reference().explicit());
        assertEquals("DeiT-B/16 · unfrozen + linear", byDefault.reference().label());

        // model:scenario
        Poster resnet = poster(cells, ReportOptions.builder().posterReference(ReportOptions.PosterReference.parse(RESNET + ":" + FL)).build());
        assertTrue(resnet.reference().explicit());
        double expected = ((0.84 - 0.72) / 0.72 + (0.70 - 0.58) / 0.58) / 2 * 100;
        assertEquals(expected, row(resnet, DINO, "linear").meanGainPercent(), 1e-9);
        assertTrue(row(resnet, RESNET, "linear").reference());
        assertFalse(row(resnet, DEIT, "linear").reference());

        // model:classifier — per task the better of its frozen and unfrozen scenarios, so its own bar is exactly 0.
        Poster linear = poster(cells, ReportOptions.builder().posterReference(DEIT, "linear").build());
        assertEquals(Map.of(APTOS, UL, ISIC, FL), linear.reference().scenarioByDataset());
        assertEquals(Map.of(APTOS, 0.80, ISIC, 0.66), linear.reference().meanByDataset());
        assertEquals(0.0, row(linear, DEIT, "linear").meanGainPercent(), 1e-12);
        assertEquals(((0.84 - 0.80) / 0.80 + (0.70 - 0.66) / 0.66) / 2 * 100, row(linear, DINO, "linear").meanGainPercent(), 1e-9);
        assertTrue(linear.reference().label().contains("better of frozen/unfrozen"), linear.reference().label());

        // A classifier or scenario of a foundation model works the same way.
        Poster dinoDeit = poster(cells, ReportOptions.builder().posterReference(DINO, "deit").build());
        assertTrue(row(dinoDeit, DINO, "deit").reference());
        assertEquals(0.0, row(dinoDeit, DINO, "deit").meanGainPercent(), 1e-12);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> poster(cells, ReportOptions.builder().posterReference(DEIT, "last4-linear").build()));
        assertTrue(e.getMessage().contains("deit-b16:unfrozen-linear"), e.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> poster(cells, ReportOptions.builder().posterReference("openclip-vitb16", null).build()));
        assertTrue(m.getMessage().contains("openclip-vitb16") && m.getMessage().contains(SAM), m.getMessage());
    }

    @Test
    void withoutADeitModelTheReferenceIsTheReportBaselinesModel() {
        List<CellResult> cells = new ArrayList<>(ReportFixtures.posterMatrix());
        cells.removeIf(r -> r.key().model().equals(DEIT));
        Poster p = poster(cells, ReportOptions.defaults());
        // Report baseline by its default rule: frozen-linear, first model with it in results order = resnet152.
        assertEquals(RESNET, p.reference().model());
        assertEquals(UL, p.reference().target());
    }

    @Test
    void baselinesAreConfigurable() {
        List<CellResult> cells = ReportFixtures.posterMatrix();
        Poster none = poster(cells, ReportOptions.builder().posterBaselines(List.of()).build());
        assertTrue(none.rows().stream().noneMatch(Poster.Row::baseline));
        assertEquals(Map.of(APTOS, FD, ISIC, FD), row(none, DEIT, "deit").scenarioByDataset());
        Poster samOnly = poster(cells, ReportOptions.builder().posterBaselines(List.of(SAM)).build());
        assertTrue(row(samOnly, SAM, "linear").baseline());
        assertFalse(samOnly.rows().stream().anyMatch(r -> r.model().equals(SAM) && r.classifier().equals("deit")));
        assertFalse(row(samOnly, DEIT, "linear").baseline());
    }

    @Test
    void theSvgDrawsTheBarsInOrderWithTheirLabelsAndTheReportsShowThem() throws IOException {
        List<CellResult> cells = ReportFixtures.posterMatrix();
        ReportWriter.write(cells, out, ReportOptions.builder().title("Poster").build());
        String svg = Files.readString(out.resolve(ReportWriter.POSTER_SVG));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg.substring(0, 80));
        Poster p = poster(cells, ReportOptions.defaults());

        List<String> titles = new ArrayList<>();
        Matcher m = Pattern.compile("<g class=\"bar\"><title>([^<]*)</title>").matcher(svg);
        while (m.find()) titles.add(m.group(1));
        assertEquals(6, titles.size(), svg);
        for (int i = 0; i < titles.size(); i++) {
            assertTrue(titles.get(i).startsWith(p.rows().get(i).label()), titles.get(i) + " vs " + p.rows().get(i).label());
        }
        assertTrue(titles.get(3).startsWith("DeiT-B/16 · linear (baseline) (reference): +0.8 % · ImageNet-1k"), titles.get(3));
        assertTrue(titles.get(0).contains("−17.7 %"), titles.get(0));
        // Bars left to right: x positions increase in row order.
        List<Double> xs = new ArrayList<>();
        Matcher x = Pattern.compile("<g class=\"bar\"><title>[^<]*</title><rect x=\"([-0-9.]+)\"").matcher(svg);
        while (x.find()) xs.add(Double.parseDouble(x.group(1)));
        for (int i = 1; i < xs.size(); i++) assertTrue(xs.get(i - 1) < xs.get(i), xs.toString());
        // The pre-training row under the labels, in bar order.
        int at = svg.indexOf(">Pre-training data<");
        assertTrue(at > 0);
        String below = svg.substring(at);
        List<String> data = List.of("SA-1B", "ImageNet-1k", "SA-1B", "ImageNet-1k", "LVD-142M", "LVD-142M");
        int from = 0;
        for (String d : data) {
            int i = below.indexOf(">" + d + "<", from);
            assertTrue(i >= from, d + " after " + from + " in " + below);
            from = i + 1;
        }
        assertFalse(svg.contains(" id=\""), "no ids that could clash with the other inline charts");

        String html = Files.readString(out.resolve(ReportWriter.HTML));
        int poster = html.indexOf("<h2 id=\"poster\">");
        assertTrue(poster > 0 && poster < html.indexOf("<h2 id=\"gain\">"), "the poster chart comes first, the gain chart second");
        assertTrue(html.indexOf("<g class=\"bar\">") > poster && html.indexOf("<g class=\"bar\">") < html.indexOf("<h2 id=\"gain\">"));
        assertTrue(html.contains("<table class=\"poster\">"));

        String md = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(md.contains("![poster chart](poster-gain.svg)"), md);
        assertTrue(md.contains("| # | backbone | classifier | role | pre-training data | mean gain | aptos | isic | tasks |"), md);
        assertTrue(md.contains("| 1 | SAM ViT-B | DeiT | foundation | SA-1B † | -17.69 % | -20.00 % (unfrozen) | -15.38 % (frozen) | 2 |"), md);
        assertTrue(md.contains("| 4 | DeiT-B/16 | linear | baseline, reference | ImageNet-1k † | +0.77 % | +0.00 % (unfrozen) | +1.54 % (frozen) | 2 |"), md);
        assertTrue(md.contains("| 6 | DINOv2 ViT-B/14 | DeiT | foundation | LVD-142M † | +9.13 % |"), md);
        assertTrue(md.indexOf("## Poster chart") < md.indexOf("## Relative performance gain"));

        ResultsDocument doc = ReportWriter.readResultsJson(out.resolve(ReportWriter.JSON));
        assertEquals(p, doc.aggregates().poster(), "results.json carries the poster rows");
    }

    @Test
    void theCommandLineSetsReferenceAndBaselines() throws IOException {
        Path results = out.resolve("run");
        for (CellResult r : ReportFixtures.posterMatrix()) io.github.dl4jtransfer.matrix.CellResults.write(
                io.github.dl4jtransfer.matrix.CellResults.dirUnder(results), r);
        ReportMain.run(new String[] {results.toString(), "--poster-reference", RESNET + ":linear", "--poster-baselines", "resnet, sam-vitb"});
        Poster p = ReportWriter.readResultsJson(results.resolve(ReportWriter.JSON)).aggregates().poster();
        assertEquals(RESNET, p.reference().model());
        assertEquals("linear", p.reference().target());
        assertEquals(List.of("resnet", SAM), p.baselines());
        assertTrue(row(p, SAM, "linear").baseline());
        assertFalse(row(p, DEIT, "deit").baseline());
        assertEquals(0.0, row(p, RESNET, "linear").meanGainPercent(), 1e-12);
    }

    @Test
    void parsesTheReferenceSpec() {
        assertEquals(new ReportOptions.PosterReference(DEIT, "linear"), ReportOptions.PosterReference.parse(" deit-b16 : linear "));
        assertEquals(new ReportOptions.PosterReference(DEIT, null), ReportOptions.PosterReference.parse(DEIT));
        assertEquals(new ReportOptions.PosterReference(null, UL), ReportOptions.PosterReference.parse(":" + UL));
        assertEquals(ReportOptions.PosterReference.AUTO, ReportOptions.PosterReference.parse(""));
    }

    private static Path sidecarOf(Path onnx) {
        return io.github.dl4jtransfer.model.Sidecar.besides(onnx);
    }

    private static CellResult withModelFile(CellResult r, String modelFile) {
        CellResult.Provenance p = r.provenance();
        CellResult.Provenance q = new CellResult.Provenance(modelFile, p.modelSha256(), p.deitTailSha256(), p.datasetFormat(),
                p.datasetPath(), p.datasetHash(), p.splitHash(), p.config(), p.seed(), p.versions(), p.backend(), p.host(),
                p.startedAt(), p.skippedImages());
        return new CellResult(r.key(), r.status(), r.error(), r.task(), r.valMetrics(), r.testMetrics(), r.history(),
                r.bestEpoch(), r.stoppedEarly(), r.timings(), r.peakMemoryBytes(), r.trainableParameters(),
                r.frozenParameters(), q);
    }

    private static CellResult renamed(CellResult r, String model) {
        CellKey k = r.key();
        return new CellResult(new CellKey(model, k.dataset(), k.scenario(), k.seed()), r.status(), r.error(), r.task(),
                r.valMetrics(), r.testMetrics(), r.history(), r.bestEpoch(), r.stoppedEarly(), r.timings(),
                r.peakMemoryBytes(), r.trainableParameters(), r.frozenParameters(), r.provenance());
    }
}
