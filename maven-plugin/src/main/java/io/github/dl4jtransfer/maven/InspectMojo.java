package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.graph.OnnxImportException;
import io.github.dl4jtransfer.model.BackboneInspector;
import io.github.dl4jtransfer.model.Sidecar;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.nio.file.Files;

/**
 * Imports one backbone and prints its outputs, shapes, parameter groups and counts; where reference
 * {@code .npy} files lie next to it (or in {@code references}), checks the outputs against them. A backbone with
 * random weights (exported without a checkpoint, or with none of its tensors loaded) is flagged with a WARNING.
 * <pre>mvn transfer:inspect -Dtransfer.onnx=path/to/model.onnx</pre>
 */
@Mojo(name = "inspect", requiresProject = false, threadSafe = true)
public class InspectMojo extends AbstractTransferMojo {

    /** The exported backbone (its sidecar {@code <name>.json} must lie next to it). */
    @Parameter(property = "transfer.onnx", required = true)
    private File onnx;

    /** Directory with {@code input_bN.npy} and {@code <output>_bN.npy} references; default: the model's directory. */
    @Parameter(property = "transfer.references")
    private File references;

    /** Largest relative L2 error against the references that passes. */
    @Parameter(property = "transfer.tolerance", defaultValue = "1e-4")
    private double tolerance;


    @Override
    protected String goal() {
        return "inspect";
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        if (!onnx.isFile()) {
            throw new MojoFailureException("<onnx> / -Dtransfer.onnx: " + onnx + " does not exist; point it at an exported "
                    + "model.onnx (tools/export/export.py writes one)");
        }
        File refs = references != null ? references : onnx.getAbsoluteFile().getParentFile();
        if (references != null && !Files.isDirectory(references.toPath())) {
            throw new MojoFailureException("<references> / -Dtransfer.references: " + references + " is not a directory");
        }
        double worst;
        String weightsWarning;
        try {
            worst = BackboneInspector.inspect(onnx.toPath(), refs.toPath(), System.out);
            weightsWarning = BackboneInspector.weightsWarning(Sidecar.read(Sidecar.besides(onnx.toPath())).weightsInfo());
        } catch (OnnxImportException | IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        if (weightsWarning != null) getLog().warn(onnx + ": " + weightsWarning);
        if (worst > tolerance) {
            throw new MojoFailureException("outputs differ from the references: relative L2 " + worst + " > " + tolerance);
        }
    }
}
