package io.github.dl4jtransfer.matrix.spark;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The classpath a task gives its worker JVM when none was set: the jars Spark loaded on this executor for the
 * application (what {@code spark-submit --jars}, the application jar or {@code spark.jars} shipped; the executor's
 * class loader lists them), then the executor's own classpath. The application's jars come first, so where the
 * cluster's Spark brings an older copy of a library (Jackson), the application's wins, as in the driver.
 */
final class ExecutorClasspath {

    private ExecutorClasspath() {
    }

    static String current() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader cl = Thread.currentThread().getContextClassLoader(); cl != null; cl = cl.getParent()) {
            if (!(cl instanceof URLClassLoader u)) continue;
            for (URL url : u.getURLs()) {
                if (!"file".equals(url.getProtocol())) continue;
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    entries.add(url.getPath());
                }
            }
        }
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) if (!e.isBlank()) entries.add(e);
        return String.join(File.pathSeparator, entries);
    }
}
