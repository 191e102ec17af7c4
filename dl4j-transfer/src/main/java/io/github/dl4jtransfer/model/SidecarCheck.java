package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.image.Interpolation;
import onnx.Onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sidecar must say, checked when it is read and again against its graph when the backbone loads, so that a
 * wrong or incomplete {@code model.json} fails naming the field and the file instead of being replaced by defaults
 * (ImageNet statistics, bilinear resizing) or failing later inside a forward pass ("Op reshape … validation failed").
 */
final class SidecarCheck {

    private SidecarCheck() {
    }

    /** The fields every sidecar needs: the graph's input and outputs, and the preprocessing of its images. */
    static void fields(Sidecar s, Path file) {
        require(s.inputName() != null && !s.inputName().isBlank(), file, "input_name", "is missing");
        require(s.imageSize() != null && s.imageSize().length > 0, file, "image_size", "is missing");
        for (long d : s.imageSize()) require(d > 0, file, "image_size", Arrays.toString(s.imageSize()) + " has a size below 1");
        require(s.outputs() != null && !s.outputs().isEmpty(), file, "outputs",
                "is missing (role -> graph output, e.g. {\"features\": \"features\", \"tokens\": \"tokens\"})");
        require(s.outputs().containsKey(BackboneOutput.FEATURES.key()), file, "outputs",
                s.outputs() + " names no '" + BackboneOutput.FEATURES.key() + "' output");
        // The DeiT tail takes tokens, not images, but its export writes the ImageNet values too: one rule for all.
        int channels = s.imageSize().length == 3 ? (int) s.imageSize()[0] : 3;
        statistics(s.mean(), "mean", channels, file);
        statistics(s.std(), "std", channels, file);
        for (double v : s.std()) require(v > 0, file, "std", Arrays.toString(s.std()) + " has a value that is not positive");
        require(s.interpolation() != null, file, "interpolation", "is missing (bilinear or bicubic)");
        try {
            Interpolation.of(s.interpolation());
        } catch (DatasetException e) {
            throw problem(file, "interpolation", e.getMessage());
        }
    }

    private static void statistics(double[] values, String field, int channels, Path file) {
        require(values != null, file, field, "is missing (one value per channel of [0, 1] pixels, RGB order)");
        require(values.length == channels, file, field, Arrays.toString(values) + " has " + values.length
                + " values for " + channels + " channels");
    }

    /**
     * The sidecar against the graph it describes: {@code input_name} is the graph's input, {@code image_size} its
     * static shape after the batch axis (symbolic axes agree with any size), and every output the sidecar names (in
     * {@code outputs} and {@code study.outputs}) is one of the graph's outputs.
     */
    static void againstGraph(Sidecar s, Path file, Onnx.GraphProto graph, Path onnx) {
        Set<String> initializers = new HashSet<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) initializers.add(t.getName());
        List<String> inputs = new ArrayList<>();
        Onnx.ValueInfoProto input = null;
        for (Onnx.ValueInfoProto v : graph.getInputList()) {
            if (initializers.contains(v.getName())) continue;
            inputs.add(v.getName());
            if (v.getName().equals(s.inputName())) input = v;
        }
        require(input != null, file, "input_name", "'" + s.inputName() + "' is not an input of " + onnx + " (its inputs: " + inputs + ")");
        List<Onnx.TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        long[] size = s.imageSize();
        require(dims.size() == size.length + 1, file, "image_size", Arrays.toString(size) + " does not fit input '"
                + s.inputName() + "' of " + onnx + ", " + describe(dims) + " (the batch axis and then image_size)");
        for (int i = 0; i < size.length; i++) {
            Onnx.TensorShapeProto.Dimension d = dims.get(i + 1);
            require(!d.hasDimValue() || d.getDimValue() == size[i], file, "image_size", Arrays.toString(size)
                    + " disagrees with input '" + s.inputName() + "' of " + onnx + ", " + describe(dims));
        }
        Set<String> outputs = new HashSet<>();
        for (Onnx.ValueInfoProto v : graph.getOutputList()) outputs.add(v.getName());
        outputsExist(s.outputs(), "outputs", outputs, file, onnx);
        if (s.study() != null && s.study().outputs() != null) outputsExist(s.study().outputs(), "study.outputs", outputs, file, onnx);
    }

    private static void outputsExist(Map<String, String> named, String field, Set<String> outputs, Path file, Path onnx) {
        for (Map.Entry<String, String> e : named.entrySet()) {
            require(outputs.contains(e.getValue()), file, field, "'" + e.getKey() + "' names '" + e.getValue()
                    + "', which is not an output of " + onnx + " (its outputs: " + outputs.stream().sorted().toList() + ")");
        }
    }

    private static String describe(List<Onnx.TensorShapeProto.Dimension> dims) {
        List<String> out = new ArrayList<>();
        for (Onnx.TensorShapeProto.Dimension d : dims) out.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam());
        return "shape " + out;
    }

    private static void require(boolean ok, Path file, String field, String problem) {
        if (!ok) throw problem(file, field, problem);
    }

    private static IllegalArgumentException problem(Path file, String field, String problem) {
        return new IllegalArgumentException("sidecar " + file + ": '" + field + "' " + problem
                + "; re-export with tools/export/export.py or fix the field (docs/import.md)");
    }
}
