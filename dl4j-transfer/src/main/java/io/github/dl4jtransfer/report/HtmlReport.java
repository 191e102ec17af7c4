package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellResult;

import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: one file with inline CSS and inline SVG charts and no script or external reference, so
 * that it renders the same offline, in a CI artifact viewer or in headless Chromium.
 */
final class HtmlReport {

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;
              max-width:1100px;padding:0 1rem;color:#222;line-height:1.45}
            h1{font-size:1.7rem;margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:2px solid #eee;padding-bottom:.2rem}
            h3{margin-top:1.6rem}
            .meta{color:#555;font-size:.92rem}
            table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.88rem}
            th,td{border:1px solid #ddd;padding:.3rem .55rem;vertical-align:top}
            th{background:#f5f5f5;text-align:left} .num{text-align:right;font-variant-numeric:tabular-nums}
            tbody tr:nth-child(even){background:#fafafa}
            .chart svg{max-width:100%;height:auto;display:block}
            .warn{background:#fff7e0;border-left:4px solid #e0a800;padding:.5rem .8rem;margin:.8rem 0}
            .failed{color:#a40000} pre{white-space:pre-wrap;font-size:.8rem;background:#f7f7f7;padding:.5rem;margin:.3rem 0}
            details summary{cursor:pointer}
            """;

    private HtmlReport() {
    }

    static String render(String title, String generated, List<CellResult> cells, Aggregates agg, String posterSvg,
                         String gainSvg, Map<String, String> convergenceSvgs, LabelEfficiency efficiency,
                         Map<String, String> efficiencySvgs) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        long done = cells.stream().filter(CellResult::isDone).count();
        h.append("<p class=\"meta\">").append(cells.size()).append(" cells: ").append(done).append(" done, ")
                .append(cells.size() - done).append(" failed · protocol ").append(Html.escape(agg.protocol())).append(" · ")
                .append(agg.datasets().size()).append(" tasks · metric split: ")
                .append(Html.escape(agg.split())).append(" · generated ").append(Html.escape(generated)).append("</p>\n");
        for (String w : agg.warnings()) h.append("<div class=\"warn\">").append(Html.escape(w)).append("</div>\n");

        h.append("<h2 id=\"poster\">Poster chart</h2>\n");
        h.append("<p>").append(Html.escape(MarkdownReport.posterExplanation(agg))).append("</p>\n");
        if (posterSvg != null) h.append("<div class=\"chart\">\n").append(posterSvg).append("\n</div>\n");
        h.append(ReportTables.poster(agg).toHtml("poster"));
        List<String> notes = MarkdownReport.posterNotes(agg);
        if (!notes.isEmpty()) {
            h.append("<ul class=\"meta\">\n");
            for (String n : notes) h.append("<li>").append(Html.escape(n)).append("</li>\n");
            h.append("</ul>\n");
        }

        h.append("<h2 id=\"gain\">Relative performance gain</h2>\n");
        h.append("<p>").append(Html.escape(MarkdownReport.gainExplanation(agg))).append("</p>\n");
        if (gainSvg != null) h.append("<div class=\"chart\">\n").append(gainSvg).append("\n</div>\n");
        h.append(ReportTables.relativeGain(agg).toHtml("gain"));

        if (!efficiency.isEmpty()) {
            h.append("<h2 id=\"label-efficiency\">Label efficiency</h2>\n");
            h.append("<p>").append(Html.escape(LabelEfficiency.EXPLANATION)).append("</p>\n");
            for (String d : efficiency.curves().keySet()) {
                h.append("<h3>").append(Html.escape(d)).append("</h3>\n");
                String svg = efficiencySvgs.get(d);
                if (svg != null) h.append("<div class=\"chart\">\n").append(svg).append("\n</div>\n");
                h.append(efficiency.table(d).toHtml("efficiency"));
            }
        }

        h.append("<h2 id=\"tasks\">Per-task results</h2>\n");
        h.append("<p>").append(Html.escape(MarkdownReport.TASKS)).append("</p>\n");
        for (String d : agg.datasets()) {
            List<Aggregates.GroupSummary> groups = ReportTables.groupsOf(agg, d);
            h.append("<h3>").append(Html.escape(d)).append("</h3>\n<p class=\"meta\">")
                    .append(Html.escape(MarkdownReport.taskLine(groups))).append("</p>\n");
            h.append(ReportTables.task(agg, d).toHtml("task"));
            List<CellResult> failed = ReportTables.failed(cells, d);
            if (!failed.isEmpty()) {
                h.append("<p class=\"failed\">Failed cells:</p>\n<ul>\n");
                for (CellResult r : failed) {
                    h.append("<li class=\"failed\"><details><summary>").append(Html.escape(r.key().describe())).append(": ")
                            .append(Html.escape(ReportTables.firstLine(r.error()))).append("</summary><pre>")
                            .append(Html.escape(r.error() == null ? "" : r.error())).append("</pre></details></li>\n");
                }
                h.append("</ul>\n");
            }
        }

        h.append("<h2 id=\"convergence\">Convergence</h2>\n");
        h.append("<p>Validation headline metric per epoch, mean over seeds. Epochs to best: the epoch (1-based) whose "
                + "checkpoint was tested, mean ± std over seeds.</p>\n");
        for (String d : agg.datasets()) {
            h.append("<h3>").append(Html.escape(d)).append("</h3>\n");
            String svg = convergenceSvgs.get(d);
            if (svg != null) h.append("<div class=\"chart\">\n").append(svg).append("\n</div>\n");
            h.append(ReportTables.convergence(agg, d).toHtml("convergence"));
        }

        h.append("<h2 id=\"cost\">Cost</h2>\n");
        h.append(ReportTables.cost(cells).toHtml("cost"));
        h.append("</body>\n</html>\n");
        return h.toString();
    }
}
