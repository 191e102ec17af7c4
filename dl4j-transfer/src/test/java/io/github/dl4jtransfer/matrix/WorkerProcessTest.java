package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.TestImages;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forked workers: they end with their parent, and a worker killed from outside is reported for what is known. */
@DisabledOnOs(OS.WINDOWS)
class WorkerProcessTest {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final long GIB = 1L << 30;

    @Test
    void aKillIsNotBlamedOnMemoryUnlessMemoryWasNearTheLimit() {
        String far = WorkerDeath.reason(137, GIB, 16 * GIB, "");
        assertTrue(far.contains("signal 9 (SIGKILL)") && far.contains("1.00 GiB") && far.contains("16.00 GiB") && far.contains("unlikely"), far);
        assertFalse(far.contains("likely cause"), far);
        String near = WorkerDeath.reason(137, 15 * GIB, 16 * GIB, "");
        assertTrue(near.contains("signal 9 (SIGKILL)") && near.contains("memory is the likely cause") && near.contains("batch size"), near);
        String unknown = WorkerDeath.reason(137, 0, 0, "");
        assertTrue(unknown.contains("SIGKILL") && unknown.contains("not known"), unknown);
        assertTrue(WorkerDeath.reason(143, GIB, 16 * GIB, "").contains("signal 15 (SIGTERM)"));
        assertTrue(WorkerDeath.reason(134, GIB, 16 * GIB, "").contains("hs_err_pid"));
        assertTrue(WorkerDeath.reason(1, 0, 0, "Invalid maximum heap size: -Xmxlots\nError: Could not create the Java Virtual Machine.")
                .contains("could not start (Invalid maximum heap size: -Xmxlots)"));
        assertTrue(WorkerDeath.reason(1, 0, 0, "boom").contains("exit code 1"));
        // A write refused for want of room is named as such, not as a crash (the fault-injection IT does it for real).
        String full = WorkerDeath.reason(1, 0, 0, "Exception in thread \"main\" java.io.UncheckedIOException: cannot write cells/x.json\n"
                + "Caused by: java.io.IOException: File too large");
        assertTrue(full.startsWith("the worker JVM could not write a file (Caused by: java.io.IOException: File too large): the disk is full"), full);
        assertTrue(WorkerDeath.reason(1, 0, 0, "java.io.IOException: No space left on device").contains("disk is full"));
    }

    @Test
    void aWorkerEndsWithinSecondsWhenItsParentDies() throws Exception {
        Process parent = new ProcessBuilder("sleep", "120").start(); // stands in for Maven
        Process worker = new ProcessBuilder(JAVA, "-Xmx128m", "-D" + WorkerMain.PARENT_PID_PROPERTY + "=" + parent.pid(),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(), WorkerMain.SERVE)
                .redirectErrorStream(true).start();
        try {
            // The worker waits for requests with its input open, as under a live parent: it must not leave on its own.
            assertFalse(worker.waitFor(3, TimeUnit.SECONDS), "a worker with a live parent keeps running");
            parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9 of "Maven"
            long killed = System.nanoTime();
            assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "the worker outlived its parent");
            assertEquals(WorkerMain.EXIT_PARENT_GONE, worker.exitValue());
            assertTrue(System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(5), "within seconds");
            assertTrue(new String(worker.getInputStream().readAllBytes()).contains("parent process " + parent.pid() + " ended"));
        } finally {
            worker.destroyForcibly();
            parent.destroyForcibly();
        }
    }

    @Test
    void aWorkerKilledMidCellIsReportedWithItsSignalAndMemory(@TempDir Path dir) {
        StringBuilder csv = new StringBuilder("id_code,diagnosis\n");
        for (int i = 0; i < 24; i++) {
            TestImages.image(dir.resolve("aptos/train_images/img" + i + ".png"), 16, 16, false, i);
            csv.append("img").append(i).append(',').append(i % 2).append('\n');
        }
        TestImages.text(dir.resolve("aptos/train.csv"), csv.toString());
        BenchmarkPlan plan = BenchmarkPlan.builder(dir.resolve("out")).addModel("m", Fixtures.tiny("resnet152"))
                .addDataset("d", "aptos2019", dir.resolve("aptos")).addScenario("unfrozen-linear")
                .optTraining(Map.of("epochs", "20", "warmupEpochs", "0")).build();
        AtomicBoolean killed = new AtomicBoolean();
        try (ForkedExecutor executor = new ForkedExecutor(JAVA, System.getProperty("java.class.path"), List.of("-Xmx512m"), Map.of(), 5, true)) {
            CellResult r = executor.execute(plan, plan.cells().get(0), line -> {
                // The first epoch is done: kill -9 the worker from outside, as an administrator or a scheduler would.
                if (line.contains("epoch") && killed.compareAndSet(false, true)) {
                    // This JVM's only child process is the worker (its command line is too long for /proc to give in full).
                    ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("java"))
                            .forEach(ProcessHandle::destroyForcibly);
                }
            });
            assertTrue(killed.get(), "the cell got to its first epoch");
            assertFalse(r.isDone());
            assertTrue(r.error().startsWith("worker JVM was killed by signal 9 (SIGKILL) from outside (exit 137)"), r.error());
            assertTrue(r.error().contains("resident memory"), "what is known of its memory: " + r.error());
        }
    }
}
