package io.github.dl4jtransfer.matrix.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@link SparkExecutor} runs its tasks: a Spark master URL ({@code local[2]}, {@code local[2,3]} with 3 task
 * attempts, {@code spark://host:7077}) and Spark settings by name ({@code spark.executor.memory}…), as a
 * {@code SparkConf} takes them.
 *
 * @param master  the master URL
 * @param appName the application name the Spark UI shows
 * @param conf    further Spark settings; never null
 * @param shipModels ship each backbone's folder (and the DeiT classifier's) with the job, for nodes that do not share
 *                the driver's storage ({@code SparkContext.addArchive}); datasets stay on shared storage
 * @param shipJars ship the worker's jars with the job ({@code spark.jars}): executors load this library from them and
 *                each task's worker JVM runs on them, so nodes need neither the driver's jars nor a shared path to them
 */
public record SparkSettings(String master, String appName, Map<String, String> conf, boolean shipModels, boolean shipJars) {

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:\\s*,\\s*(\\d+))?])?");

    public SparkSettings {
        if (master == null || master.isBlank()) throw new IllegalArgumentException("<spark><master>: empty; give local[N] or spark://host:7077");
        master = master.trim();
        appName = appName == null || appName.isBlank() ? "dl4j-transfer benchmark" : appName;
        conf = conf == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(conf));
    }

    public SparkSettings(String master, String appName, Map<String, String> conf) {
        this(master, appName, conf, false, false);
    }

    public static SparkSettings of(String master) {
        return new SparkSettings(master, null, Map.of());
    }

    public SparkSettings withShipModels(boolean ship) {
        return new SparkSettings(master, appName, conf, ship, shipJars);
    }

    public SparkSettings withShipJars(boolean ship) {
        return new SparkSettings(master, appName, conf, shipModels, ship);
    }

    /** Whether tasks ask Spark for GPUs ({@code spark.task.resource.gpu.amount}): each then sees only its own. */
    public boolean schedulesGpus() {
        String v = conf.get("spark.task.resource." + GroupTask.GPU + ".amount");
        return v != null && !v.isBlank() && Double.parseDouble(v.trim()) > 0;
    }

    /**
     * How many times Spark runs a task before it gives up, as Spark decides it: {@code local[N,F]} F, other local
     * masters 1 (no retries), a cluster {@code spark.task.maxFailures} (default 4).
     */
    public int maxTaskFailures() {
        Matcher m = LOCAL.matcher(master);
        if (m.matches()) return m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        String v = conf.get("spark.task.maxFailures");
        return v == null ? 4 : Integer.parseInt(v.trim());
    }
}
