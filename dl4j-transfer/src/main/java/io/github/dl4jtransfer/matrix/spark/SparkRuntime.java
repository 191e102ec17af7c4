package io.github.dl4jtransfer.matrix.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The Spark this library is built against, for code that starts Spark in another JVM and so must not load Spark
 * itself (the Maven plugin resolves {@link #coordinates()} on demand and forks {@link SparkDriverMain} with
 * {@link #java17Options()}). The values come from the build (the parent POM's {@code spark.version} and
 * {@code spark.java17.options}); this class references no Spark class.
 */
public final class SparkRuntime {

    private static final Properties PROPERTIES = load();

    private SparkRuntime() {
    }

    /** {@code org.apache.spark:spark-core_2.12:<version>}. */
    public static String coordinates() {
        return PROPERTIES.getProperty("spark.groupId") + ":" + PROPERTIES.getProperty("spark.artifactId") + ":" + version();
    }

    public static String version() {
        return PROPERTIES.getProperty("spark.version");
    }

    /**
     * The JVM options Spark needs on Java 17 (module openings), as Spark's own launcher adds them to the driver and
     * executors; {@code SparkRuntimeTest} holds the list to Spark's {@code JavaModuleOptions}.
     */
    public static List<String> java17Options() {
        return List.of(PROPERTIES.getProperty("java17.options").trim().split("\\s+"));
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = SparkRuntime.class.getResourceAsStream("spark.properties")) {
            if (in == null) throw new IllegalStateException("spark.properties is missing from the dl4j-transfer jar");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
