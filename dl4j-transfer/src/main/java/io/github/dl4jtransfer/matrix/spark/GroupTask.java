package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.matrix.PlanFiles;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Spark task, run on an executor: forks a worker JVM, runs its group's cells in it one after another, and returns
 * their results as JSON text. It writes nothing the driver reads: the plan and the worker's result files live in a
 * scratch folder of this attempt, deleted when the task ends.
 */
final class GroupTask extends AbstractFunction1<Iterator<SparkExecutor.Group>, List<String>> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The Spark resource name of GPUs ({@code spark.task.resource.gpu.amount}). */
    static final String GPU = "gpu";

    private final String planJson;
    private final WorkerSpec worker;
    private final int maxFailures;
    private final ModelShipping shipping;

    GroupTask(String planJson, WorkerSpec worker, int maxFailures, ModelShipping shipping) {
        this.planJson = planJson;
        this.worker = worker;
        this.maxFailures = maxFailures;
        this.shipping = shipping;
    }

    /** A worker JVM lost mid-cell: failing the task makes Spark run it again (elsewhere, when the node is gone). */
    static final class WorkerLostException extends RuntimeException {
        WorkerLostException(String message) {
            super(message);
        }
    }

    /** A path of the plan this node cannot read: failing the task makes Spark try another node. */
    static final class MissingPathException extends RuntimeException {
        MissingPathException(String message) {
            super(message);
        }
    }

    @Override
    public List<String> apply(Iterator<SparkExecutor.Group> groups) {
        TaskContext tc = TaskContext.get();
        int attempt = tc == null ? 0 : tc.attemptNumber();
        boolean lastAttempt = attempt + 1 >= maxFailures;
        String gpus = gpuAddresses(tc);
        String executor = "spark:" + (SparkEnv.get() == null ? "?" : SparkEnv.get().executorId()) + "@" + hostName();
        String where = executor + (gpus == null ? "" : " gpu " + gpus);
        ArrayList<String> out = new ArrayList<>();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(SCRATCH_PREFIX);
            Files.writeString(scratch.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
            removeStaleScratch(scratch.getParent());
            BenchmarkPlan plan = shipping.localise(Json.MAPPER.readValue(planJson, BenchmarkPlan.class), scratch);
            Path planFile = PlanFiles.write(plan, scratch.resolve("plan.json"));
            Path results = Files.createDirectories(scratch.resolve("cells"));
            List<SparkExecutor.Group> all = new ArrayList<>();
            while (groups.hasNext()) all.add(groups.next());
            for (SparkExecutor.Group g : all) {
                String missing = missingPath(plan, g);
                if (missing == null) continue;
                String why = "node " + hostName() + " (" + where + ") cannot read " + missing + ", needed by " + g.describe()
                        + ": put it on storage every node reads, under the same path"
                        + (shipping.isEmpty() ? ", or ship the models with <spark><shipModels>true</shipModels>" : "");
                if (!lastAttempt) throw new MissingPathException(why);
                for (SparkExecutor.Cell c : g.cells()) {
                    out.add(Json.MAPPER.writeValueAsString(CellResult.failed(c.key(), why, null, List.of(), 0, 0, null)));
                }
                return out;
            }
            // The GPU Spark gave this task is the worker's only visible GPU (CUDA numbers visible GPUs from 0).
            Map<String, String> env = gpus == null ? Map.of() : Map.of("CUDA_VISIBLE_DEVICES", gpus);
            try (ForkedExecutor fx = worker.start(env)) {
                for (SparkExecutor.Group g : all) {
                    for (SparkExecutor.Cell c : g.cells()) {
                        CellKey key = c.key();
                        ForkedExecutor.WorkerOutcome o = fx.run(planFile, key, results, line -> System.err.println("[" + key.id() + "] " + line));
                        if (o.workerLost() && !lastAttempt) {
                            String error = o.result().error() == null ? "" : o.result().error();
                            throw new WorkerLostException("worker JVM lost on " + where + " running " + key.describe() + ": "
                                    + error.lines().findFirst().orElse(error));
                        }
                        out.add(Json.MAPPER.writeValueAsString(ranOn(o.result(), executor)));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Spark task on " + where + ": " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTreeQuietly(scratch);
        }
    }

    static final String SCRATCH_PREFIX = "transfer-task-";
    static final String OWNER = "owner.pid";

    /**
     * Deletes the scratch folders of task attempts whose executor JVM is gone (killed mid-task, so its own cleanup
     * never ran); folders of live executors, and folders without an owner file, are left alone.
     */
    static void removeStaleScratch(Path tmp) {
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(SCRATCH_PREFIX)).toList()) {
                Path owner = d.resolve(OWNER);
                if (!Files.isRegularFile(owner)) continue;
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(owner).trim());
                } catch (IOException | NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                AtomicFiles.deleteTreeQuietly(d);
            }
        } catch (IOException | UncheckedIOException e) {
            // the temp folder cannot be listed: nothing to clean
        }
    }

    /** The addresses of the GPUs Spark assigned to this task ({@code "0"}, {@code "0,1"}); null when it assigned none. */
    static String gpuAddresses(TaskContext tc) {
        if (tc == null) return null;
        ResourceInformation gpu = tc.resourcesJMap().get(GPU);
        if (gpu == null || gpu.addresses().length == 0) return null;
        return String.join(",", gpu.addresses());
    }

    /**
     * The first file of the group's cells this node cannot read (the backbone, the dataset, the DeiT classifier for
     * *-deit cells), or null. Checked before a worker JVM starts: a node without the shared volume fails here, naming
     * itself, instead of in the reader an import later.
     */
    static String missingPath(BenchmarkPlan plan, SparkExecutor.Group g) {
        List<Path> needed = new ArrayList<>(List.of(plan.model(g.model()).onnx(), plan.dataset(g.dataset()).path()));
        boolean deit = g.cells().stream().anyMatch(c -> Scenario.parse(c.scenario()).head() == HeadKind.DEIT);
        if (deit && plan.deitTail() != null) needed.add(plan.deitTail());
        for (Path p : needed) if (!Files.isReadable(p)) return p.toString();
        return null;
    }

    /**
     * The result with the executor that ran it: {@code provenance.config.executor = spark:<executorId>@<host>}; a
     * result without provenance (the worker died before it knew the cell) says it in its error.
     */
    static CellResult ranOn(CellResult r, String where) {
        CellResult.Provenance p = r.provenance();
        if (p == null) {
            String error = r.error() == null ? "ran on " + where : r.error() + "\n(ran on " + where + ")";
            return new CellResult(r.key(), r.status(), error, r.task(), r.valMetrics(), r.testMetrics(), r.history(), r.bestEpoch(),
                    r.stoppedEarly(), r.timings(), r.peakMemoryBytes(), r.trainableParameters(), r.frozenParameters(), null);
        }
        Map<String, Object> config = new LinkedHashMap<>(p.config() == null ? Map.of() : p.config());
        config.put("executor", where);
        CellResult.Provenance q = new CellResult.Provenance(p.modelFile(), p.modelSha256(), p.deitTailSha256(), p.datasetFormat(),
                p.datasetPath(), p.datasetHash(), p.splitHash(), config, p.seed(), p.versions(), p.backend(), p.host(), p.startedAt(),
                p.skippedImages(), p.modelWeights());
        return new CellResult(r.key(), r.status(), r.error(), r.task(), r.valMetrics(), r.testMetrics(), r.history(), r.bestEpoch(),
                r.stoppedEarly(), r.timings(), r.peakMemoryBytes(), r.trainableParameters(), r.frozenParameters(), q);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

}
