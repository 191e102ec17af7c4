package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

    private final String planJson;
    private final WorkerSpec worker;
    private final int maxFailures;

    GroupTask(String planJson, WorkerSpec worker, int maxFailures) {
        this.planJson = planJson;
        this.worker = worker;
        this.maxFailures = maxFailures;
    }

    /** A worker JVM lost mid-cell: failing the task makes Spark run it again (elsewhere, when the node is gone). */
    static final class WorkerLostException extends RuntimeException {
        WorkerLostException(String message) {
            super(message);
        }
    }

    @Override
    public List<String> apply(Iterator<SparkExecutor.Group> groups) {
        TaskContext tc = TaskContext.get();
        int attempt = tc == null ? 0 : tc.attemptNumber();
        boolean lastAttempt = attempt + 1 >= maxFailures;
        String where = "spark:" + (SparkEnv.get() == null ? "?" : SparkEnv.get().executorId()) + "@" + hostName();
        ArrayList<String> out = new ArrayList<>();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("transfer-task-");
            Path planFile = Files.writeString(scratch.resolve("plan.json"), planJson, StandardCharsets.UTF_8);
            Path results = Files.createDirectories(scratch.resolve("cells"));
            try (ForkedExecutor fx = worker.start()) {
                while (groups.hasNext()) {
                    for (SparkExecutor.Cell c : groups.next().cells()) {
                        CellKey key = c.key();
                        ForkedExecutor.WorkerOutcome o = fx.run(planFile, key, results, line -> System.err.println("[" + key.id() + "] " + line));
                        if (o.workerLost() && !lastAttempt) {
                            String error = o.result().error() == null ? "" : o.result().error();
                            throw new WorkerLostException("worker JVM lost on " + where + " running " + key.describe() + ": "
                                    + error.lines().findFirst().orElse(error));
                        }
                        out.add(Json.MAPPER.writeValueAsString(ranOn(o.result(), where)));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Spark task on " + where + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(scratch);
        }
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

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            // a scratch folder left in the temp directory; nothing reads it
        }
    }
}
