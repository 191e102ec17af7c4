package io.github.dl4jtransfer.model;

import java.util.Map;

/**
 * The sidecar's {@code study} section: what the study's code (joanaapa/Foundation-Medical) taps, where it differs
 * from the modern {@code outputs}, written by {@code tools/export} (docs/exporting.md has the table per family).
 *
 * @param outputs      role ({@link BackboneOutput#key()}) → graph output for the study; a role left out is the
 *                     modern output (e.g. SAM: {@code study_features}, {@code study_tokens}; DINOv2: only tokens)
 * @param dropPathRate the stochastic-depth rate the study builds the model with (SEEM's FocalNet-T 0.3, the
 *                     ViTs 0); the largest rate, spread linearly over the blocks as timm's decay rule does.
 *                     Null when the sidecar does not say
 * @param source       where in the study's code the taps and the rate come from (file:line), for people
 * @param grayscale    a 1-channel variant graph next to the 3-channel one, only where the study's 1-channel
 *                     stem is not the 3-channel graph fed [x, 0, 0] (SEEM); null otherwise
 */
public record StudyTaps(Map<String, String> outputs, Double dropPathRate, String source, Grayscale grayscale) {

    /** The graph output the study reads for {@code role}, or null to mean the modern one. */
    public String outputName(BackboneOutput role) {
        return outputs == null ? null : outputs.get(role.key());
    }

    /**
     * The study's 1-channel variant of the backbone ({@code study.grayscale} in the sidecar).
     *
     * @param file             the ONNX file, relative to the 3-channel graph's directory ({@code model-gray.onnx})
     * @param inChannels       its input channels (1)
     * @param inputName        its graph input
     * @param imageSize        [C, H, W] it expects
     * @param referencesPrefix prefix of its reference files ({@code gray_input_b1.npy}, {@code gray_features_b1.npy})
     * @param onnxSha256       SHA-256 of that file
     */
    public record Grayscale(String file, int inChannels, String inputName, long[] imageSize, String referencesPrefix,
                            String onnxSha256) {
    }
}
