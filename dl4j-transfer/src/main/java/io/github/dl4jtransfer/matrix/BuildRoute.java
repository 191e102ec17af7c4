package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.train.FreezePolicy;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;

/**
 * What a cell asks of the native build: whether it trains weights inside a SameDiff graph (a backbone that is not
 * frozen, or the appended DeiT classifier, which trains in {@code frozen-deit} too). {@code <nativeBuild>auto} runs
 * such cells on the plain libnd4j build and the rest ({@code frozen-linear}, {@code frozen-knn}: the backbone only runs
 * forward, the head trains in plain Java) on {@code onednn-avx2} ({@link NativeBuild}). Measured at batch 8
 * (docs/performance.md, "Native builds"): oneDNN ran every forward faster (ViT-B 1.2×, ResNet-152 2.1×, SEEM
 * FocalNet-T 2.1×); its training steps were faster for convolutional backbones (ResNet-152 1.5×, SEEM 5.9×) but slower
 * for a ViT-B (0.73×), and held memory until the garbage collector ran: 8 GiB under JavaCPP's physical-memory limit,
 * past 12 GiB without it (a plain-build step: 5 GiB). So no training step runs on oneDNN unless you name the build.
 */
public final class BuildRoute {

    private BuildRoute() {
    }

    public static boolean trainsInGraph(CellKey key) {
        return trainsInGraph(key.scenario());
    }

    /** Whether any cell of {@code plan} trains inside a graph (one build for a whole plan: Spark). */
    public static boolean anyTrainsInGraph(BenchmarkPlan plan) {
        return plan.scenarios().stream().anyMatch(BuildRoute::trainsInGraph);
    }

    /** Whether a cell of this scenario trains inside a graph (a backbone that is not frozen, or the DeiT classifier). */
    public static boolean trainsInGraph(String scenarioName) {
        Scenario s = Scenario.parse(scenarioName);
        return s.head() == HeadKind.DEIT || !(s.freeze() instanceof FreezePolicy.Frozen);
    }
}
