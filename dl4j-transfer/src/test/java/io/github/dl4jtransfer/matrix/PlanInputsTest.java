package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command-line and POM values that used to be accepted silently, or found only after the cells ran. */
class PlanInputsTest {

    private static BenchmarkPlan.Builder plan(Path out, Path data) {
        return BenchmarkPlan.builder(out).addModel("a", Fixtures.tiny("deit-b16")).addModel("b", Fixtures.tiny("resnet152"))
                .addDataset("d", "imagefolder", data).addScenario("frozen-linear").addScenario("unfrozen-linear");
    }

    private static void assertNames(ConfigException e, String element, String... parts) {
        assertEquals(element, e.element(), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    @Test
    void aFilterThatNamesNothingIsAnErrorNotTheWholeAxis(@TempDir Path dir) {
        BenchmarkPlan p = plan(dir.resolve("out"), dir).build();
        assertNames(assertThrows(ConfigException.class, () -> p.filterByNames(",,", null, null)), "-Dtransfer.models", "',,'", "names no model");
        assertNames(assertThrows(ConfigException.class, () -> p.filterByNames(null, " , ", null)), "-Dtransfer.datasets", "names no dataset");
        assertNames(assertThrows(ConfigException.class, () -> p.filterByNames(null, null, ",")), "-Dtransfer.scenarios", "names no scenario");

        assertEquals(4, p.filterByNames(null, "", " ").cells().size(), "unset or blank: every cell");
        assertEquals(List.of("b"), p.filterByNames("b,", null, null).models().stream().map(ModelSpec::name).toList());
        assertThrows(ConfigException.class, () -> p.filterByNames("a,nope", null, null));
    }

    @Test
    void memoryLimitsAreCheckedBeforeAnyWorkerStarts() {
        assertNames(assertThrows(ConfigException.class, () -> new WorkerMemory("lots", "8G")), "<maxHeap> / -Dtransfer.maxHeap", "'lots'", "4g");
        assertNames(assertThrows(ConfigException.class, () -> new WorkerMemory("1.5g", "8G")), "<maxHeap> / -Dtransfer.maxHeap", "no fractions");
        assertNames(assertThrows(ConfigException.class, () -> new WorkerMemory("1m", "8G")), "<maxHeap> / -Dtransfer.maxHeap", "too small");
        assertNames(assertThrows(ConfigException.class, () -> new WorkerMemory("2g", "lots")), "<maxOffHeap> / -Dtransfer.maxOffHeap", "'lots'");
        assertNames(assertThrows(ConfigException.class, () -> new WorkerMemory("2g", "")), "<maxOffHeap> / -Dtransfer.maxOffHeap");

        assertEquals(List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=8G"), new WorkerMemory("2g", "8G").jvmArgs());
        for (String heap : List.of("4G", "1536m", "262144k", "68719476736")) new WorkerMemory(heap, "8G");
        for (String off : List.of("12g", "12GB", "400%", "0", "1073741824")) new WorkerMemory("2g", off);
        assertEquals(1536L << 20, new WorkerMemory("1536m", "8G").heapBytes());
    }

    @Test
    void anOutputDirectoryThatIsAFileFailsWithTheReason(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("results"), "not a folder");
        assertNames(assertThrows(ConfigException.class, () -> plan(file, dir).build()),
                "<outputDirectory> / -Dtransfer.outputDirectory", file.toString(), "is a file, not a directory");
        assertNames(assertThrows(ConfigException.class, () -> plan(file.resolve("deeper/still"), dir).build()),
                "<outputDirectory> / -Dtransfer.outputDirectory", "a parent of", "is a file, not a directory");
        assertNames(assertThrows(ConfigException.class, () -> plan(dir.resolve("out"), dir).optCacheDir(file).build()),
                "<cacheDirectory> / -Dtransfer.cacheDirectory", "is a file");
        plan(dir.resolve("not/yet/there"), dir).build(); // missing folders are created later: fine
    }

    @Test
    void filterKeepsTheSetFormWorking(@TempDir Path dir) {
        BenchmarkPlan p = plan(dir.resolve("out"), dir).build();
        assertEquals(2, p.filter(Set.of("a"), null, null).cells().size());
    }
}
