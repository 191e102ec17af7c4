package io.github.dl4jtransfer.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.testing.Fixtures;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exports of {@code tools/export/sweep_torchvision.py} (torchvision's classification builders, random weights,
 * {@code features}/{@code tokens}, references at batch 1 and 5 from one dynamic-batch file): imports one and compares
 * it with torch at every batch its {@code sweep.json} lists.
 */
final class TorchvisionExports {

    /** The fidelity bound of the import layer. */
    static final double TOLERANCE = 1e-4;
    /**
     * Where a model is ill-conditioned (random deep CNNs), torch float32 is itself far from the same model in float64
     * ({@code noise_floor}, per output and batch); our float32 graph may then differ from torch by a few times that,
     * as two float32 implementations of one function do.
     */
    static final double NOISE_FLOOR_FACTOR = 5;

    private TorchvisionExports() {
    }

    /** What one import measured: its time, op count, and the relative L2 per "output@batch". */
    record Result(String name, long importMillis, int onnxNodes, int ops, Map<String, Double> relL2,
                  Map<String, Double> bounds) {
        double worst(int batch) {
            return relL2.entrySet().stream().filter(e -> e.getKey().endsWith("@" + batch))
                    .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
        }
    }

    /** The export directories under {@code root} (those with a model.onnx), sorted. */
    static List<Path> dirs(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("no exports under " + root.toAbsolutePath()
                    + "; run /usr/bin/python3 tools/export/sweep_torchvision.py", e);
        }
    }

    static JsonNode info(Path dir) {
        try {
            return Json.MAPPER.readTree(dir.resolve("sweep.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("no sweep.json in " + dir, e);
        }
    }

    /** Imports the export in {@code dir}, runs every reference batch, and asserts each output within the bound. */
    static Result check(Path dir) {
        JsonNode info = info(dir);
        Backbone backbone = BackboneLoader.load(dir.resolve("model.onnx"));
        Map<String, Double> errors = new LinkedHashMap<>(), bounds = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (JsonNode b : info.path("batches")) {
            int batch = b.asInt();
            INDArray input = Fixtures.npy(dir.resolve("input_b" + batch + ".npy"));
            assertEquals(batch, input.size(0));
            Map<String, INDArray> out = backbone.forward(input);
            for (String name : backbone.outputNames()) {
                String key = name + "@" + batch;
                double err = Fixtures.relativeL2(out.get(name), Fixtures.npy(dir.resolve(name + "_b" + batch + ".npy")));
                double bound = Math.max(TOLERANCE, NOISE_FLOOR_FACTOR * info.path("noise_floor").path(key).asDouble(0));
                errors.put(key, err);
                bounds.put(key, bound);
                if (!(err < bound)) failures.add(key + ": relative L2 " + err + " (bound " + bound + ")");
            }
        }
        assertEquals(2 * info.path("batches").size(), errors.size(), "features and tokens at every batch");
        Result r = new Result(dir.getFileName().toString(), backbone.importMillis(), backbone.onnxNodeCount(),
                backbone.opCount(), errors, bounds);
        System.out.println("torchvision " + r);
        assertTrue(failures.isEmpty(), dir.getFileName() + ": " + failures);
        return r;
    }
}
