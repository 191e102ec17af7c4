package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reads and writes cell results as one JSON file per cell ({@code cells/<id>.json}); writes are atomic. */
public final class CellResults {


    private CellResults() {
    }

    /** The cell results' folder under a benchmark's output directory. */
    public static Path dirUnder(Path outputDir) {
        return outputDir.resolve("cells");
    }

    public static Path fileFor(Path cellsDir, CellKey key) {
        return cellsDir.resolve(key.id() + ".json");
    }

    /**
     * Writes atomically ({@link AtomicFiles}): a reader (or a resumed run after a crash) sees either the old
     * file or the complete new one, never half a file.
     */
    public static Path write(Path cellsDir, CellResult result) {
        try {
            return AtomicFiles.write(fileFor(cellsDir, result.key()), tmp -> Json.MAPPER.writeValue(tmp.toFile(), result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the result of " + result.key().describe() + " to " + cellsDir, e);
        }
    }

    public static CellResult read(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), CellResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cell result " + file + " (delete it to re-run that cell): " + e.getMessage(), e);
        }
    }

    /** Every {@code *.json} cell result in a folder, sorted by cell id; an absent folder gives an empty list. */
    public static List<CellResult> readAll(Path cellsDir) {
        if (!Files.isDirectory(cellsDir)) return List.of();
        try (Stream<Path> files = Files.list(cellsDir)) {
            List<CellResult> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) out.add(read(f));
            out.sort(Comparator.comparing(r -> r.key().id()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cellsDir, e);
        }
    }

    /** "N of M cells failed…" with each failed cell's first error line, or null when every cell is done. */
    public static String failureSummary(List<CellResult> results, Path cellsDir) {
        List<CellResult> failed = results.stream().filter(r -> !r.isDone()).toList();
        if (failed.isEmpty()) return null;
        StringBuilder sb = new StringBuilder(failed.size() + " of " + results.size() + " cells failed (their errors are in "
                + cellsDir + "; a rerun retries only them):");
        for (CellResult r : failed) {
            sb.append("\n  ").append(r.key().describe()).append(": ").append(r.error() == null ? "" : r.error().lines().findFirst().orElse(""));
        }
        return sb.toString();
    }
}
