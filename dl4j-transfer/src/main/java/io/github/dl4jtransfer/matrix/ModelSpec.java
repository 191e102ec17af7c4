package io.github.dl4jtransfer.matrix;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A backbone of the matrix.
 *
 * @param name short name used in cell ids and reports ("dinov2-vitb14")
 * @param onnx the exported ONNX file; its sidecar ({@code model.json}) sits next to it
 */
public record ModelSpec(String name, Path onnx) {
    public ModelSpec {
        Objects.requireNonNull(name, "model name");
        Objects.requireNonNull(onnx, "model onnx");
    }
}
