package io.github.dl4jtransfer.maven;

import java.util.Map;

/**
 * {@code <spark><master>spark://host:7077</master><conf><spark.executor.memory>8g</spark.executor.memory></conf></spark>}:
 * the Spark master URL and Spark settings by name, for {@code <executor>spark</executor>}.
 */
public class SparkElement {
    /** {@code local[N]}, {@code local[N,F]} (F task attempts) or {@code spark://host:7077}; {@code -Dtransfer.spark.master} wins. */
    private String master;
    /** Spark settings by name ({@code spark.executor.memory}, {@code spark.task.maxFailures}…). */
    private Map<String, String> conf;
    /** The application name in the Spark UI. */
    private String appName;
    /**
     * Ship each backbone's folder (and the DeiT classifier's) with the job, for nodes that do not share this
     * machine's storage; datasets stay on shared storage ({@code -Dtransfer.spark.shipModels}).
     */
    private boolean shipModels;
    /**
     * Ship the worker's jars with the job ({@code spark.jars}), for nodes that have neither this plugin's jars nor a
     * shared path to them ({@code -Dtransfer.spark.shipJars}).
     */
    private boolean shipJars;

    public SparkElement() {
    }

    public SparkElement(String master, Map<String, String> conf) {
        this.master = master;
        this.conf = conf;
    }

    public String getMaster() { return master; }
    public Map<String, String> getConf() { return conf; }
    public String getAppName() { return appName; }
    public boolean isShipModels() { return shipModels; }
    public void setShipModels(boolean shipModels) { this.shipModels = shipModels; }
    public boolean isShipJars() { return shipJars; }
    public void setShipJars(boolean shipJars) { this.shipJars = shipJars; }
}
