package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.model.Sidecar;
import io.github.dl4jtransfer.train.FreezePolicy;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a cell asks of the native build: whether it trains a transformer. {@code <nativeBuild>auto} runs such cells on
 * the plain libnd4j build and every other cell on {@code onednn-avx2} ({@link NativeBuild}): measured at batch 8 on one
 * thread, a ViT-B training step was 1.36× faster on the plain build, while oneDNN ran every forward faster (ViT-B 1.2×,
 * ResNet-152 2.1×, SEEM FocalNet-T 2.1×) and trained the convolutional backbones faster (ResNet-152 1.5×, SEEM 5.9×:
 * libnd4j's own depthwise backward is slow); docs/performance.md, "Native builds".
 *
 * <p>A cell trains a transformer when its scenario appends the DeiT classifier (a transformer body, trained in
 * {@code frozen-deit} too) or trains a backbone whose sidecar gives a patch size (the ViTs; convolutional networks say
 * 0).
 */
public final class BuildRoute {

    private final BenchmarkPlan plan;
    private final Map<String, Boolean> vitByModel = new ConcurrentHashMap<>();

    public BuildRoute(BenchmarkPlan plan) {
        this.plan = plan;
    }

    public boolean trainsTransformer(CellKey key) {
        return trainsTransformer(key.model(), key.scenario());
    }

    /** Whether any cell of the plan trains a transformer (one build for a whole plan: Spark). */
    public boolean anyTrainsTransformer() {
        for (ModelSpec m : plan.models()) {
            for (String s : plan.scenarios()) if (trainsTransformer(m.name(), s)) return true;
        }
        return false;
    }

    boolean trainsTransformer(String model, String scenarioName) {
        Scenario s = Scenario.parse(scenarioName);
        if (s.head() == HeadKind.DEIT) return true;
        return !(s.freeze() instanceof FreezePolicy.Frozen) && vit(model);
    }

    private boolean vit(String model) {
        return vitByModel.computeIfAbsent(model, name -> {
            Path onnx = plan.models().stream().filter(m -> m.name().equals(name)).map(ModelSpec::onnx).findFirst().orElse(null);
            if (onnx == null) return true; // unknown here: the build that is never slower for training
            Path sidecar = Sidecar.besides(onnx);
            // no sidecar yet (the cell will fail with its own message): treat as a transformer, the plain build
            return !Files.isRegularFile(sidecar) || Sidecar.read(sidecar).patchSize() > 0;
        });
    }
}
