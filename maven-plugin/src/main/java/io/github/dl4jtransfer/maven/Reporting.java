package io.github.dl4jtransfer.maven;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.dl4jtransfer.bench.BenchmarkRunner;
import io.github.dl4jtransfer.bench.CellResult;
import org.apache.maven.plugin.logging.Log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The one place both goals write reports from. Today: {@code results.json} (every cell result, in plan order)
 * and {@code summary.txt} (the table printed at the end of a run).
 */
final class Reporting {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private Reporting() {
    }

    /** Writes the reports for {@code results} into {@code outDir} and prints the summary table. */
    static void write(List<CellResult> results, Path outDir, Log log) {
        // REPORT: call the report package here once it lands, e.g.
        //   ReportWriter.write(results, outDir, ReportOptions.defaults());
        // which adds report.html, report.md and results.csv next to results.json.
        try {
            Files.createDirectories(outDir);
            writeAtomically(outDir.resolve("results.json"), JSON.writeValueAsString(results));
            String summary = BenchmarkRunner.summary(results);
            writeAtomically(outDir.resolve("summary.txt"), summary);
            log.info("Summary (" + results.stream().filter(CellResult::isDone).count() + " of " + results.size() + " cells done):");
            for (String line : summary.split("\n")) log.info(line);
            log.info("Results: " + outDir.resolve("results.json") + " (per cell: " + outDir.resolve("cells") + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir, e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
