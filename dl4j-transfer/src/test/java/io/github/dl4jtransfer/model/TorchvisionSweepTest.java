package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.io.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The coverage sweep: every torchvision 0.14 classification builder that torch 1.13 exports, full size with random
 * weights, imports and matches torch at batch 1 and 5 (relative L2 below 1e-4, or within a few times torch's own
 * float32 noise floor). Each model's measurements go to {@code import.json} next to its export, from which
 * docs/import.md's table is written.
 * <pre>/usr/bin/python3 tools/export/sweep_torchvision.py && mvn -Pslow test -pl dl4j-transfer -Dtest=TorchvisionSweepTest</pre>
 * {@code -Dtransfer.torchvisionSweep=/absolute/dir} reads the exports elsewhere; {@code -Dtransfer.sweepModels=a,b}
 * checks only those, in that order.
 */
@Tag("slow")
class TorchvisionSweepTest {

    static Path exportsDir() {
        return Path.of(System.getProperty("transfer.torchvisionSweep", "../target/torchvision-sweep"));
    }

    @TestFactory
    List<DynamicTest> everyExportedBuilderImportsAndMatchesTorch() {
        List<String> only = List.of(System.getProperty("transfer.sweepModels", "").split(","));
        List<Path> dirs = only.equals(List.of("")) ? TorchvisionExports.dirs(exportsDir())
                : only.stream().map(exportsDir()::resolve).toList();   // in the order given
        assertFalse(dirs.isEmpty(), "no exports under " + exportsDir().toAbsolutePath());
        return dirs.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            Path record = dir.resolve("import.json");
            Files.deleteIfExists(record);
            Map<String, Object> row = new LinkedHashMap<>();
            try {
                TorchvisionExports.Result r = TorchvisionExports.check(dir);
                row.put("status", "ok");
                row.put("import_ms", r.importMillis());
                row.put("samediff_ops", r.ops());
                row.put("rel_l2", r.relL2());
                row.put("bounds", r.bounds());
            } catch (Throwable t) {
                row.put("status", "failed");
                row.put("error", t.getClass().getSimpleName() + ": " + t.getMessage());
                throw t;
            } finally {
                Json.MAPPER.writeValue(record.toFile(), row);
            }
        })).toList();
    }
}
