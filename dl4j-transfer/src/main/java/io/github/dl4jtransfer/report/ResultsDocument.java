package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellResult;

import java.util.List;

/**
 * The content of {@code results.json}: every cell as recorded and the aggregates the report shows, so that
 * other tools (a notebook, a dashboard) need neither the cells folder nor this library's arithmetic.
 *
 * @param title      the report title
 * @param aggregates seed statistics and relative gains
 * @param cells      every cell, failed ones included, in report order
 */
public record ResultsDocument(String title, Aggregates aggregates, List<CellResult> cells) {
}
