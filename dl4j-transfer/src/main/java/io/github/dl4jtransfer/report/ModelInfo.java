package io.github.dl4jtransfer.report;

import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.model.Sidecar;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the poster chart needs to know about a model beyond its id: its family and what it was pretrained on.
 *
 * <p>Both come from the backbone's sidecar ({@code model.json} next to the cell's {@code model.onnx}, as
 * recorded in the cell's provenance) when that file can still be read from where the report is rendered;
 * otherwise the family is looked up from the export presets' ids and the pre-training data from
 * {@link #PRETRAINING_BY_FAMILY}.
 *
 * @param model              model id as in the cells
 * @param family             sidecar family ("dinov2", "deit", …), or null when neither the sidecar nor the id says
 * @param pretrainingData    "LVD-142M", "SA-1B", …, or null when unknown
 * @param pretrainingSource  "sidecar" or "built-in" (the table by family), null when unknown
 */
record ModelInfo(String model, String family, String pretrainingData, String pretrainingSource) {

    /** The export presets ({@code tools/export/export.py}) and the sidecar family each writes. */
    static final Map<String, String> FAMILY_OF_PRESET = Map.of(
            "dinov2-vitb14", "dinov2",
            "deit-b16", "deit",
            "dino-vitb16", "dino",
            "openclip-vitb16", "openclip",
            "blip-vitb16", "blip",
            "sam-vitb", "sam",
            "seem-focalnet-t", "focalnet",
            "resnet152", "resnet");

    /**
     * What each family's official weights (the ones the study used) were pretrained on, for sidecars without
     * {@code pretraining_data}. Sources: the DINOv2 paper (LVD-142M), DeiT / DINO / torchvision model cards
     * (ImageNet-1k), open_clip's {@code laion2b_s34b_b88k} (LAION-2B), the BLIP README ({@code model_base.pth}:
     * the 129M-image set), the SAM paper (SA-1B) and SEEM's dataset notes (COCO 2017 with LVIS masks).
     * {@code focalnet} stands for SEEM here: it is the only FocalNet preset the export tool builds.
     */
    static final Map<String, String> PRETRAINING_BY_FAMILY = Map.of(
            "dinov2", "LVD-142M",
            "deit", "ImageNet-1k",
            "deit-tail", "ImageNet-1k",
            "dino", "ImageNet-1k",
            "resnet", "ImageNet-1k",
            "openclip", "LAION-2B",
            "blip", "129M images (COCO, VG, CC3M, CC12M, SBU, LAION-115M)",
            "sam", "SA-1B",
            "focalnet", "COCO+LVIS");

    /** The poster's ImageNet-pretrained baselines (DeiT-B, DINO ViT-B/16, ResNet-152), by family. */
    static final List<String> DEFAULT_BASELINES = List.of("deit", "dino", "resnet");

    /**
     * @param cells the model's cells; the first whose provenance names a readable sidecar supplies it
     */
    static ModelInfo of(String model, Collection<CellResult> cells) {
        Sidecar sidecar = sidecarOf(cells);
        String family = sidecar != null && sidecar.family() != null ? sidecar.family() : FAMILY_OF_PRESET.get(model);
        if (sidecar != null && sidecar.pretrainingData() != null && !sidecar.pretrainingData().isBlank()) {
            return new ModelInfo(model, family, sidecar.pretrainingData().strip(), "sidecar");
        }
        String builtIn = family == null ? null : PRETRAINING_BY_FAMILY.get(family);
        return new ModelInfo(model, family, builtIn, builtIn == null ? null : "built-in");
    }

    /**
     * Whether the poster treats this model as a baseline (linear classifier only).
     *
     * @param baselines model ids or family names; null for {@link #DEFAULT_BASELINES}
     */
    boolean isBaseline(List<String> baselines) {
        Set<String> names = Set.copyOf(baselines == null ? DEFAULT_BASELINES : baselines);
        return names.contains(model) || (family != null && names.contains(family));
    }

    private static Sidecar sidecarOf(Collection<CellResult> cells) {
        for (CellResult r : cells) {
            if (r.provenance() == null || r.provenance().modelFile() == null) continue;
            Path file;
            try {
                file = Sidecar.besides(Path.of(r.provenance().modelFile()));
            } catch (InvalidPathException e) {
                continue;
            }
            if (!Files.isRegularFile(file)) continue;
            try {
                return Sidecar.read(file);
            } catch (IllegalArgumentException e) {
                // An unreadable sidecar only costs the label; the table by family stands in.
            }
        }
        return null;
    }
}
