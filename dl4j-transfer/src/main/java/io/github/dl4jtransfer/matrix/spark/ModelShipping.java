package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.ModelSpec;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Backbones (and the DeiT classifier) shipped with the job, for clusters whose nodes do not share the driver's
 * storage: the driver zips each model's folder (the ONNX file, its sidecar, external weights, a one-channel variant)
 * and registers it with {@code SparkContext.addArchive}; Spark copies it to every executor once and unpacks it there,
 * and each task points its plan at the unpacked copy. Datasets are not shipped (they are the big part): they stay on
 * shared storage.
 *
 * @param models   the shipped folder of each backbone, by model name; empty when nothing is shipped
 * @param deitTail the shipped DeiT classifier, or null
 */
record ModelShipping(Map<String, Shipped> models, Shipped deitTail) implements Serializable {

    /** One file inside a shipped archive: the archive's name as registered, and the file's path inside it. */
    record Shipped(String archive, String file) implements Serializable {
        Path here() {
            return Path.of(SparkFiles.get(archive)).resolve(file);
        }
    }

    ModelShipping {
        models = Map.copyOf(models);
    }

    static ModelShipping none() {
        return new ModelShipping(Map.of(), null);
    }

    boolean isEmpty() {
        return models.isEmpty() && deitTail == null;
    }

    /**
     * Zips each model's folder into {@code staging} and registers it with the job. Models sharing a folder share
     * one archive.
     */
    static ModelShipping stage(BenchmarkPlan plan, Path staging, JavaSparkContext sc, Consumer<String> log) {
        Map<Path, String> archives = new LinkedHashMap<>();
        Map<String, Shipped> models = new LinkedHashMap<>();
        for (ModelSpec m : plan.models()) models.put(m.name(), ship(m.onnx(), staging, sc, archives, log));
        Shipped tail = plan.deitTail() == null ? null : ship(plan.deitTail(), staging, sc, archives, log);
        return new ModelShipping(models, tail);
    }

    private static Shipped ship(Path file, Path staging, JavaSparkContext sc, Map<Path, String> archives, Consumer<String> log) {
        Path abs = file.toAbsolutePath().normalize();
        Path folder = abs.getParent();
        String name = archives.get(folder);
        if (name == null) {
            name = "transfer-model-" + archives.size() + ".zip";
            Path zip = staging.resolve(name);
            long bytes = zip(folder, zip);
            sc.sc().addArchive(zip.toString());
            archives.put(folder, name);
            log.accept("  shipping " + folder + " with the job (" + (bytes >> 20) + " MiB)");
        }
        return new Shipped(name, folder.relativize(abs).toString());
    }

    private static long zip(Path folder, Path zip) {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(folder)) {
            long bytes = 0;
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(folder.relativize(f).toString().replace('\\', '/')));
                bytes += Files.copy(f, z);
                z.closeEntry();
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + folder + " to ship it with the Spark job: " + e.getMessage(), e);
        }
    }

    /**
     * On an executor: the plan with the shipped files' local copies, and the feature cache in the task's scratch
     * folder (a node that does not share the driver's storage cannot share its cache either; the group's cells still
     * share the features, since one task runs them all).
     */
    BenchmarkPlan localise(BenchmarkPlan plan, Path scratch) {
        if (isEmpty()) return plan;
        Map<String, Path> onnx = new LinkedHashMap<>();
        models.forEach((name, s) -> onnx.put(name, s.here()));
        return plan.withLocalFiles(onnx, deitTail == null ? null : deitTail.here(), scratch.resolve("feature-cache"));
    }

    /** The model names shipped, for the log. */
    List<String> names() {
        return List.copyOf(models.keySet());
    }
}
