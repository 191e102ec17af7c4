package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.model.BackboneWeights;
import io.github.dl4jtransfer.train.FreezePolicy;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;

import java.util.Map;
import java.util.Set;

/** Display names in the study poster's style: "DINOv2 ViT-B/14 · frozen + linear". */
final class Labels {

    /** The eight backbone families' model ids as the export tooling names them. */
    private static final Map<String, String> MODELS = Map.of(
            "dinov2-vitb14", "DINOv2 ViT-B/14",
            "deit-b16", "DeiT-B/16",
            "dino-vitb16", "DINO ViT-B/16",
            "openclip-vitb16", "OpenCLIP ViT-B/16",
            "blip-vitb16", "BLIP ViT-B/16",
            "sam-vitb", "SAM ViT-B",
            "seem-focalnet-t", "SEEM FocalNet-T",
            "resnet152", "ResNet-152");

    private Labels() {
    }

    /** The model ids with a built-in display name. */
    static Set<String> knownModels() {
        return MODELS.keySet();
    }

    static String model(String id, Map<String, String> overrides) {
        String o = overrides.get(id);
        if (o != null) return o;
        return MODELS.getOrDefault(id, id);
    }

    /** "frozen + linear", "unfrozen + DeiT", "last 2 blocks + linear"; unknown names are shown as they are. */
    static String scenario(String name) {
        Scenario s;
        try {
            s = Scenario.parse(name);
        } catch (IllegalArgumentException e) {
            return name;
        }
        // Java 17: no pattern matching in switch, hence the instanceof chain.
        String freeze;
        if (s.freeze() instanceof FreezePolicy.LastK k) {
            freeze = "last " + k.k() + (k.k() == 1 ? " block" : " blocks");
        } else {
            freeze = s.freeze().describe();
        }
        return freeze + " + " + classifier(s.head());
    }

    /** "linear", "DeiT" (the appended DeiT-B blocks) or "kNN", as in the scenario labels. */
    static String classifier(HeadKind head) {
        return switch (head) {
            case LINEAR -> "linear";
            case DEIT -> "DeiT";
            case KNN -> "kNN";
        };
    }

    static String of(String model, String scenario, Map<String, String> overrides) {
        return of(model, scenario, overrides, false);
    }

    /** With {@code randomWeights}: "DeiT-B/16 (⚠ random weights) · frozen + linear". */
    static String of(String model, String scenario, Map<String, String> overrides, boolean randomWeights) {
        return model(model, overrides) + (randomWeights ? " (" + BackboneWeights.RANDOM_MARKER + ")" : "") + " · " + scenario(scenario);
    }
}
