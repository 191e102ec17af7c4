package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.synth.SynthMed;
import io.github.dl4jtransfer.testing.Fixtures;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two real worker JVMs side by side: the same results as one worker, each cell once, a group never split. */
class WorkerPoolTest {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void twoWorkersGiveTheSameResultsAsOneAndRunEachGroupInOneWorker(@TempDir Path dir) {
        List<SynthMed.Entry> tasks = SynthMed.generate(dir.resolve("synthmed"));
        SynthMed.Entry ddsm = tasks.stream().filter(e -> e.name().equals("ddsm")).findFirst().orElseThrow();
        ForkedExecutor template = new ForkedExecutor(JAVA, System.getProperty("java.class.path"), List.of("-Xmx768m"), Map.of(), 10, true);

        List<CellResult> one, two;
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (WorkerPool pool = WorkerPool.of(template, 1, 2)) {
            one = new BenchmarkRunner(pool, s -> { }).run(plan(dir.resolve("one"), ddsm));
        }
        try (WorkerPool pool = WorkerPool.of(template, 2, 2)) {
            pool.environments().forEach(env -> assertEquals("1", env.get(WorkerPool.THREADS_VARIABLE), "cores / workers threads each"));
            two = new BenchmarkRunner(pool, log::add).run(plan(dir.resolve("two"), ddsm));
        }
        assertEquals(8, one.size());
        assertEquals(one.size(), two.size());
        for (int i = 0; i < one.size(); i++) {
            CellResult a = one.get(i), b = two.get(i);
            assertEquals(a.key(), b.key());
            assertTrue(a.isDone() && b.isDone(), b.key().describe() + ": " + b.error());
            // Same cell, same seed, same data: the number of threads does not change what is learned (to rounding).
            assertEquals(a.primaryTestMetric(), b.primaryTestMetric(), 0.02, a.key().describe());
        }
        // Both workers ran cells, and each (model, dataset) group ran in one of them only.
        Set<String> workersOfDeit = new TreeSet<>(), workersOfResnet = new TreeSet<>();
        for (String line : log) {
            if (!line.contains("[worker ")) continue;
            String w = line.substring(line.indexOf("[worker "), line.indexOf(']', line.indexOf("[worker ")) + 1);
            if (line.contains("deit-b16")) workersOfDeit.add(w);
            if (line.contains("resnet152")) workersOfResnet.add(w);
        }
        long finished = log.stream().filter(l -> l.matches("\\[\\d+/8] .*: roc_auc=.*")).count();
        assertEquals(8, finished, "each cell reported once: " + log);
        assertTrue(log.stream().anyMatch(l -> l.contains("[worker 1]")) && log.stream().anyMatch(l -> l.contains("[worker 2]")), "both workers ran cells");
        assertTrue(workersOfDeit.size() <= 1 && workersOfResnet.size() <= 1, "a group stays in its worker: " + workersOfDeit + " " + workersOfResnet);
    }

    @Test
    void groupsAreModelDatasetPairsInPlanOrder() {
        List<CellKey> cells = List.of(new CellKey("a", "x", "frozen-linear", 1), new CellKey("a", "y", "frozen-linear", 1),
                new CellKey("a", "x", "unfrozen-linear", 1), new CellKey("b", "x", "frozen-linear", 1));
        List<List<CellKey>> groups = WorkerPool.groups(cells);
        assertEquals(3, groups.size());
        assertEquals(List.of(cells.get(0), cells.get(2)), groups.get(0));
        assertEquals(List.of(cells.get(1)), groups.get(1));
        assertEquals(List.of(cells.get(3)), groups.get(2));
    }

    @Test
    void threadsAreSharedOutAndAnExplicitThreadCountWins() {
        assertEquals(1, WorkerPool.threadsPerWorker(2, 2));
        assertEquals(4, WorkerPool.threadsPerWorker(2, 8));
        assertEquals(1, WorkerPool.threadsPerWorker(4, 2), "never zero");
        ForkedExecutor mine = new ForkedExecutor(JAVA, "cp", List.of(), Map.of(WorkerPool.THREADS_VARIABLE, "3"), 0, true);
        WorkerPool.of(mine, 2, 8).environments().forEach(env -> assertEquals("3", env.get(WorkerPool.THREADS_VARIABLE)));
        assertEquals(null, WorkerPool.of(mine.reuseWorker() ? new ForkedExecutor(JAVA, "cp", List.of(), Map.of(), 0, true) : mine, 1, 8)
                .environments().get(0).get(WorkerPool.THREADS_VARIABLE), "one worker keeps ND4J's own default");
        assertThrows(IllegalArgumentException.class, () -> WorkerPool.of(mine, 0, 2));
    }

    @Test
    void workersSleepAtOpenMpBarriersUnlessToldOtherwise() {
        ForkedExecutor plain = new ForkedExecutor(JAVA, "cp", List.of(), Map.of(), 0, true);
        assertEquals("passive", plain.environment().get("OMP_WAIT_POLICY"), "a spinning thread starves the other on a shared machine");
        WorkerPool.of(plain, 2, 2).environments().forEach(env -> assertEquals("passive", env.get("OMP_WAIT_POLICY")));
        ForkedExecutor spinning = new ForkedExecutor(JAVA, "cp", List.of(), Map.of("OMP_WAIT_POLICY", "active"), 0, true);
        assertEquals("active", spinning.environment().get("OMP_WAIT_POLICY"), "the user's setting wins");
    }

    /** Two models × one dataset × two scenarios × two seeds: 8 cells in 2 groups. */
    private static BenchmarkPlan plan(Path out, SynthMed.Entry ddsm) {
        return BenchmarkPlan.builder(out)
                .addModel("deit-b16", Fixtures.tiny("deit-b16"))
                .addModel("resnet152", Fixtures.tiny("resnet152"))
                .addDataset(new DatasetSpec(ddsm.name(), ddsm.format(), ddsm.path(), DatasetOptions.defaults()))
                .addScenario("frozen-linear").addScenario("unfrozen-linear").addSeed(1).addSeed(2)
                .optTrainer(TrainerConfig.builder().optEpochs(1).optWarmupEpochs(0).optBatchSize(32).optLearningRate(1e-3).build())
                .build();
    }
}
