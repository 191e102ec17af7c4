package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes a benchmark's report: {@code report.html} (self-contained: inline CSS and SVG charts, no script, no
 * external resource, so it opens offline and can be mailed or archived as one file), {@code report.md} (the
 * same tables, for a terminal or a pull request), {@code results.csv} (one row per cell) and
 * {@code results.json} (every cell plus the aggregates). The charts are also written as
 * {@code poster-gain.svg} and {@code relative-gain.svg}, which {@code report.md} shows.
 */
public final class ReportWriter {

    public static final String HTML = "report.html";
    public static final String MARKDOWN = "report.md";
    public static final String CSV = "results.csv";
    public static final String JSON = "results.json";
    public static final String GAIN_SVG = "relative-gain.svg";
    public static final String POSTER_SVG = "poster-gain.svg";


    private ReportWriter() {
    }

    /** Re-renders with default options from {@code resultsDir/cells/*.json} into {@code outDir}. */
    public static List<Path> render(Path resultsDir, Path outDir) {
        return render(resultsDir, outDir, ReportOptions.defaults());
    }

    /**
     * Re-renders from a results folder: {@code resultsDir/cells/*.json} (as the benchmark writes them), or
     * {@code resultsDir} itself when it holds the cell files directly.
     *
     * @throws IllegalArgumentException when no cell result is found, naming the folder looked in
     */
    public static List<Path> render(Path resultsDir, Path outDir, ReportOptions options) {
        Path cells = Files.isDirectory(CellResults.dirUnder(resultsDir)) ? CellResults.dirUnder(resultsDir) : resultsDir;
        List<CellResult> results = CellResults.readAll(cells);
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no cell results (*.json) in " + cells.toAbsolutePath()
                    + "; run the benchmark first, or point at the folder holding cells/");
        }
        return write(results, outDir, options);
    }

    /**
     * Writes every report file for {@code results} into {@code outDir} (created if needed), overwriting
     * earlier ones.
     *
     * @return the files written
     * @throws IllegalArgumentException when {@code options} name a baseline the results do not contain
     */
    public static List<Path> write(List<CellResult> results, Path outDir, ReportOptions options) {
        // The tables and bar charts compare backbones on whole training sets; cells on part of one (the
        // label-efficiency axis) have their own section.
        List<CellResult> whole = results.stream().filter(r -> r.key().trainSubset().isAll()).toList();
        Aggregates agg = Aggregates.compute(whole.isEmpty() ? results : whole, options);
        LabelEfficiency efficiency = LabelEfficiency.of(results);
        Map<String, String> efficiencySvgs = efficiency.charts();
        String gainSvg = agg.gains().stream().anyMatch(g -> !Double.isNaN(g.meanGainPercent()))
                ? Charts.relativeGainSvg(agg.gains(), agg.baseline().label(), ReportTables.metricNote(agg), "gain-chart")
                : null;
        String posterSvg = PosterSvg.render(agg.poster(), ReportTables.metricNote(agg));
        Map<String, String> convergence = new LinkedHashMap<>();
        int i = 0;
        for (String d : agg.datasets()) {
            Map<String, List<Double>> curves = new LinkedHashMap<>();
            for (Aggregates.GroupSummary g : ReportTables.groupsOf(agg, d)) {
                if (g.meanValCurve().stream().anyMatch(Double::isFinite)) curves.put(g.label(), g.meanValCurve());
            }
            if (!curves.isEmpty()) {
                String metric = ReportTables.headlineMetric(ReportTables.groupsOf(agg, d));
                convergence.put(d, Charts.convergenceSvg(d, metric == null ? "metric" : metric, curves, "conv" + (i++)));
            }
        }
        String generated = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

        try {
            Files.createDirectories(outDir);
            List<Path> written = new ArrayList<>();
            written.add(writeString(outDir.resolve(HTML), HtmlReport.render(options.title(), generated, results, agg, posterSvg, gainSvg,
                    convergence, efficiency, efficiencySvgs)));
            written.add(writeString(outDir.resolve(MARKDOWN), MarkdownReport.render(options.title(), generated, results, agg, gainSvg != null,
                    posterSvg != null, efficiency)));
            int e = 0;
            for (String svg : efficiencySvgs.values()) written.add(writeString(outDir.resolve("label-efficiency-" + (e++) + ".svg"), svg));
            written.add(writeString(outDir.resolve(CSV), csv(results)));
            ResultsDocument doc = new ResultsDocument(options.title(), agg, results);
            written.add(AtomicFiles.write(outDir.resolve(JSON), tmp -> Json.MAPPER.writeValue(tmp.toFile(), doc)));
            if (gainSvg != null) {
                // JFreeSVG's element carries its xmlns, so the same text is a valid standalone .svg for report.md.
                written.add(writeString(outDir.resolve(GAIN_SVG), gainSvg));
            } else {
                Files.deleteIfExists(outDir.resolve(GAIN_SVG));
            }
            if (posterSvg != null) {
                written.add(writeString(outDir.resolve(POSTER_SVG), posterSvg));
            } else {
                Files.deleteIfExists(outDir.resolve(POSTER_SVG));
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir, e);
        }
    }

    /** Reads a {@code results.json} back (cells and aggregates). */
    public static ResultsDocument readResultsJson(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), ResultsDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Atomically, so that a report open in a browser or read by CI is never seen half rewritten. */
    private static Path writeString(Path file, String text) throws IOException {
        return AtomicFiles.writeString(file, text);
    }

    // ---------------------------------------------------------------------------------------------- CSV

    static final List<String> CSV_LEAD = List.of("cell_id", "model", "dataset", "scenario", "seed", "train_subset", "status", "task",
            "task_type", "metric", "val_primary", "test_primary", "test_primary_ci_low", "test_primary_ci_high");
    static final List<String> CSV_TAIL = List.of("best_epoch", "epochs_run", "stopped_early", "total_ms", "feature_ms",
            "train_ms", "test_ms", "train_images_per_s", "feature_cache_hit", "peak_memory_bytes",
            "trainable_parameters", "frozen_parameters", "model_sha256", "deit_tail_sha256", "dataset_hash",
            "split_hash", "error");

    /**
     * One row per cell, with the bootstrap 95 % interval of the headline test metric (empty where the cell has none).
     * Test metrics get one column each ({@code test_<metric>}, union over all cells, empty
     * where a cell's task does not have it). Numbers are written in full precision, NaN as an empty field.
     */
    static String csv(List<CellResult> results) {
        TreeSet<String> metrics = new TreeSet<>();
        for (CellResult r : results) if (r.testMetrics() != null) metrics.addAll(r.testMetrics().keySet());
        List<String> header = new ArrayList<>(CSV_LEAD);
        for (String m : metrics) header.add("test_" + m);
        header.addAll(CSV_TAIL);

        StringBuilder sb = new StringBuilder();
        csvRow(sb, header);
        for (CellResult r : results) {
            List<String> row = new ArrayList<>();
            CellResult.TaskInfo task = r.task();
            row.add(r.key().id());
            row.add(r.key().model());
            row.add(r.key().dataset());
            row.add(r.key().scenario());
            row.add(Long.toString(r.key().seed()));
            row.add(r.key().subset());
            row.add(r.status().name());
            row.add(task == null ? "" : task.name());
            row.add(task == null ? "" : task.type());
            row.add(task == null ? "" : task.metric());
            row.add(num(r.primaryValMetric()));
            row.add(num(r.primaryTestMetric()));
            row.add(r.testInterval() == null ? "" : num(r.testInterval().low()));
            row.add(r.testInterval() == null ? "" : num(r.testInterval().high()));
            for (String m : metrics) {
                Double v = r.testMetrics() == null ? null : r.testMetrics().get(m);
                row.add(v == null ? "" : num(v));
            }
            CellResult.Timings t = r.timings();
            CellResult.Provenance p = r.provenance();
            row.add(Integer.toString(r.bestEpoch()));
            row.add(Integer.toString(r.history() == null ? 0 : r.history().size()));
            row.add(Boolean.toString(r.stoppedEarly()));
            row.add(t == null ? "" : Long.toString(t.totalMillis()));
            row.add(t == null ? "" : Long.toString(t.featureMillis()));
            row.add(t == null ? "" : Long.toString(t.trainMillis()));
            row.add(t == null ? "" : Long.toString(t.testMillis()));
            row.add(t == null ? "" : num(t.trainImagesPerSecond()));
            row.add(t == null ? "" : Boolean.toString(t.featureCacheHit()));
            row.add(Long.toString(r.peakMemoryBytes()));
            row.add(Long.toString(r.trainableParameters()));
            row.add(Long.toString(r.frozenParameters()));
            row.add(p == null ? "" : nz(p.modelSha256()));
            row.add(p == null ? "" : nz(p.deitTailSha256()));
            row.add(p == null ? "" : nz(p.datasetHash()));
            row.add(p == null ? "" : nz(p.splitHash()));
            row.add(nz(r.error()));
            csvRow(sb, row);
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends. */
    private static void csvRow(StringBuilder sb, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(',');
            String f = fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(f);
            }
        }
        sb.append("\r\n");
    }
}
