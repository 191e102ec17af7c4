package io.github.dl4jtransfer.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The backbone's pretrained configuration, written next to the ONNX file by {@code tools/export}
 * (as timm's pretrained config): preprocessing, feature/token geometry, block naming and provenance.
 *
 * @param imageSize    [C, H, W] the graph expects (for the DeiT tail: [N, C] of its token input)
 * @param blockPattern regex whose match in a parameter name is that parameter's block ("blocks\\.\\d+")
 * @param outputs      role ("features", "tokens") → graph output name
 */
public record Sidecar(String family, String name, String variant, String inputName, long[] imageSize,
                      int resize, int crop, double[] mean, double[] std, String interpolation, int patchSize,
                      int featureDim, int tokenDim, int numTokens, String blockPattern, int numBlocks,
                      Map<String, String> outputs, String weights, String sourceUrl, String license, int opset,
                      String torchVersion, String notes, String onnxSha256) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static Sidecar read(Path file) {
        try {
            Sidecar s = JSON.readValue(file.toFile(), Sidecar.class);
            if (s.inputName() == null) {
                throw new IllegalArgumentException("sidecar " + file + " has no 'input_name'; regenerate it with tools/export/export.py");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read backbone sidecar " + file + ": " + e.getMessage()
                    + " (expected the JSON written by tools/export/export.py)", e);
        }
    }

    /** The sidecar next to an ONNX file: {@code model.json} for {@code model.onnx}. */
    public static Path besides(Path onnx) {
        String fileName = onnx.getFileName().toString();
        String stem = fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return onnx.resolveSibling(stem + ".json");
    }

    public String outputName(String role) {
        return outputs == null ? role : outputs.getOrDefault(role, role);
    }

    /** The input shape without the batch axis. */
    public long[] inputShape() {
        return imageSize;
    }
}
