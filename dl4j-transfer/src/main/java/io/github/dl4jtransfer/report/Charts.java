package io.github.dl4jtransfer.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.CategoryLineAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartHints;
import org.jfree.svg.SVGHints;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.PreserveAspectRatio;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report's charts, drawn by JFreeChart onto JFreeSVG's Graphics2D so that they embed in the HTML as
 * inline SVG: vector, searchable text, no external file or script.
 */
final class Charts {

    static {
        // Charts are drawn in builds and forked workers without a display; AWT must not look for one. Only
        // effective before AWT initialises, which is why it sits in the first class that touches AWT.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Colour-blind-safe palette (Okabe–Ito), cycled. */
    private static final Color[] PALETTE = {
            new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0x56B4E9), new Color(0xD55E00), new Color(0xF0E442), new Color(0x000000)};

    static final int WIDTH = 960;

    private Charts() {
    }

    /**
     * The study's chart: one horizontal bar per backbone × classifier, mean relative gain in %, best on top,
     * coloured by scenario. Groups without a comparable dataset (NaN) are left out; the tables list them.
     */
    static String relativeGainSvg(List<Aggregates.RelativeGain> gains, String baselineLabel, String metricNote,
                                  String idPrefix) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> scenarioOfColumn = new ArrayList<>();
        List<Aggregates.RelativeGain> drawn = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Aggregates.RelativeGain g : gains) {
            if (Double.isNaN(g.meanGainPercent())) continue;
            String label = g.isBaseline() ? g.label() + " (baseline)" : g.label();
            // Category keys must be unique; two model ids with the same display name keep their ids apart.
            if (!used.add(label)) {
                label = label + " [" + g.model() + "]";
                used.add(label);
            }
            data.addValue(g.meanGainPercent(), "gain", label);
            scenarioOfColumn.add(g.scenario());
            drawn.add(g);
        }
        Map<String, Color> scenarioColours = new LinkedHashMap<>();
        for (String s : scenarioOfColumn) scenarioColours.computeIfAbsent(s, k -> PALETTE[scenarioColours.size() % PALETTE.length]);

        JFreeChart chart = ChartFactory.createBarChart(null, null, "relative performance gain (%)", data,
                PlotOrientation.HORIZONTAL, false, false, false);
        boolean intervals = drawn.stream().anyMatch(g -> g.interval() != null);
        chart.addSubtitle(new TextTitle("vs " + baselineLabel + " · mean over tasks · " + metricNote
                + (intervals ? " · whiskers: paired bootstrap 95 % CI, " + ReportTables.SIGNIFICANT + " where it excludes 0" : ""),
                new Font(Font.SANS_SERIF, Font.PLAIN, 13)));
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return scenarioColours.get(scenarioOfColumn.get(column));
            }
        };
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.08);
        // The value, and the marker on bars whose paired interval excludes 0.
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2} %", new DecimalFormat("+0.0;−0.0")) {
            @Override
            public String generateLabel(org.jfree.data.category.CategoryDataset dataset, int row, int column) {
                String text = super.generateLabel(dataset, row, column);
                return drawn.get(column).significant() ? text + " " + ReportTables.SIGNIFICANT : text;
            }
        });
        renderer.setDefaultItemLabelsVisible(true);
        // Value at the bar's end, outside it: a 0 % (baseline) bar has no inside to hold a label.
        renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        renderer.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));
        renderer.setItemLabelAnchorOffset(4.0);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        plot.setRenderer(renderer);
        LegendItemCollection legend = new LegendItemCollection();
        scenarioColours.forEach((s, c) -> legend.add(new LegendItem(Labels.scenario(s), c)));
        plot.setFixedLegendItems(legend);
        chart.addLegend(new org.jfree.chart.title.LegendTitle(plot));
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        plot.addRangeMarker(new ValueMarker(0.0, Color.DARK_GRAY, new BasicStroke(1.2f)));
        CategoryAxis axis = plot.getDomainAxis();
        axis.setMaximumCategoryLabelWidthRatio(0.45f);
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        NumberAxis range = (NumberAxis) plot.getRangeAxis();
        // Room for the value labels at the bar ends, on both sides of zero.
        range.setUpperMargin(0.15);
        range.setLowerMargin(0.15);
        if (intervals) whiskers(plot, range, data, drawn);
        int height = 140 + 30 * Math.max(1, data.getColumnCount());
        return toSvg(chart, WIDTH, height, idPrefix);
    }

    /**
     * Each bar's interval as a line along its middle, and a value axis wide enough to show them all (the automatic
     * range knows the bars only).
     */
    private static void whiskers(CategoryPlot plot, NumberAxis range, DefaultCategoryDataset data, List<Aggregates.RelativeGain> drawn) {
        double lo = 0, hi = 0;
        for (int c = 0; c < drawn.size(); c++) {
            Aggregates.RelativeGain g = drawn.get(c);
            lo = Math.min(lo, g.meanGainPercent());
            hi = Math.max(hi, g.meanGainPercent());
            if (g.interval() == null) continue;
            lo = Math.min(lo, g.interval().low());
            hi = Math.max(hi, g.interval().high());
            plot.addAnnotation(new CategoryLineAnnotation(data.getColumnKey(c), g.interval().low(), data.getColumnKey(c),
                    g.interval().high(), new Color(0x333333), new BasicStroke(1.6f)));
        }
        double pad = Math.max(1e-9, (hi - lo) * 0.18);
        range.setRange(lo - pad, hi + pad);
    }

    /**
     * Validation headline metric per epoch on one dataset, a line per model × scenario (mean over seeds).
     *
     * @param curves label → mean validation metric per 0-based epoch (NaN where no seed has a value)
     */
    static String convergenceSvg(String dataset, String metric, Map<String, List<Double>> curves, String idPrefix) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<Double>> e : curves.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            List<Double> c = e.getValue();
            for (int i = 0; i < c.size(); i++) {
                if (Double.isFinite(c.get(i))) s.add(i + 1, c.get(i));
            }
            if (s.getItemCount() > 0) data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(dataset + " — validation " + metric + " per epoch", "epoch",
                "validation " + metric, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = styledLines(chart, data.getSeriesCount());
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return toSvg(chart, WIDTH, 420, idPrefix);
    }

    /**
     * Label efficiency on one dataset: test headline metric (mean over seeds) against the share of the training set,
     * log x axis, a line per backbone × classifier.
     */
    static String labelEfficiencySvg(String dataset, String metric, Map<String, List<LabelEfficiency.Point>> curves, String idPrefix) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<LabelEfficiency.Point>> e : curves.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), true, true);
            for (LabelEfficiency.Point p : e.getValue()) if (p.share() > 0 && Double.isFinite(p.mean())) s.add(p.share(), p.mean());
            if (s.getItemCount() > 0) data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(dataset + " — test " + metric + " by training-set share", "share of the training set",
                "test " + metric, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = styledLines(chart, data.getSeriesCount());
        LogAxis x = new LogAxis("share of the training set (log scale)");
        x.setBase(10);
        x.setNumberFormatOverride(new DecimalFormat("0.###%"));
        x.setSmallestValue(1e-4);
        // Ticks at whole decades (1%, 10%, 100%), not at JFreeChart's fractional powers (12.589%, 15.849%, …).
        x.setAutoTickUnitSelection(false);
        x.setTickUnit(new NumberTickUnit(1.0));
        // From the decade at or below the smallest share (a "10%" subset of whole groups may hold 11.8% of the images)
        // to 100%, with a little room on both sides, so that both ends have a labelled tick.
        double smallest = 1;
        for (int i = 0; i < data.getSeriesCount(); i++) smallest = Math.min(smallest, data.getSeries(i).getMinX());
        x.setRange(Math.pow(10, Math.floor(Math.log10(Math.max(1e-4, smallest)) + 1e-9)) / 1.15, 1.15);
        plot.setDomainAxis(x);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return toSvg(chart, WIDTH, 420, idPrefix);
    }

    /** A line chart in the report's style: a palette colour and a 2 px line with markers per series. */
    private static XYPlot styledLines(JFreeChart chart, int series) {
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series; i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        return plot;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        if (chart.getTitle() != null) chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        if (chart.getPlot() instanceof CategoryPlot p) {
            p.setBackgroundPaint(Color.WHITE);
            p.setRangeGridlinePaint(new Color(0xDDDDDD));
            p.setOutlineVisible(false);
        } else if (chart.getPlot() instanceof XYPlot p) {
            p.setBackgroundPaint(Color.WHITE);
            p.setRangeGridlinePaint(new Color(0xDDDDDD));
            p.setDomainGridlinePaint(new Color(0xDDDDDD));
            p.setOutlineVisible(false);
        }
    }

    /**
     * The chart as an {@code <svg>} element. {@code idPrefix} keeps clip-path and gradient ids unique when
     * several charts share one HTML page (JFreeSVG numbers its defs from 0 in every document).
     */
    static String toSvg(JFreeChart chart, int width, int height, String idPrefix) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix(idPrefix);
        // Element hints wrap each drawn data item in a <g> that names it (jfreesvg:ref): bars and points can be found
        // in the page (the browser test counts them) and by anyone scripting the SVG.
        chart.setElementHinting(true);
        if (!SVGHints.isBeginGroupKey(ChartHints.KEY_BEGIN_ELEMENT)) {
            SVGHints.addBeginGroupKey(ChartHints.KEY_BEGIN_ELEMENT);
            SVGHints.addEndGroupKey(ChartHints.KEY_END_ELEMENT);
        }
        chart.draw(g2, new Rectangle(0, 0, width, height));
        return g2.getSVGElement(idPrefix, true, new ViewBox(0, 0, width, height), PreserveAspectRatio.XMID_YMID, null);
    }
}
