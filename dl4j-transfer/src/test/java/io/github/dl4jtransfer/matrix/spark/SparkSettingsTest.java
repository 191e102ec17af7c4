package io.github.dl4jtransfer.matrix.spark;

import io.github.dl4jtransfer.matrix.CellKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Spark executor's plain parts, without a SparkContext. */
class SparkSettingsTest {

    @Test
    void groupsCellsByBackboneAndDatasetInPlanOrder() {
        List<CellKey> cells = List.of(new CellKey("a", "x", "frozen-linear", 1), new CellKey("b", "x", "frozen-linear", 1),
                new CellKey("a", "x", "unfrozen-linear", 1), new CellKey("a", "y", "frozen-linear", 1));
        List<SparkExecutor.Group> g = SparkExecutor.groups(cells);
        assertEquals(List.of("a x 2", "b x 1", "a y 1"), g.stream().map(x -> x.model() + " " + x.dataset() + " " + x.cells().size()).toList());
        assertEquals(List.of(cells.get(0), cells.get(2)), g.get(0).cells().stream().map(SparkExecutor.Cell::key).toList());
    }

    @Test
    void taskAttemptsAsSparkCountsThem() {
        assertEquals(3, SparkSettings.of("local[2,3]").maxTaskFailures());
        assertEquals(1, SparkSettings.of("local[4]").maxTaskFailures());
        assertEquals(1, SparkSettings.of("local[*]").maxTaskFailures());
        assertEquals(1, SparkSettings.of("local").maxTaskFailures());
        assertEquals(4, SparkSettings.of("spark://h:7077").maxTaskFailures());
        assertEquals(2, new SparkSettings("spark://h:7077", null, Map.of("spark.task.maxFailures", "2")).maxTaskFailures());
    }

    @Test
    void surefireGivesTheJvmSparksModuleOpenings() {
        SparkExecutor.requireModuleOpenings(); // the parent POM's argLine carries them
    }
}
