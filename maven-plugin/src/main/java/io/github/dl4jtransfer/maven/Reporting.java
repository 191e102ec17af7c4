package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.matrix.BenchmarkRunner;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;
import io.github.dl4jtransfer.report.ReportOptions;
import io.github.dl4jtransfer.report.ReportWriter;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place both goals write reports from: the report package's files ({@code report.html}, {@code report.md},
 * {@code results.csv}, {@code results.json}) and {@code summary.txt} (the table printed at the end of a run).
 */
final class Reporting {

    private Reporting() {
    }

    /**
     * Writes report.html, report.md, results.csv and results.json (the report package) plus summary.txt for
     * {@code results} into {@code outDir}, and prints the summary table.
     */
    static void write(List<CellResult> results, Path outDir, ReportOptions options, Log log) throws MojoFailureException {
        try {
            Files.createDirectories(outDir);
            List<Path> written = results.isEmpty() ? List.of() : ReportWriter.write(results, outDir, options);
            String summary = BenchmarkRunner.summary(results);
            writeAtomically(outDir.resolve("summary.txt"), summary);
            log.info("Summary (" + results.stream().filter(CellResult::isDone).count() + " of " + results.size() + " cells done):");
            for (String line : summary.split("\n")) log.info(line);
            for (Path p : written) log.info("Report: " + p);
            log.info("Per-cell results: " + CellResults.dirUnder(outDir));
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("cannot write the report: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir, e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }
}
