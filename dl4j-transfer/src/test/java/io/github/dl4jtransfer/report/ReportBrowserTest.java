package io.github.dl4jtransfer.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.dl4jtransfer.matrix.CellResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * report.html in a real browser (headless Chromium): no console error or uncaught exception, every chart an SVG
 * that renders with a size, and as many bars as the report's data has. The screenshot stays under
 * {@code target/report-browser/}. Without Chromium the test is skipped, unless {@code TRANSFER_REQUIRE_BROWSER=1}
 * (CI sets it, after installing Debian's {@code chromium}).
 */
class ReportBrowserTest {

    @TempDir
    Path dir;

    /** The relative-gain chart's bars: one per comparable backbone × classifier, drawn where the gain is not 0. */
    record Bars(long items, long drawn) {
        static Bars of(Aggregates a) {
            return new Bars(a.gains().stream().filter(g -> !Double.isNaN(g.meanGainPercent())).count(),
                    a.gains().stream().filter(g -> !Double.isNaN(g.meanGainPercent()) && g.meanGainPercent() != 0).count());
        }
    }

    /** What the checks found on a page; empty when it passed. */
    record Findings(List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    @Test
    void theReportRendersItsChartsWithEveryBarAndNoError() throws Exception {
        Path chromium = chromium();
        List<CellResult> cells = ReportFixtures.posterMatrix();
        Path out = dir.resolve("report");
        ReportWriter.write(cells, out, ReportOptions.builder().title("Browser check").build());
        Aggregates a = Aggregates.compute(cells, ReportOptions.builder().build());
        Bars gainBars = Bars.of(a);
        int posterBars = a.poster().rows().size();
        assertTrue(gainBars.drawn() > 1 && posterBars > 1, "a report with charts to check");

        Findings f = check(chromium, out.resolve("report.html"), gainBars, posterBars, Path.of("target", "report-browser", "report.png"));
        assertTrue(f.ok(), String.join("\n", f.problems()));
        assertTrue(Files.size(Path.of("target", "report-browser", "report.png")) > 10_000, "a screenshot of the page");
    }

    /** The check itself fails a page whose chart is gone or whose script errs: it is not a test that cannot fail. */
    @Test
    void aPageWithoutItsChartOrWithAScriptErrorFails() throws Exception {
        Path chromium = chromium();
        List<CellResult> cells = ReportFixtures.posterMatrix();
        Path out = dir.resolve("report");
        ReportWriter.write(cells, out, ReportOptions.builder().build());
        Aggregates a = Aggregates.compute(cells, ReportOptions.builder().build());
        Bars gainBars = Bars.of(a);
        int posterBars = a.poster().rows().size();
        String html = Files.readString(out.resolve("report.html"));

        int start = html.indexOf("<svg id='gain-chart'");
        assertTrue(start >= 0, "the report has the relative-gain chart");
        Path noChart = Files.writeString(out.resolve("no-chart.html"), html.substring(0, start) + html.substring(html.indexOf("</svg>", start) + 6));
        Findings missing = check(chromium, noChart, gainBars, posterBars, dir.resolve("no-chart.png"));
        assertTrue(missing.problems().stream().anyMatch(p -> p.startsWith("relative-gain chart: 0 bars (0 drawn)")), missing.problems().toString());

        Path broken = Files.writeString(out.resolve("broken.html"), html.replace("</body>", "<script>undefinedFunction();</script></body>"));
        Findings error = check(chromium, broken, gainBars, posterBars, dir.resolve("broken.png"));
        assertTrue(error.problems().stream().anyMatch(p -> p.contains("undefinedFunction")), error.problems().toString());
    }

    private static Path chromium() {
        Path c = HeadlessChromium.find();
        if (c == null && "1".equals(System.getenv("TRANSFER_REQUIRE_BROWSER"))) {
            throw new AssertionError("TRANSFER_REQUIRE_BROWSER=1 but no chromium on PATH: apt-get install -y chromium");
        }
        Assumptions.assumeTrue(c != null, "no chromium on PATH (apt-get install -y chromium)");
        return c;
    }

    /** Opens {@code page}, takes its screenshot, and lists what is wrong with it. */
    static Findings check(Path chromium, Path page, Bars gainBars, int posterBars, Path screenshot) throws Exception {
        List<String> problems = new java.util.ArrayList<>();
        try (HeadlessChromium browser = new HeadlessChromium(chromium, Files.createTempDirectory("chromium-profile"))) {
            browser.open(page.toAbsolutePath(), 1280, 900);
            browser.screenshot(screenshot);
            problems.addAll(browser.errors());
            JsonNode svgs = browser.evaluate("[...document.querySelectorAll('svg')].map(s => { const r = s.getBoundingClientRect();"
                    + " return {id: s.id, w: r.width, h: r.height, shapes: s.querySelectorAll('rect,path,line,polyline,text').length}; })");
            if (svgs.size() == 0) problems.add("no SVG chart in the page");
            for (JsonNode s : svgs) {
                if (s.path("w").asDouble() < 100 || s.path("h").asDouble() < 100 || s.path("shapes").asInt() == 0) {
                    problems.add("chart " + s.path("id").asText("(no id)") + " renders empty: " + s);
                }
            }
            JsonNode duplicates = browser.evaluate("(() => { const seen = {}; for (const e of document.querySelectorAll('[id]')) seen[e.id] = (seen[e.id] || 0) + 1;"
                    + " return Object.keys(seen).filter(k => seen[k] > 1); })()");
            if (duplicates.size() > 0) problems.add("ids used more than once (links and scripts find the first only): " + duplicates);
            // The chart marks each data item (one bar per backbone × classifier) with an element hint naming its
            // category, around the bar's shape; a 0 % bar (the baseline's) has no shape to draw.
            JsonNode gain = browser.evaluate("(() => { const g = document.getElementById('gain-chart');"
                    + " const items = g ? [...g.querySelectorAll('g')].filter(e => (e.getAttribute('jfreesvg:ref') || '').includes('\"columnKey\"')) : [];"
                    + " return {items: items.length, drawn: items.filter(e => e.querySelector('rect,path') !== null).length}; })()");
            if (gain.path("items").asLong() != gainBars.items() || gain.path("drawn").asLong() != gainBars.drawn()) {
                problems.add("relative-gain chart: " + gain.path("items").asLong() + " bars (" + gain.path("drawn").asLong() + " drawn), "
                        + gainBars.items() + " (" + gainBars.drawn() + ") expected");
            }
            int poster = browser.evaluate("document.querySelectorAll('svg g.bar').length").asInt();
            if (poster != posterBars) problems.add("poster chart: " + poster + " bars drawn, " + posterBars + " expected");
        }
        return new Findings(problems);
    }
}
