package io.github.dl4jtransfer.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * OpenMP threads for a worker from the cores nobody else is using when it starts. On a machine shared with other jobs,
 * a worker that spreads each op over every core waits at each op's end for its descheduled threads: a frozen DeiT-B
 * cell beside three busy processes on two cores ran at 0.51 images/s with two threads (0.61 with
 * {@code OMP_WAIT_POLICY=passive}) — 11× slower than idle — and at 1.95 with one thread, 2.1× slower than its idle 4.14,
 * the share of the cores it had (docs/performance.md, "A shared machine"). So a worker whose environment does not set
 * {@value #VARIABLE} gets the cores minus the other runnable tasks, sampled from {@code /proc/stat} as it starts (at
 * least one thread). A configured {@value #VARIABLE} (yours, or the per-worker share of {@code <workers>}) is kept.
 * The sample is taken once per worker: with reused workers, a load that comes later is not followed.
 */
public final class CpuBudget {

    public static final String VARIABLE = "OMP_NUM_THREADS";
    static final Path PROC_STAT = Path.of("/proc/stat");

    private CpuBudget() {
    }

    /** Threads for a worker on {@code cores} cores while {@code othersRunning} other tasks are runnable: at least 1. */
    public static int threads(int cores, int othersRunning) {
        return Math.max(1, Math.min(cores, cores - Math.max(0, othersRunning)));
    }

    /**
     * Runnable tasks other than the sampling thread, from samples of {@code /proc/stat}'s {@code procs_running} (which
     * counts the reader itself): the median sample, minus one. 0 when nothing could be read.
     */
    static int othersRunning(List<Integer> procsRunningSamples) {
        if (procsRunningSamples.isEmpty()) return 0;
        List<Integer> s = new ArrayList<>(procsRunningSamples);
        Collections.sort(s);
        return Math.max(0, s.get(s.size() / 2) - 1);
    }

    /** {@code procs_running} of a {@code /proc/stat} text, or -1. */
    static int procsRunning(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("procs_running ")) {
                try {
                    return Integer.parseInt(line.substring("procs_running ".length()).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Other runnable tasks on this machine now: five samples of {@code /proc/stat}, 20 ms apart (0 off Linux). */
    public static int othersRunningHere() {
        List<Integer> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try {
                int n = procsRunning(Files.readString(PROC_STAT));
                if (n >= 0) samples.add(n);
                if (i < 4) Thread.sleep(20);
            } catch (IOException | RuntimeException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return othersRunning(samples);
    }

    /**
     * Sets {@value #VARIABLE} in a worker's environment to the free cores of this machine, unless it is set already.
     *
     * @return the threads it set, or 0 when the environment had its own
     */
    public static int apply(Map<String, String> childEnvironment) {
        String set = childEnvironment.get(VARIABLE);
        if (set != null && !set.isBlank()) return 0;
        int t = threads(Runtime.getRuntime().availableProcessors(), othersRunningHere());
        childEnvironment.put(VARIABLE, Integer.toString(t));
        return t;
    }
}
