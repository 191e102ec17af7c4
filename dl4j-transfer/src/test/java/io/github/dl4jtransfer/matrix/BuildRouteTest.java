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
        Map<String, Boolean> conv = new java.util.HashMap<>();
        for (ModelSpec m : p.models()) conv.put(m.name(), BuildRoute.convolutional(m));
        assertFalse(conv.get("deit-b16"), "a ViT");
        assertTrue(conv.get("resnet152"));
        assertTrue(conv.get("seem-focalnet-t"), "FocalNet: depthwise convolutions, no patch tokens");
        assertFalse(BuildRoute.convolutional(new ModelSpec("no-sidecar", dir.resolve("none.onnx"))), "unreadable: not");
    }

    @Test
    void underJemallocOnlyConvolutionalBackbonesTrainOnOneDnn() {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeBuild.ONEDNN_AVX2.runsOn(NativeBuild.flagsHere()), "needs an AVX2 CPU");
        BenchmarkPlan p = plan("unfrozen-linear", "frozen-linear");
        Map<String, NativeBuild> glibc = BuildRoute.buildsHere(p, "auto", false);
        Map<String, NativeBuild> jemalloc = BuildRoute.buildsHere(p, "auto", true);
        assertEquals(NativeBuild.ONEDNN_AVX2, glibc.get(BuildRoute.kind("deit-b16", "frozen-linear")));
        assertEquals(NativeBuild.PLAIN, glibc.get(BuildRoute.kind("resnet152", "unfrozen-linear")), "glibc: no training on oneDNN");
        assertEquals(NativeBuild.ONEDNN_AVX2, jemalloc.get(BuildRoute.kind("resnet152", "unfrozen-linear")));
        assertEquals(NativeBuild.PLAIN, jemalloc.get(BuildRoute.kind("deit-b16", "unfrozen-linear")), "a ViT trains on the plain build");
        assertEquals(NativeBuild.PLAIN, BuildRoute.buildsHere(p, "plain", true).get(BuildRoute.kind("resnet152", "unfrozen-linear")),
                "a named build is kept");
        assertEquals(List.of("deit-b16|frozen-linear", "resnet152|frozen-linear", "seem-focalnet-t|frozen-linear",
                "deit-b16|unfrozen-linear", "resnet152|unfrozen-linear", "seem-focalnet-t|unfrozen-linear"),
                List.copyOf(jemalloc.keySet()), "every kind of cell, forward-only ones first (their workers run first)");
        assertEquals(BuildRoute.kind("resnet152", "frozen-linear"), BuildRoute.kind(new CellKey("resnet152", "ddsm", "frozen-linear", 1)));
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
