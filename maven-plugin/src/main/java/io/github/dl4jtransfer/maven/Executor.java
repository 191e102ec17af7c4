package io.github.dl4jtransfer.maven;

/**
 * Where cells run. Lower-case constants because Maven converts {@code <executor>local</executor>} by the constant's
 * exact name.
 */
public enum Executor {
    /** On this machine: a forked worker JVM (or inside Maven with {@code <fork>false</fork>}). Default. */
    local,
    /** On an Apache Spark cluster ({@code <spark><master>}): one task per backbone × dataset, each forking a worker JVM. */
    spark
}
