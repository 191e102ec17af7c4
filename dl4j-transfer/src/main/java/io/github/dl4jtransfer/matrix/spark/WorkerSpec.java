package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.device.GpuCheck;
import io.github.dl4jtransfer.matrix.ForkedExecutor;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a task forks its worker JVM, in a form that travels to executors ({@link ForkedExecutor} holds a live process
 * and is not Serializable). A null java binary means the executor's own ({@code java.home}); a null classpath, the
 * jars this executor loaded for the application ({@link ExecutorClasspath}): what {@code spark-submit --jars} or
 * {@code spark.jars} shipped to it.
 */
record WorkerSpec(String javaExecutable, String classpath, List<String> jvmArgs, Map<String, String> environment,
                  long timeoutMinutes) implements Serializable {

    static WorkerSpec of(ForkedExecutor f) {
        return new WorkerSpec(f.javaExecutable(), f.classpath(), List.copyOf(f.jvmArgs()), Map.copyOf(f.environment()),
                f.timeoutMinutes());
    }

    WorkerSpec withClasspath(String cp) {
        return new WorkerSpec(javaExecutable, cp, jvmArgs, environment, timeoutMinutes);
    }

    /** Whether the worker runs the CUDA backend (the plugin's {@code -Dtransfer.backend=cuda}). */
    boolean cuda() {
        return jvmArgs.contains("-D" + GpuCheck.WORKER_BACKEND_PROPERTY + "=cuda");
    }

    /** A worker reused across the group's cells (a new one after a crash), as {@code <reuseWorkers>} does locally. */
    ForkedExecutor start(Map<String, String> taskEnvironment) {
        String java = javaExecutable != null ? javaExecutable : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(taskEnvironment);
        return new ForkedExecutor(java, classpath == null || classpath.isBlank() ? ExecutorClasspath.current() : classpath,
                jvmArgs, env, timeoutMinutes, true);
    }
}
