package io.github.dl4jtransfer.device;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker takes the cores other jobs leave free when it starts, and never fewer than one thread. */
class CpuBudgetTest {

    @Test
    void threadsAreTheCoresOtherRunnableTasksLeaveFree() {
        assertEquals(2, CpuBudget.threads(2, 0), "idle: every core");
        assertEquals(1, CpuBudget.threads(2, 1));
        assertEquals(1, CpuBudget.threads(2, 3), "oversubscribed: one thread, not zero");
        assertEquals(12, CpuBudget.threads(16, 4));
        assertEquals(4, CpuBudget.threads(4, -1), "never more than the cores");
    }

    @Test
    void othersRunningIsTheMedianSampleLessTheReader() {
        assertEquals(0, CpuBudget.othersRunning(List.of(1, 1, 4, 1, 1)), "one busy moment (a JIT thread) is not a load");
        assertEquals(3, CpuBudget.othersRunning(List.of(4, 4, 1, 4, 4)), "three busy processes beside the reader");
        assertEquals(0, CpuBudget.othersRunning(List.of()), "nothing read: no load assumed");
    }

    @Test
    void procsRunningIsReadFromProcStat() {
        assertEquals(4, CpuBudget.procsRunning("cpu  1 2 3\ncpu0 1 2 3\nctxt 99\nprocs_running 4\nprocs_blocked 0\n"));
        assertEquals(-1, CpuBudget.procsRunning("cpu  1 2 3\n"), "no such line");
        assertEquals(-1, CpuBudget.procsRunning("procs_running x\n"));
    }

    @Test
    void aConfiguredThreadCountIsKeptAndOtherwiseOneIsSet() {
        Map<String, String> configured = new HashMap<>(Map.of("OMP_NUM_THREADS", "8"));
        assertEquals(0, CpuBudget.apply(configured));
        assertEquals("8", configured.get("OMP_NUM_THREADS"), "yours, or <workers>' share, wins");
        Map<String, String> env = new HashMap<>();
        int t = CpuBudget.apply(env);
        assertTrue(t >= 1 && t <= Runtime.getRuntime().availableProcessors(), "set to " + t);
        assertEquals(Integer.toString(t), env.get("OMP_NUM_THREADS"));
    }
}
