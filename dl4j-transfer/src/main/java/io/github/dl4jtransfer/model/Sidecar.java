package io.github.dl4jtransfer.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.image.Interpolation;
import io.github.dl4jtransfer.data.image.Preprocessing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The backbone's pretrained configuration, written next to the ONNX file by {@code tools/export}
 * (as timm's pretrained config): preprocessing, feature/token geometry, block naming and provenance.
 *
 * @param imageSize    [C, H, W] the graph expects (for the DeiT tail: [N, C] of its token input)
 * @param blockPattern regex whose match in a parameter name is that parameter's block ("blocks\\.\\d+")
 * @param outputs      role ({@link BackboneOutput#key()}) → graph output name
 * @param pretrainingData what the weights were pretrained on, for people ("LVD-142M", "SA-1B"); optional, null in
 *                     sidecars written before the field existed (the report then falls back to a table by family)
 * @param weights      the checkpoint file the export loaded, or {@code "random"} ({@link BackboneWeights})
 * @param weightsSha256 SHA-256 of that checkpoint; null for random weights and in sidecars older than the field
 * @param tensorsLoaded model tensors taken from the checkpoint (0 for random weights); null in older sidecars
 * @param tensorsTotal  tensors the model has; null in older sidecars
 * @param study        the study protocol's taps, drop-path rate and 1-channel variant ({@link StudyTaps}); null in
 *                     sidecars written before the section existed, which then read as the modern outputs and
 *                     drop path 0
 */
public record Sidecar(String family, String name, String variant, String inputName, long[] imageSize,
                      int resize, int crop, double[] mean, double[] std, String interpolation, int patchSize,
                      int featureDim, int tokenDim, int numTokens, String blockPattern, int numBlocks,
                      Map<String, String> outputs, String weights, String sourceUrl, String license, int opset,
                      String torchVersion, String notes, String onnxSha256, String pretrainingData,
                      String weightsSha256, Integer tensorsLoaded, Integer tensorsTotal, StudyTaps study) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Reads and checks a sidecar: {@code input_name}, {@code image_size}, {@code outputs}, {@code mean}, {@code std}
     * and {@code interpolation} must be there and consistent (nothing is defaulted), else the error names the field
     * and the file. {@link BackboneLoader} checks it against the graph as well.
     */
    public static Sidecar read(Path file) {
        Sidecar s;
        try {
            s = JSON.readValue(file.toFile(), Sidecar.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read backbone sidecar " + file + ": " + e.getMessage()
                    + " (expected the JSON written by tools/export/export.py)", e);
        }
        SidecarCheck.fields(s, file);
        return s;
    }

    /** The sidecar next to an ONNX file: {@code model.json} for {@code model.onnx}. */
    public static Path besides(Path onnx) {
        String fileName = onnx.getFileName().toString();
        String stem = fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return onnx.resolveSibling(stem + ".json");
    }

    /** Where the weights came from: {@code weights}, {@code weights_sha256}, {@code tensors_loaded} / {@code tensors_total}. */
    public BackboneWeights weightsInfo() {
        return new BackboneWeights(weights, weightsSha256, tensorsLoaded, tensorsTotal);
    }

    /** The backbone has no pretrained weight ({@link BackboneWeights#random()}): {@code "random"}, or 0 tensors loaded. */
    public boolean randomWeights() {
        return weightsInfo().random();
    }

    /** The graph output playing {@code role} in the modern protocol: as mapped in {@code outputs}, else the role's key. */
    public String outputName(BackboneOutput role) {
        return outputs == null ? role.key() : outputs.getOrDefault(role.key(), role.key());
    }

    /**
     * The graph output playing {@code role} under {@code protocol}: for {@link Protocol#STUDY} the {@code study}
     * section's mapping where it has one, else (and for {@link Protocol#MODERN}) {@link #outputName(BackboneOutput)}.
     */
    public String outputName(BackboneOutput role, Protocol protocol) {
        if (protocol == Protocol.STUDY && study != null) {
            String name = study.outputName(role);
            if (name != null) return name;
        }
        return outputName(role);
    }

    /**
     * The stochastic-depth (drop path) rate for {@code protocol}: the study's, from the {@code study} section
     * ({@code drop_path_rate}), 0 when the sidecar has none. {@link Protocol#MODERN} uses the same rate: it is the
     * architecture's own (SEEM's FocalNet-T is built with 0.3, the ViTs without drop path), and the modern
     * protocol changes preprocessing, schedule and splits, not the architecture.
     */
    public double dropPathRate(Protocol protocol) {
        return study == null || study.dropPathRate() == null ? 0.0 : study.dropPathRate();
    }

    /** The study's 1-channel variant, when the export wrote one ({@code study.grayscale}); else null. */
    public StudyTaps.Grayscale grayscale() {
        return study == null ? null : study.grayscale();
    }

    /**
     * This sidecar as it describes the 1-channel variant: its input name, image size and ONNX hash; everything
     * else (outputs, preprocessing but the channel count, provenance) as here.
     *
     * @throws IllegalArgumentException when the sidecar names no 1-channel variant
     */
    public Sidecar forGrayscaleVariant() {
        StudyTaps.Grayscale g = grayscale();
        if (g == null) {
            throw new IllegalArgumentException("backbone " + name + " has no 1-channel variant in its sidecar (study.grayscale); "
                    + "only SEEM's export has one, the others take [x, 0, 0] in their 3-channel graph");
        }
        String input = g.inputName() != null ? g.inputName() : inputName;
        long[] size = g.imageSize() != null ? g.imageSize()
                : new long[]{g.inChannels(), imageSize[1], imageSize[2]};
        return new Sidecar(family, name, variant, input, size, resize, crop, mean, std, interpolation, patchSize,
                featureDim, tokenDim, numTokens, blockPattern, numBlocks, outputs, weights, sourceUrl, license, opset,
                torchVersion, notes, g.onnxSha256(), pretrainingData, weightsSha256, tensorsLoaded, tensorsTotal, study);
    }

    /** The input shape without the batch axis. */
    public long[] inputShape() {
        return imageSize;
    }

    /**
     * What the backbone expects of an image: {@code resize}, {@code crop} (or the image size's H, W when
     * they are not square), {@code mean}, {@code std} (the first value of each for a 1-channel input),
     * {@code interpolation}; {@link #read} has checked that they are there. A sidecar without an image input
     * (the DeiT tail takes tokens) has none and is an error.
     *
     * <p>The mapping lives here, not in {@code data.image}, so that the data packages never depend on
     * {@code model}: a backbone carries its preprocessing ({@link Backbone#preprocessing()}), and
     * {@code model} sits above {@code data}.
     */
    public Preprocessing preprocessing() {
        long[] size = imageSize;
        if (size == null || size.length != 3) {
            throw new IllegalArgumentException("backbone " + name + " takes " + (size == null ? "no" : Arrays.toString(size))
                    + " input, not an image [C, H, W]; it has no image preprocessing");
        }
        int c = (int) size[0], h = (int) size[1], w = (int) size[2];
        if (crop > 0 && h == w && crop != h) {
            throw new IllegalArgumentException("sidecar of " + name + ": crop " + crop + " disagrees with image_size "
                    + Arrays.toString(size) + "; re-export it");
        }
        if (mean == null || std == null || interpolation == null) {
            throw new IllegalArgumentException("sidecar of " + name + " has no " + (mean == null ? "'mean'" : std == null
                    ? "'std'" : "'interpolation'") + "; nothing is assumed in its place (re-export it)");
        }
        double[] m = mean;
        double[] s = std;
        if (c == 1 && m.length == 3 && s.length == 3) {
            m = new double[]{m[0]};
            s = new double[]{s[0]};
        }
        try {
            return new Preprocessing(resize, h, w, c, m, s, Interpolation.of(interpolation));
        } catch (IllegalArgumentException | DatasetException e) {
            // Preprocessing and Interpolation name the value, not where it came from (found by SidecarFuzzTest)
            throw new IllegalArgumentException("sidecar of " + name + ": " + e.getMessage() + "; re-export it", e);
        }
    }
}
