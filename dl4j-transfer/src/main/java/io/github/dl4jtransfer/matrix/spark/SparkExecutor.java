package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.io.AtomicFiles;
import io.github.dl4jtransfer.io.Json;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellExecutor;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.matrix.PlanFiles;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.Success$;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import scala.util.Try;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a matrix on an Apache Spark cluster, Spark being the scheduler (task placement, retries), not a data-parallel
 * trainer. The driver (this object, in the JVM that runs the {@code BenchmarkRunner}) groups the pending cells by
 * (backbone, dataset) and runs each group as one Spark task; the task forks a worker JVM on its executor (the same
 * {@link ForkedExecutor} and {@code WorkerMain} as the local executor, so a native crash or an out-of-memory kill stays
 * in that process), runs the group's cells one after another in it, and returns their results as JSON text.
 * <p>
 * The driver is the only writer of result files: the worker writes into a scratch folder of its task attempt, the
 * results travel back in the task's result, and the runner commits each with the atomic per-cell write. Spark hands
 * the driver at most one result per task (a retried or speculative attempt's late result is dropped), the runner
 * ignores any second result for a cell, so a retried task never leaves a second or a torn result.
 * <p>
 * A worker JVM lost mid-cell (killed, crashed, could not start) fails the task so that Spark reruns it, possibly on
 * another executor; on its last attempt the cell is recorded FAILED instead, as the local executor does. A cell that
 * fails inside its worker (bad file, diverging loss) is FAILED at once: rerunning it would fail again.
 * <p>
 * Paths in the plan (models, datasets, output and cache folders) are used as given on every node: put them on storage
 * that every node reads, under the same absolute path. The worker's classpath, java binary and JVM arguments come from
 * the {@link ForkedExecutor} given here (its classpath must exist on each node; the driver's own is the default).
 * Close the executor to stop its {@code SparkContext}.
 */
public final class SparkExecutor implements CellExecutor, AutoCloseable {

    /** The local property naming a job's group, for the driver's progress lines. */
    private static final String GROUP_PROPERTY = "transfer.group";

    private final SparkSettings settings;
    private final WorkerSpec worker;
    private final List<String> shippedJars;
    private JavaSparkContext sc;
    /** Where the driver packs models it ships with the job; deleted when the executor closes. */
    private Path staging;

    /**
     * @param settings master URL and Spark settings
     * @param worker   how each task forks its worker JVM (java binary, classpath, JVM arguments, environment, timeout);
     *                 it is only read here, never started on the driver
     */
    public SparkExecutor(SparkSettings settings, ForkedExecutor worker) {
        this.settings = settings;
        this.shippedJars = settings.shipJars() ? jars(worker.classpath()) : List.of();
        // Shipped jars: each task's worker runs on what Spark copied to its executor, not on the driver's paths.
        this.worker = settings.shipJars() ? WorkerSpec.of(worker).withClasspath(null) : WorkerSpec.of(worker);
    }

    /** The jar files of a classpath (folders cannot be shipped; they are left out). */
    static List<String> jars(String classpath) {
        List<String> out = new ArrayList<>();
        if (classpath == null) return out;
        for (String e : classpath.split(java.io.File.pathSeparator)) if (e.endsWith(".jar") && Files.isRegularFile(Path.of(e))) out.add(e);
        return out;
    }

    public SparkSettings settings() {
        return settings;
    }

    @Override
    public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
        List<CellResult> out = new ArrayList<>();
        executeAll(plan, List.of(key), new CellSink() {
            @Override
            public void started(CellKey k) {
            }

            @Override
            public void finished(CellResult r) {
                out.add(r);
            }
        }, log);
        return out.get(0);
    }

    /** A group of cells that one task runs: same backbone, same dataset. */
    record Group(String model, String dataset, List<Cell> cells) implements java.io.Serializable {
        String describe() {
            return model + " × " + dataset + " (" + cells.size() + (cells.size() == 1 ? " cell)" : " cells)");
        }
    }

    /** A cell key that travels to executors ({@link CellKey} is not Serializable). */
    record Cell(String model, String dataset, String scenario, long seed, String subset) implements java.io.Serializable {
        static Cell of(CellKey k) {
            return new Cell(k.model(), k.dataset(), k.scenario(), k.seed(), k.subset());
        }

        CellKey key() {
            return new CellKey(model, dataset, scenario, seed, subset);
        }
    }

    /** What the driver's loop takes from Spark's threads: a task's results, a failed job, or a line to print. */
    private sealed interface Event permits Results, JobFailed, Line {
    }

    private record Results(int group, List<String> json) implements Event {
    }

    private record JobFailed(int group, Throwable cause) implements Event {
    }

    private record Line(String text) implements Event {
    }

    @Override
    public void executeAll(BenchmarkPlan plan, List<CellKey> cells, CellSink sink, Consumer<String> log) {
        if (cells.isEmpty()) return;
        JavaSparkContext jsc = context(log);
        PlanFiles.write(plan, plan.outputDir().resolve("plan.json")); // kept next to the results, as with local
        String planJson;
        try {
            planJson = Json.MAPPER.writeValueAsString(plan);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the plan", e);
        }
        List<Group> groups = groups(cells);
        log.accept("Spark (" + settings.master() + "): " + cells.size() + " cells in " + groups.size()
                + " tasks, one per backbone × dataset, up to " + settings.maxTaskFailures()
                + (settings.maxTaskFailures() == 1 ? " attempt" : " attempts") + " each");
        if (worker.cuda() && !settings.schedulesGpus()) {
            log.accept("  warning: the CUDA backend without Spark GPU scheduling: every task on a node sees all its GPUs; set "
                    + "spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount=1 and a discovery script "
                    + "(docs/scale-out.md) so that each task gets a GPU of its own");
        }
        ModelShipping shipping = settings.shipModels() ? ModelShipping.stage(plan, staging(), jsc, log) : ModelShipping.none();

        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Map<Integer, String> stageGroups = new ConcurrentHashMap<>();
        SparkListener listener = new ProgressListener(stageGroups, events, settings.maxTaskFailures());
        jsc.sc().addSparkListener(listener);
        // One element per partition: parallelize slices n elements into n slices of one each.
        JavaRDD<Group> rdd = jsc.parallelize(groups, groups.size());
        GroupTask task = new GroupTask(planJson, worker, settings.maxTaskFailures(), shipping);
        List<SimpleFutureAction<BoxedUnit>> jobs = new ArrayList<>();
        Set<Integer> open = new LinkedHashSet<>();
        try {
            for (int i = 0; i < groups.size(); i++) {
                // One job per group: a group whose task Spark gives up on aborts its own job only, not the others'.
                jsc.sc().setLocalProperty(GROUP_PROPERTY, groups.get(i).describe());
                final int g = i;
                jobs.add(jsc.sc().submitJob(rdd.rdd(), task, partition(i), new AbstractFunction2<Object, List<String>, BoxedUnit>() {
                    @Override
                    public BoxedUnit apply(Object partition, List<String> json) {
                        events.add(new Results(g, json)); // on Spark's scheduler thread: hand over, do no work here
                        return BoxedUnit.UNIT;
                    }
                }, new AbstractFunction0<BoxedUnit>() {
                    @Override
                    public BoxedUnit apply() {
                        return BoxedUnit.UNIT;
                    }
                }));
                open.add(i);
            }
            jsc.sc().setLocalProperty(GROUP_PROPERTY, null);
            Set<Integer> reportedFailures = new LinkedHashSet<>();
            while (!open.isEmpty()) {
                Event e = events.poll(500, TimeUnit.MILLISECONDS);
                if (e == null) {
                    // A result is queued before its job completes; a failed job never queues one.
                    for (int i : open) {
                        if (!reportedFailures.contains(i) && jobs.get(i).isCompleted()) {
                            Try<BoxedUnit> t = jobs.get(i).value().get();
                            if (t.isFailure()) {
                                reportedFailures.add(i);
                                events.add(new JobFailed(i, t.failed().get()));
                            }
                        }
                    }
                    continue;
                }
                if (e instanceof Line l) {
                    log.accept(l.text());
                } else if (e instanceof Results r) {
                    if (!open.remove(r.group())) continue;
                    for (String json : r.json()) sink.finished(parse(json));
                } else if (e instanceof JobFailed f) {
                    if (!open.remove(f.group())) continue;
                    String why = "Spark gave up on the task for " + groups.get(f.group()).describe() + ": " + firstLine(f.cause());
                    log.accept("  " + why);
                    for (Cell c : groups.get(f.group()).cells()) {
                        sink.finished(CellResult.failed(c.key(), why + " (a rerun retries the cell)", null, List.of(), 0, 0, null));
                    }
                }
            }
            // Lines the listener queued after the last result (a task's end) are of no use any more.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (SimpleFutureAction<BoxedUnit> j : jobs) j.cancel();
            for (int i : open) {
                for (Cell c : groups.get(i).cells()) sink.finished(CellResult.failed(c.key(), "interrupted", null, List.of(), 0, 0, null));
            }
        } finally {
            jsc.sc().removeSparkListener(listener);
        }
    }

    /**
     * The pending cells grouped by (backbone, dataset), in plan order. A group is one task, so its cells run on one
     * executor one after another in one worker JVM: a frozen backbone's features for that dataset are computed once
     * (the first cell fills the feature cache under the plan's cache folder, the others read it) and the backbone's
     * import and JIT warm-up are paid once. Cells of different groups never share features, so nothing is lost by
     * running the groups anywhere, in parallel.
     */
    static List<Group> groups(List<CellKey> cells) {
        Map<List<String>, List<Cell>> byPair = new LinkedHashMap<>();
        for (CellKey k : cells) byPair.computeIfAbsent(List.of(k.model(), k.dataset()), p -> new ArrayList<>()).add(Cell.of(k));
        List<Group> out = new ArrayList<>();
        byPair.forEach((p, c) -> out.add(new Group(p.get(0), p.get(1), List.copyOf(c))));
        return out;
    }

    private static scala.collection.Seq<Object> partition(int i) {
        return JavaConverters.asScalaBuffer(List.<Object>of(i)).toList();
    }

    private static CellResult parse(String json) {
        try {
            return Json.MAPPER.readValue(json, CellResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a Spark task returned an unreadable cell result: " + e.getMessage(), e);
        }
    }

    static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /**
     * The JVM options Spark 3.5 needs on Java 17 (module openings), as Spark's own launcher adds them: the JVM that
     * runs the driver (Maven: {@code MAVEN_OPTS} or {@code .mvn/jvm.config}; tests: Surefire's argLine) and executors.
     */
    public static String java17Options() {
        return JavaModuleOptions.defaultModuleOptions();
    }

    /** Fails fast, naming the fix, where the JVM lacks the openings (Spark would fail later with an access error). */
    static void requireModuleOpenings() {
        boolean open = Object.class.getModule().isOpen("java.nio", SparkExecutor.class.getModule())
                && Object.class.getModule().isOpen("sun.nio.ch", SparkExecutor.class.getModule());
        ConfigException.require(open, "<executor>spark</executor>", "this JVM (Java " + Runtime.version().feature()
                        + ") lacks the module openings Spark needs",
                "start it with Spark's options, e.g. MAVEN_OPTS=\"" + java17Options() + "\" (or the same in .mvn/jvm.config)");
    }

    private synchronized JavaSparkContext context(Consumer<String> log) {
        if (sc == null) {
            requireModuleOpenings();
            SparkConf conf = new SparkConf().setMaster(settings.master()).setAppName(settings.appName());
            settings.conf().forEach(conf::set);
            log.accept("Starting Spark (" + settings.master() + ")");
            if (!shippedJars.isEmpty()) {
                String given = conf.get("spark.jars", "");
                conf.set("spark.jars", (given.isBlank() ? "" : given + ",") + String.join(",", shippedJars));
                long bytes = shippedJars.stream().mapToLong(j -> Path.of(j).toFile().length()).sum();
                log.accept("  shipping the worker's " + shippedJars.size() + " jars (" + (bytes >> 20) + " MiB) with the job");
            }
            sc = new JavaSparkContext(SparkContext.getOrCreate(conf));
        }
        return sc;
    }

    private Path staging() {
        try {
            if (staging == null) staging = Files.createTempDirectory("transfer-ship-");
            return staging;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder to pack the models to ship: " + e.getMessage(), e);
        }
    }

    /** Stops the SparkContext this executor started and deletes the models it packed. */
    @Override
    public synchronized void close() {
        if (sc != null) {
            sc.stop();
            sc = null;
        }
        AtomicFiles.deleteTreeQuietly(staging); // packed copies of the models; nothing reads them after the job
        staging = null;
    }

    /** Driver-side progress: which executor took a group's task, and failed attempts that Spark retries. */
    private static final class ProgressListener extends SparkListener {
        private final Map<Integer, String> stageGroups;
        private final BlockingQueue<Event> events;
        private final int maxFailures;

        ProgressListener(Map<Integer, String> stageGroups, BlockingQueue<Event> events, int maxFailures) {
            this.stageGroups = stageGroups;
            this.events = events;
            this.maxFailures = maxFailures;
        }

        @Override
        public void onJobStart(SparkListenerJobStart job) {
            String group = job.properties() == null ? null : job.properties().getProperty(GROUP_PROPERTY);
            if (group == null) return;
            for (Object stage : JavaConverters.seqAsJavaList(job.stageIds())) stageGroups.put((Integer) stage, group);
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            String group = stageGroups.get(start.stageId());
            if (group == null) return;
            TaskInfo t = start.taskInfo();
            events.add(new Line("  spark: " + group + " started on executor " + t.executorId() + "@" + t.host()
                    + (t.attemptNumber() > 0 ? " (attempt " + (t.attemptNumber() + 1) + " of " + maxFailures + ")" : "")));
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            String group = stageGroups.get(end.stageId());
            if (group == null || end.reason() == Success$.MODULE$) return;
            TaskInfo t = end.taskInfo();
            String reason = end.reason().toString();
            if (end.reason() instanceof org.apache.spark.TaskFailedReason f) reason = f.toErrorString();
            reason = reason.lines().findFirst().orElse(reason);
            boolean last = t.attemptNumber() + 1 >= maxFailures;
            events.add(new Line("  spark: " + group + " attempt " + (t.attemptNumber() + 1) + " failed on executor " + t.executorId()
                    + "@" + t.host() + ": " + reason + (last ? "" : "; Spark retries it")));
        }
    }
}
