package io.github.dl4jtransfer.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain table, built once and rendered to both HTML and Markdown so that the two reports cannot drift.
 *
 * @param header  column titles
 * @param rows    cells as display text (already formatted)
 * @param numeric per column, right-align (numbers) or not
 */
record Table(List<String> header, List<List<String>> rows, List<Boolean> numeric) {

    Table {
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("row has " + r.size() + " cells, header " + header.size() + ": " + r);
            }
        }
    }

    static Builder builder(String... header) {
        return new Builder(List.of(header));
    }

    static final class Builder {
        private final List<String> header;
        private final List<Boolean> numeric = new ArrayList<>();
        private final List<List<String>> rows = new ArrayList<>();

        private Builder(List<String> header) {
            this.header = new ArrayList<>(header);
            for (int i = 0; i < header.size(); i++) numeric.add(i > 0);
        }

        Builder column(String title, boolean isNumeric) {
            header.add(title);
            numeric.add(isNumeric);
            return this;
        }

        Builder textColumn(int index) {
            numeric.set(index, false);
            return this;
        }

        Builder row(List<String> cells) {
            rows.add(List.copyOf(cells));
            return this;
        }

        Table build() {
            return new Table(List.copyOf(header), List.copyOf(rows), List.copyOf(numeric));
        }
    }

    String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append('|');
        for (String h : header) sb.append(' ').append(md(h)).append(" |");
        sb.append("\n|");
        for (Boolean n : numeric) sb.append(n ? "---:|" : "---|");
        sb.append('\n');
        for (List<String> r : rows) {
            sb.append('|');
            for (String c : r) sb.append(' ').append(md(c)).append(" |");
            sb.append('\n');
        }
        return sb.toString();
    }

    String toHtml(String cssClass) {
        StringBuilder sb = new StringBuilder();
        sb.append("<table class=\"").append(Html.escape(cssClass)).append("\">\n<thead><tr>");
        for (int i = 0; i < header.size(); i++) {
            sb.append(numeric.get(i) ? "<th class=\"num\">" : "<th>").append(Html.escape(header.get(i))).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                sb.append(numeric.get(i) ? "<td class=\"num\">" : "<td>").append(Html.escape(r.get(i))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table>\n");
        return sb.toString();
    }

    /** A Markdown table cell is one line, and a bare pipe would end it. */
    static String md(String s) {
        if (s == null) return "";
        return s.replace("\r", "").replace("\n", " ").replace("|", "\\|");
    }
}
