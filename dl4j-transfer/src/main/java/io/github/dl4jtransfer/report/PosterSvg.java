package io.github.dl4jtransfer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The poster chart as SVG, written directly rather than through JFreeChart: vertical bars in the poster's order
 * (ascending) with three label rows under the plot — classifier, backbone, pre-training data — written
 * vertically as on the poster, which a category axis cannot lay out. Plain shapes and text, no ids, no script;
 * each bar is a {@code <g class="bar">} whose {@code <title>} names it (a tooltip in a browser).
 */
final class PosterSvg {

    static final int WIDTH = Charts.WIDTH;

    private static final String LINEAR = "#0072B2";
    private static final String DEIT = "#E69F00";
    private static final String BASELINE = "#8C8C8C";
    private static final String FONT = "font-family=\"DejaVu Sans,Helvetica,Arial,sans-serif\"";

    private static final int LEFT = 132;
    private static final int RIGHT = 20;
    private static final int TOP = 104;
    private static final int PLOT_HEIGHT = 300;
    /** Average advance of an 11 px sans-serif character, for sizing the vertical label rows. */
    private static final double CHAR = 6.4;
    /** Longest line of a label under the plot, and the spacing of its wrapped lines. */
    private static final int WRAP = 22;
    private static final double LINE = 12.5;

    private PosterSvg() {
    }

    /**
     * @param poster     the rows to draw; rows without a mean gain (NaN) are left out
     * @param metricNote "test metric — aptos: quadratic_kappa, …"
     * @return the {@code <svg>} element, or null when no row has a gain
     */
    static String render(Poster poster, String metricNote) {
        List<Poster.Row> rows = poster.rows().stream().filter(r -> Double.isFinite(r.meanGainPercent())).toList();
        if (rows.isEmpty()) return null;

        double lo = 0, hi = 0;
        for (Poster.Row r : rows) {
            lo = Math.min(lo, r.meanGainPercent());
            hi = Math.max(hi, r.meanGainPercent());
        }
        if (hi - lo < 1e-9) hi = lo + 1;
        double pad = 0.12 * (hi - lo);
        if (hi > 0) hi += pad;
        if (lo < 0) lo -= pad;
        double step = niceStep((hi - lo) / 5);

        int h1 = rowHeight(rows.stream().map(Poster.Row::classifierLabel).toList());
        int h2 = rowHeight(rows.stream().map(Poster.Row::backbone).toList());
        int h3 = rowHeight(rows.stream().map(PosterSvg::pretraining).toList());
        int labelsTop = TOP + PLOT_HEIGHT + 14;
        int height = labelsTop + h1 + h2 + h3 + 12;
        double band = (WIDTH - LEFT - RIGHT) / (double) rows.size();
        double barWidth = Math.min(56, band * 0.7);

        StringBuilder s = new StringBuilder(8 * 1024);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"relative performance gain per backbone and classifier\" ")
                .append(FONT).append(">\n");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" fill=\"#fff\"/>\n");

        // Title, reference and rule, metric.
        s.append(text(WIDTH / 2.0, 22, "middle", "font-size=\"15\" font-weight=\"bold\"",
                "Relative performance gain (%) — average across tasks"));
        Poster.Reference ref = poster.reference();
        s.append(text(WIDTH / 2.0, 42, "middle", "font-size=\"12\" fill=\"#444\"",
                "vs " + (ref.label() == null ? "(no reference)" : ref.label())
                        + " · each bar the better of frozen/unfrozen per task"));
        s.append(text(WIDTH / 2.0, 59, "middle", "font-size=\"12\" fill=\"#444\"", metricNote));
        legend(s, rows);

        // Grid, ticks, zero line.
        s.append("<g class=\"axis\" font-size=\"11\" fill=\"#333\">\n");
        for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
            double y = y(t, lo, hi);
            s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(f(y))
                    .append("\" y2=\"").append(f(y)).append("\" stroke=\"#ddd\" stroke-width=\"1\"/>\n");
            s.append(text(LEFT - 6, y + 4, "end", "", tick(t, step)));
        }
        s.append("</g>\n");
        double zero = y(0, lo, hi);
        double axisX = LEFT - 46;
        s.append("<text transform=\"translate(").append(f(axisX)).append(',').append(f(TOP + PLOT_HEIGHT / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">relative performance gain (%)</text>\n");

        // Bars, left to right in the rows' (ascending) order.
        for (int i = 0; i < rows.size(); i++) {
            Poster.Row r = rows.get(i);
            double v = r.meanGainPercent();
            double cx = LEFT + band * (i + 0.5);
            double yv = y(v, lo, hi);
            double top = Math.min(yv, zero);
            double h = Math.max(1, Math.abs(yv - zero));
            String tip = r.label() + (r.baseline() ? " (baseline)" : "") + (r.reference() ? " (reference)" : "") + ": "
                    + value(v) + " % · " + pretraining(r);
            s.append("<g class=\"bar\"><title>").append(Html.escape(tip)).append("</title>");
            s.append("<rect x=\"").append(f(cx - barWidth / 2)).append("\" y=\"").append(f(top)).append("\" width=\"")
                    .append(f(barWidth)).append("\" height=\"").append(f(h)).append("\" fill=\"").append(colour(r)).append('"')
                    .append(r.reference() ? " stroke=\"#000\" stroke-width=\"1.5\"" : "").append("/>");
            s.append(text(cx, v >= 0 ? yv - 4 : yv + 13, "middle", "font-size=\"10.5\"", value(v)).stripTrailing());
            s.append("</g>\n");
        }
        s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(f(zero))
                .append("\" y2=\"").append(f(zero)).append("\" stroke=\"#333\" stroke-width=\"1.2\"/>\n");

        // Label rows under the plot, as on the poster: classifier, backbone, pre-training data.
        int y1 = labelsTop, y2 = y1 + h1, y3 = y2 + h2;
        labelRow(s, rows, band, y1, h1, "Classifier", rows.stream().map(Poster.Row::classifierLabel).toList());
        labelRow(s, rows, band, y2, h2, "Backbone", rows.stream().map(r -> r.backbone() + (r.reference() ? " *" : "")).toList());
        labelRow(s, rows, band, y3, h3, "Pre-training data", rows.stream().map(PosterSvg::pretraining).toList());
        s.append("</svg>");
        return s.toString();
    }

    private static void legend(StringBuilder s, List<Poster.Row> rows) {
        boolean anyLinear = rows.stream().anyMatch(r -> !r.baseline() && r.classifier().equals("linear"));
        boolean anyDeit = rows.stream().anyMatch(r -> !r.baseline() && !r.classifier().equals("linear"));
        boolean anyBaseline = rows.stream().anyMatch(Poster.Row::baseline);
        boolean anyReference = rows.stream().anyMatch(Poster.Row::reference);
        double x = LEFT;
        double y = 80;
        s.append("<g class=\"legend\" font-size=\"11.5\">\n");
        if (anyLinear) x = swatch(s, x, y, LINEAR, null, "linear classifier");
        if (anyDeit) x = swatch(s, x, y, DEIT, null, "DeiT classifier");
        if (anyBaseline) x = swatch(s, x, y, BASELINE, null, "ImageNet baseline (linear)");
        if (anyReference) swatch(s, x, y, "#fff", "#000", "* reference's own bar");
        s.append("</g>\n");
    }

    private static double swatch(StringBuilder s, double x, double y, String fill, String stroke, String label) {
        s.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y - 10)).append("\" width=\"12\" height=\"12\" fill=\"")
                .append(fill).append('"').append(stroke == null ? "" : " stroke=\"" + stroke + "\" stroke-width=\"1.5\"").append("/>");
        s.append(text(x + 17, y, "start", "", label));
        return x + 17 + label.length() * CHAR + 22;
    }

    private static void labelRow(StringBuilder s, List<Poster.Row> rows, double band, int top, int height, String header,
                                 List<String> labels) {
        s.append("<g class=\"labels\" font-size=\"11\">\n");
        s.append("<line x1=\"8\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(top).append("\" y2=\"").append(top)
                .append("\" stroke=\"#eee\" stroke-width=\"1\"/>\n");
        s.append(text(8, top + height / 2.0 + 4, "start", "font-size=\"12\" font-weight=\"bold\"", header));
        for (int i = 0; i < rows.size(); i++) {
            double cx = LEFT + band * (i + 0.5);
            List<String> lines = wrap(labels.get(i));
            for (int j = 0; j < lines.size(); j++) {
                // rotate(-90): the text reads upwards and, anchored at its end, hangs down from the row's top;
                // wrapped lines stand side by side, centred on the bar.
                double x = cx + 4 + (j - (lines.size() - 1) / 2.0) * LINE;
                s.append("<text transform=\"translate(").append(f(x)).append(',').append(top + 5)
                        .append(") rotate(-90)\" text-anchor=\"end\">").append(Html.escape(lines.get(j))).append("</text>\n");
            }
        }
        s.append("</g>\n");
    }

    private static int rowHeight(List<String> labels) {
        int longest = labels.stream().flatMap(l -> wrap(l).stream()).mapToInt(String::length).max().orElse(1);
        return (int) Math.ceil(14 + longest * CHAR);
    }

    /** Words packed into lines of at most {@link #WRAP} characters (a longer word gets a line of its own). */
    static List<String> wrap(String label) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : label.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > WRAP) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    static String pretraining(Poster.Row r) {
        return r.pretrainingData() == null ? "pre-training data unknown" : r.pretrainingData();
    }

    private static String colour(Poster.Row r) {
        if (r.baseline()) return BASELINE;
        return r.classifier().equals("linear") ? LINEAR : DEIT;
    }

    private static double y(double v, double lo, double hi) {
        return TOP + (hi - v) / (hi - lo) * PLOT_HEIGHT;
    }

    /** 1, 2 or 5 × a power of ten, the first at least {@code raw}. */
    static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        double m = n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10;
        return m * mag;
    }

    private static String tick(double t, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        double v = Math.abs(t) < step * 1e-6 ? 0 : t;
        String s = String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v));
        return v < 0 ? "−" + s : s;
    }

    /** "+1.2" / "−3.4" (typographic minus, as the relative-gain chart). */
    static String value(double v) {
        double r = Math.round(v * 10) / 10.0;
        String s = String.format(Locale.ROOT, "%.1f", Math.abs(r));
        return r < 0 ? "−" + s : "+" + s;
    }

    private static String text(double x, double y, String anchor, String attributes, String content) {
        return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" text-anchor=\"" + anchor + "\""
                + (attributes.isEmpty() ? "" : " " + attributes) + ">" + Html.escape(content) + "</text>\n";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
