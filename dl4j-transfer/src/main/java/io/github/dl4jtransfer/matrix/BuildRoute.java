package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.model.Sidecar;
import io.github.dl4jtransfer.train.FreezePolicy;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a cell asks of the native build: whether it trains weights inside a SameDiff graph (a backbone that is not
 * frozen, or the appended DeiT classifier, which trains in {@code frozen-deit} too), and whether its backbone is
 * convolutional. {@code <nativeBuild>auto} ({@link NativeBuild}) runs on {@code onednn-avx2} the cells in which
 * nothing trains inside a graph ({@code frozen-linear}, {@code frozen-knn}: the backbone only runs forward, the head
 * trains in plain Java) and, in workers that run jemalloc ({@code device.NativeAllocator}), the training cells of
 * convolutional backbones (ResNet, FocalNet, ConvNeXt: 2.4× and 8.7× faster steps than the plain build, bounded);
 * training cells of ViTs stay on the plain build, where oneDNN gained only 0.94–1.15× for 0.2–2.3 GiB more and
 * DINOv2 + DeiT with micro-batches of 4 no longer fit 12 GiB (docs/performance.md, "The allocator").
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

    /**
     * The build {@code setting} gives each kind of cell of {@code plan} ({@link #kind}: backbone and scenario) on this
     * machine's CPU, in workers that do or do not run jemalloc; cells in which nothing trains inside a graph first, the
     * order in which their workers run. Each backbone's sidecar is read once.
     */
    public static Map<String, NativeBuild> buildsHere(BenchmarkPlan plan, String setting, boolean jemalloc) {
        Map<String, Boolean> convolutional = new HashMap<>();
        for (ModelSpec m : plan.models()) convolutional.put(m.name(), jemalloc && convolutional(m));
        Map<String, NativeBuild> builds = new LinkedHashMap<>();
        List<String> scenarios = plan.scenarios().stream().sorted(Comparator.comparing(BuildRoute::trainsInGraph)).toList();
        for (String scenario : scenarios) {
            for (ModelSpec m : plan.models()) {
                builds.put(kind(m.name(), scenario), NativeBuild.resolveHere(setting, trainsInGraph(scenario), convolutional.get(m.name())));
            }
        }
        return builds;
    }

    /** The key of {@link #buildsHere}: cells of one backbone and scenario share a build. */
    public static String kind(String model, String scenario) {
        return model + "|" + scenario;
    }

    public static String kind(CellKey key) {
        return kind(key.model(), key.scenario());
    }

    /**
     * Whether the backbone is convolutional: its sidecar gives no patch size (ResNet, FocalNet, ConvNeXt). An
     * unreadable sidecar counts as not (the cell reports that sidecar's error when it runs).
     */
    public static boolean convolutional(ModelSpec model) {
        try {
            return Sidecar.read(Sidecar.besides(model.onnx())).patchSize() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether a cell of this scenario trains inside a graph (a backbone that is not frozen, or the DeiT classifier). */
    public static boolean trainsInGraph(String scenarioName) {
        Scenario s = Scenario.parse(scenarioName);
        return s.head() == HeadKind.DEIT || !(s.freeze() instanceof FreezePolicy.Frozen);
    }
}
