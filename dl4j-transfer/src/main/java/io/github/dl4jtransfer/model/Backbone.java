package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.graph.Dim;
import io.github.dl4jtransfer.graph.Sessions;
import io.github.dl4jtransfer.graph.TranslatedGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An imported backbone: a SameDiff graph with an image placeholder, {@link BackboneOutput#FEATURES features}
 * and {@link BackboneOutput#TOKENS tokens} outputs, a dynamic batch, and its weights as named variables grouped
 * by module. It carries its own {@link #preprocessing()} (as DJL's ZooModel carries its Translator), so that
 * images are never resized or normalised for one backbone and fed to another.
 */
public final class Backbone {

    private final Sidecar sidecar;
    private final TranslatedGraph graph;
    private final ParameterGroups groups;
    private final Path source;
    private final String sha256;
    private final long importMillis;
    private final Protocol featureTaps;

    Backbone(Sidecar sidecar, TranslatedGraph graph, Path source, String sha256, long importMillis) {
        this.sidecar = sidecar;
        this.graph = graph;
        this.source = source;
        this.sha256 = sha256;
        this.importMillis = importMillis;
        this.groups = new ParameterGroups(graph.parameters().keySet(), sidecar == null ? null : sidecar.blockPattern());
        this.featureTaps = Protocol.MODERN;
    }

    private Backbone(Backbone b, Protocol featureTaps) {
        this.sidecar = b.sidecar;
        this.graph = b.graph;
        this.source = b.source;
        this.sha256 = b.sha256;
        this.importMillis = b.importMillis;
        this.groups = b.groups;
        this.featureTaps = featureTaps;
    }

    /**
     * This backbone (the same graph and weights) answering {@link #outputName(BackboneOutput)} with {@code protocol}'s
     * taps, so that heads, the feature cache and the trainer read the study's outputs without knowing of protocols.
     */
    public Backbone withFeatureTaps(Protocol protocol) {
        return protocol == featureTaps ? this : new Backbone(this, java.util.Objects.requireNonNull(protocol, "protocol"));
    }

    /** Whose taps {@link #outputName(BackboneOutput)} answers with ({@link Protocol#MODERN} unless set). */
    public Protocol featureTaps() {
        return featureTaps;
    }

    public SameDiff sameDiff() {
        return graph.sameDiff();
    }

    public Sidecar sidecar() {
        return sidecar;
    }

    /** Where the weights came from, as the sidecar says; null when loaded without a sidecar. */
    public BackboneWeights weights() {
        return sidecar == null ? null : sidecar.weightsInfo();
    }

    /**
     * How to turn an image into this backbone's input ({@link Sidecar#preprocessing()}).
     *
     * @throws IllegalArgumentException when the backbone takes no image (the DeiT tail takes tokens)
     * @throws IllegalStateException    when it was loaded without a sidecar
     */
    public Preprocessing preprocessing() {
        if (sidecar == null) {
            throw new IllegalStateException("backbone " + source + " was loaded without a sidecar, so its preprocessing is "
                    + "unknown; load it with its sidecar, or build one with Preprocessing.builder");
        }
        return sidecar.preprocessing();
    }

    public String inputName() {
        return graph.inputNames().get(0);
    }

    public List<String> outputNames() {
        return graph.outputNames();
    }

    /** The graph output for a role, by the sidecar's naming, with this backbone's {@link #featureTaps()}. */
    public String outputName(BackboneOutput role) {
        return outputName(role, featureTaps);
    }

    /**
     * The graph output for a role under {@code protocol} ({@link Sidecar#outputName(BackboneOutput, Protocol)}): the
     * study's tap where the sidecar's {@code study} section names one (SAM without its neck, BLIP's token 1,
     * DINOv2's and OpenCLIP's tokens before the final norm), else the modern output.
     */
    public String outputName(BackboneOutput role, Protocol protocol) {
        String name = sidecar == null ? role.key() : sidecar.outputName(role, protocol);
        if (!graph.outputNames().contains(name)) {
            throw new IllegalArgumentException("backbone " + source + " has no output '" + name + "' (outputs: "
                    + graph.outputNames() + ")");
        }
        return name;
    }

    /** The drop-path rate for {@code protocol} ({@link Sidecar#dropPathRate(Protocol)}); 0 without a sidecar. */
    public double dropPathRate(Protocol protocol) {
        return sidecar == null ? 0.0 : sidecar.dropPathRate(protocol);
    }

    /** Output shape with the batch as the symbol B, e.g. [B, 768]. */
    public Dim[] outputShape(String name) {
        return graph.outputShapes().get(name);
    }

    /** Runs the graph on a batch of preprocessed images (B, C, H, W); returns every output. */
    public Map<String, INDArray> forward(INDArray images) {
        return forward(images, graph.outputNames());
    }

    public Map<String, INDArray> forward(INDArray images, List<String> outputs) {
        checkInput(images);
        Sessions.forInference(graph.sameDiff()); // frees each activation after its last use (see Sessions)
        Map<String, INDArray> out = graph.sameDiff().output(Map.of(inputName(), images), outputs.toArray(new String[0]));
        return new LinkedHashMap<>(out);
    }

    private void checkInput(INDArray images) {
        long[] expected = sidecar == null ? null : sidecar.inputShape();
        if (expected == null) return;
        long[] got = images.shape();
        if (got.length != expected.length + 1 || !Arrays.equals(Arrays.copyOfRange(got, 1, got.length), expected)) {
            throw new IllegalArgumentException("backbone " + sidecar.name() + " expects input of shape [B, "
                    + Arrays.toString(expected).replace("[", "") + " but got " + Arrays.toString(got)
                    + "; preprocess with the sidecar's resize/crop");
        }
    }

    /** Weight name → variable, in the order the graph first uses them. */
    public Map<String, SDVariable> parameters() {
        return graph.parameters();
    }

    /** The inference-mode BatchNormalization nodes and where their running statistics live, in graph order. */
    public List<io.github.dl4jtransfer.graph.BatchNormSite> batchNorms() {
        return graph.batchNorms();
    }

    public ParameterGroups parameterGroups() {
        return groups;
    }

    public long parameterCount() {
        long n = 0;
        for (SDVariable v : graph.parameters().values()) n += v.getArr().length();
        return n;
    }

    public int opCount() {
        return graph.sameDiff().getOps().size();
    }

    public int onnxNodeCount() {
        return graph.onnxNodeCount();
    }

    public Path source() {
        return source;
    }

    /** SHA-256 of the ONNX file: the model's identity in caches and result provenance. */
    public String sha256() {
        return sha256;
    }

    public long importMillis() {
        return importMillis;
    }

    @Override
    public String toString() {
        return "Backbone[" + (sidecar == null ? source : sidecar.name()) + ", " + parameterCount() + " parameters, "
                + opCount() + " ops from " + onnxNodeCount() + " ONNX nodes]";
    }
}
