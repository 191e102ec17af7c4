package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which cells train inside a graph, and the router that runs each kind on its own build's workers, one kind after the other. */
class BuildRouteTest {

    @TempDir
    Path dir;

    private BenchmarkPlan plan(String... scenarios) {
        try {
            java.nio.file.Files.createDirectories(dir.resolve("data")); // never read: no cell runs here
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(dir.resolve("out"))
                .addModel("deit-b16", Fixtures.tiny("deit-b16")).addModel("resnet152", Fixtures.tiny("resnet152"))
                .addModel("seem-focalnet-t", Fixtures.tiny("seem-focalnet-t"))
                .addDataset("ddsm", "imagefolder", dir.resolve("data")).addSeed(1);
        for (String s : scenarios) b.addScenario(s);
        return b.build();
    }

    @Test
    void aCellTrainsInAGraphWhenABackboneOrTheDeitClassifierTrains() {
        assertFalse(BuildRoute.trainsInGraph("frozen-linear"), "a frozen backbone only runs forward; the head trains in Java");
        assertFalse(BuildRoute.trainsInGraph("frozen-knn"), "nothing trains");
        assertTrue(BuildRoute.trainsInGraph("unfrozen-linear"));
        assertTrue(BuildRoute.trainsInGraph("last2-linear"), "partial unfreezing trains the last blocks");
        assertTrue(BuildRoute.trainsInGraph("frozen-deit"), "the appended DeiT body trains, also behind a frozen backbone");
        assertTrue(BuildRoute.trainsInGraph("unfrozen-deit"));
        assertFalse(BuildRoute.anyTrainsInGraph(plan("frozen-linear", "frozen-knn")));
        assertTrue(BuildRoute.anyTrainsInGraph(plan("frozen-linear", "unfrozen-linear")));
        assertTrue(BuildRoute.trainsInGraph(new CellKey("resnet152", "ddsm", "last1-deit", 1)));
    }

    @Test
    void convolutionalBackbonesAreTheOnesWithoutAPatchSize() {
        BenchmarkPlan p = plan("unfrozen-linear");
        assertFalse(BuildRoute.convolutional(p, "deit-b16"), "a ViT");
        assertTrue(BuildRoute.convolutional(p, "resnet152"));
        assertTrue(BuildRoute.convolutional(p, "seem-focalnet-t"), "FocalNet: depthwise convolutions, no patch tokens");
        assertFalse(BuildRoute.convolutional(p, "not-in-the-plan"));
    }

    @Test
    void underJemallocOnlyConvolutionalBackbonesTrainOnOneDnn() {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeBuild.ONEDNN_AVX2.runsOn(NativeBuild.flagsHere()), "needs an AVX2 CPU");
        BenchmarkPlan p = plan("frozen-linear", "unfrozen-linear");
        assertEquals(NativeBuild.ONEDNN_AVX2, BuildRoute.buildHere(p, "deit-b16", "frozen-linear", "auto", false));
        assertEquals(NativeBuild.PLAIN, BuildRoute.buildHere(p, "resnet152", "unfrozen-linear", "auto", false), "glibc: no training on oneDNN");
        assertEquals(NativeBuild.ONEDNN_AVX2, BuildRoute.buildHere(p, "resnet152", "unfrozen-linear", "auto", true));
        assertEquals(NativeBuild.PLAIN, BuildRoute.buildHere(p, "deit-b16", "unfrozen-linear", "auto", true), "a ViT trains on the plain build");
        assertEquals(NativeBuild.PLAIN, BuildRoute.buildHere(p, "resnet152", "unfrozen-linear", "plain", true), "a named build is kept");
    }

    /** An executor that records what it ran (the router's collaborators; the router is under test). */
    private static final class Recording implements CellExecutor, AutoCloseable {
        final List<String> ran = new ArrayList<>();
        int closed;

        @Override
        public CellResult execute(BenchmarkPlan plan, CellKey key, Consumer<String> log) {
            ran.add(key.id());
            return CellResult.failed(key, "not run: recorded", null, List.of(), 0, 0, null);
        }

        @Override
        public void close() {
            closed++;
        }
    }

    @Test
    void routerRunsEachKindOnItsExecutorOneKindAfterTheOtherAndStopsEachAfterItsPart() {
        BenchmarkPlan p = plan("frozen-linear", "unfrozen-linear");
        Recording onednn = new Recording(), plain = new Recording();
        List<String> order = new ArrayList<>();
        BuildRouter router = new BuildRouter(Map.of(NativeBuild.ONEDNN_AVX2, onednn, NativeBuild.PLAIN, plain),
                k -> BuildRoute.trainsInGraph(k) ? NativeBuild.PLAIN : NativeBuild.ONEDNN_AVX2);
        List<CellKey> cells = new ArrayList<>();
        for (String m : List.of("deit-b16", "resnet152")) {
            for (String s : List.of("frozen-linear", "unfrozen-linear")) cells.add(new CellKey(m, "ddsm", s, 1));
        }
        router.executeAll(p, cells, new CellExecutor.CellSink() {
            @Override
            public void started(CellKey key) {
            }

            @Override
            public void finished(CellResult result) {
                order.add(result.key().id());
            }
        }, s -> { });
        assertEquals(List.of(new CellKey("deit-b16", "ddsm", "unfrozen-linear", 1).id(),
                new CellKey("resnet152", "ddsm", "unfrozen-linear", 1).id()), plain.ran, "plan order within a kind");
        assertEquals(2, onednn.ran.size(), onednn.ran.toString());
        assertEquals(4, order.size(), "every cell reported once");
        assertEquals(1, onednn.closed, "each kind's workers stop after its part");
        assertEquals(1, plain.closed);
        int first = order.indexOf(plain.ran.get(0)), second = order.indexOf(plain.ran.get(1));
        assertTrue(second == first + 1 && (first == 0 || first == 2), "one kind after the other: " + order);
    }
}
