package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The plan as JSON, handed to forked workers (and kept next to the results for provenance). */
public final class PlanFiles {
    private PlanFiles() {
    }

    public static Path write(BenchmarkPlan plan, Path file) {
        try {
            // Atomically: a forked worker never reads half a plan.
            return AtomicFiles.write(file, tmp -> Json.MAPPER.writeValue(tmp.toFile(), plan));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plan to " + file, e);
        }
    }

    public static BenchmarkPlan read(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), BenchmarkPlan.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plan " + file + ": " + e.getMessage(), e);
        }
    }
}
