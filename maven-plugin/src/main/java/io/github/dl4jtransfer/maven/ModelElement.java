package io.github.dl4jtransfer.maven;

import java.io.File;

/**
 * {@code <models><model>}: one backbone of the matrix, as written in the POM (the library checks it).
 * <pre>
 * &lt;model&gt;
 *   &lt;name&gt;dinov2-vitb14&lt;/name&gt;
 *   &lt;onnx&gt;exports/dinov2-vitb14/model.onnx&lt;/onnx&gt;
 * &lt;/model&gt;
 * </pre>
 */
public class ModelElement {
    /** Short name used in cell ids, progress lines and reports. */
    private String name;
    /** The exported ONNX file; its sidecar ({@code model.json}) must lie next to it. */
    private File onnx;

    public ModelElement() {
    }

    public ModelElement(String name, File onnx) {
        this.name = name;
        this.onnx = onnx;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public File getOnnx() { return onnx; }
    public void setOnnx(File onnx) { this.onnx = onnx; }
}
