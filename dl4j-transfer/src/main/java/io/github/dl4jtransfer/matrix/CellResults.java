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

    private static final String DELETE = "delete it to run that cell again (or move it away to keep it)";

    /**
     * The result in {@code file}, checked to be one: JSON, with a key naming its cell and a status, and for a DONE cell
     * its task and metrics — what resume and the report read (a file cut short or edited by hand used to parse into
     * nulls and fail later with a NullPointerException naming no file).
     *
     * @throws CellFileException naming the file, what is wrong and the fix
     */
    public static CellResult read(Path file) {
        CellResult r;
        try {
            r = Json.MAPPER.readValue(file.toFile(), CellResult.class);
        } catch (IOException e) {
            throw new CellFileException(file, "cannot be read as a cell result (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", DELETE, e);
        }
        String missing = missing(r);
        if (missing != null) throw new CellFileException(file, "is not a complete cell result: " + missing, DELETE, null);
        return r;
    }

    /**
     * The result in {@code file}, which must be {@code expected}'s: a file holding another cell's result (copied or
     * renamed by hand, or written under an older naming of cells) would otherwise stand in for this cell, and that
     * other cell would appear twice in the report.
     */
    public static CellResult read(Path file, CellKey expected) {
        CellResult r = read(file);
        if (!r.key().equals(expected)) {
            throw new CellFileException(file, "holds the result of " + r.key().describe() + ", not of " + expected.describe()
                    + " whose file it is", "move it to " + fileFor(file.getParent(), r.key()).getFileName() + " if that is where it belongs, or "
                    + DELETE, null);
        }
        return r;
    }

    /** What a readable file lacks to be a result, or null. */
    private static String missing(CellResult r) {
        if (r == null) return "empty";
        if (r.key() == null) return "no 'key' (model, dataset, scenario, seed)";
        if (r.status() == null) return "no 'status' (DONE or FAILED)";
        if (!r.isDone()) return null;
        if (r.task() == null || r.task().metric() == null) return "a DONE result without its 'task' and headline 'metric'";
        if (r.testMetrics() == null || r.valMetrics() == null) return "a DONE result without 'valMetrics' and 'testMetrics'";
        return null;
    }

    /**
     * Every {@code *.json} cell result in a folder, sorted by cell id; an absent folder gives an empty list. Each must
     * be the result of the cell its name says ({@link #read(Path, CellKey)}).
     */
    public static List<CellResult> readAll(Path cellsDir) {
        if (!Files.isDirectory(cellsDir)) return List.of();
        try (Stream<Path> files = Files.list(cellsDir)) {
            List<CellResult> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                CellResult r = read(f);
                if (!fileFor(cellsDir, r.key()).getFileName().equals(f.getFileName())) {
                    throw new CellFileException(f, "holds the result of " + r.key().describe() + ", whose file is "
                            + fileFor(cellsDir, r.key()).getFileName(), "rename it to that if it is the only copy, or " + DELETE, null);
                }
                out.add(r);
            }
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
