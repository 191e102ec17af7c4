package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.graph.OnnxGraphTranslator;
import io.github.dl4jtransfer.graph.OnnxImportException;
import io.github.dl4jtransfer.graph.TranslatedGraph;
import io.github.dl4jtransfer.io.Sha256;
import onnx.Onnx;
import org.nd4j.shade.protobuf.CodedInputStream;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The one entry point from an exported file to a ready {@link Backbone}: ONNX file + sidecar JSON
 * (found next to it as {@code <stem>.json}) → translated SameDiff graph.
 */
public final class BackboneLoader {

    private BackboneLoader() {
    }

    /** Loads {@code model.onnx} with the sidecar next to it (required). */
    public static Backbone load(Path onnx) {
        return load(onnx, false);
    }

    /**
     * {@link #load(Path)}; with {@code forwardOnly} (a frozen backbone: nothing in it trains) some ops are imported in
     * forms that are faster forward and slower to differentiate (depthwise convolutions; docs/performance.md).
     */
    public static Backbone load(Path onnx, boolean forwardOnly) {
        Path sidecarFile = Sidecar.besides(onnx);
        if (!Files.isRegularFile(sidecarFile)) {
            throw new IllegalArgumentException("no sidecar " + sidecarFile + " next to " + onnx
                    + "; export with tools/export/export.py, which writes both, or call load(onnx, sidecar)");
        }
        return load(onnx, Sidecar.read(sidecarFile), sidecarFile, forwardOnly);
    }

    /**
     * Loads the study's 1-channel variant of the backbone whose 3-channel graph is {@code onnx}: the file the
     * sidecar names in {@code study.grayscale} (SEEM: {@code model-gray.onnx}, the study's 7x7/4 stem without
     * padding or LayerNorm), with the sidecar {@link Sidecar#forGrayscaleVariant() as it describes that variant}
     * (input [1, H, W]; the same output names).
     *
     * @throws IllegalArgumentException when the sidecar names no such variant ({@link #hasGrayscale(Path)})
     */
    public static Backbone loadGrayscale(Path onnx) {
        return loadGrayscale(onnx, false);
    }

    /** {@link #loadGrayscale(Path)}, forward-only as {@link #load(Path, boolean)}. */
    public static Backbone loadGrayscale(Path onnx, boolean forwardOnly) {
        Path sidecarFile = Sidecar.besides(onnx);
        if (!Files.isRegularFile(sidecarFile)) {
            throw new IllegalArgumentException("no sidecar " + sidecarFile + " next to " + onnx
                    + "; the 1-channel variant is named in it (study.grayscale)");
        }
        Sidecar sidecar = Sidecar.read(sidecarFile).forGrayscaleVariant();
        return load(onnx.resolveSibling(sidecar.grayscale().file()), sidecar, sidecarFile, forwardOnly);
    }

    /** Whether the sidecar next to {@code onnx} names a 1-channel variant ({@link #loadGrayscale(Path)}). */
    public static boolean hasGrayscale(Path onnx) {
        Path sidecarFile = Sidecar.besides(onnx);
        return Files.isRegularFile(sidecarFile) && Sidecar.read(sidecarFile).grayscale() != null;
    }

    /**
     * Loads an ONNX file; {@code sidecar} may be null for a plain graph (then inputs must be static but for the batch).
     * A sidecar must fit the graph: its input name and image size, and every output it names.
     */
    public static Backbone load(Path onnx, Sidecar sidecar) {
        return load(onnx, sidecar, false);
    }

    /** {@link #load(Path, Sidecar)}, forward-only as {@link #load(Path, boolean)}. */
    public static Backbone load(Path onnx, Sidecar sidecar, boolean forwardOnly) {
        return load(onnx, sidecar, Sidecar.besides(onnx), forwardOnly);
    }

    /** {@link #load(Path, Sidecar)}, naming {@code sidecarFile} when the sidecar does not fit the graph. */
    private static Backbone load(Path onnx, Sidecar sidecar, Path sidecarFile, boolean forwardOnly) {
        long start = System.nanoTime();
        String name = onnx.getFileName().toString();
        if (name.endsWith(".pb")) {
            throw new OnnxImportException("TensorFlow frozen graphs are not supported yet; convert it to ONNX "
                    + "(tf2onnx) and load the .onnx file", onnx.toString(), null);
        }
        ParsedModel parsed = parse(onnx);
        if (sidecar != null) SidecarCheck.againstGraph(sidecar, sidecarFile, parsed.model().getGraph(), onnx);
        Map<String, long[]> staticShapes = new HashMap<>();
        if (sidecar != null && sidecar.inputShape() != null) staticShapes.put(sidecar.inputName(), sidecar.inputShape());
        TranslatedGraph graph = new OnnxGraphTranslator(parsed.model(), onnx).forwardOnly(forwardOnly).translate(staticShapes);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Backbone(sidecar, graph, onnx, parsed.sha256(), millis);
    }

    /** An ONNX model as parsed, with the SHA-256 of its file (its identity in caches and provenance). */
    public record ParsedModel(Onnx.ModelProto model, String sha256) {
    }

    /** Parses an ONNX file, failing with the file's name on anything that is not an ONNX graph. */
    public static ParsedModel parse(Path onnx) {
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalArgumentException("ONNX model file " + onnx + " does not exist; check the path "
                    + "or export it with tools/export/export.py");
        }
        String sha256;
        Onnx.ModelProto model;
        try (InputStream raw = Files.newInputStream(onnx);
             DigestInputStream in = new DigestInputStream(raw, Sha256.newDigest())) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            model = Onnx.ModelProto.parseFrom(coded);
            in.transferTo(OutputStream.nullOutputStream()); // the digest covers the whole file
            sha256 = Sha256.hex(in.getMessageDigest());
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException("not a valid ONNX model (protobuf parse failed: " + e.getMessage()
                    + "); re-export it, or check that the download is complete", onnx.toString(), e);
        } catch (IOException e) {
            throw new OnnxImportException("cannot read the file: " + e.getMessage(), onnx.toString(), e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new OnnxImportException("the file holds no ONNX graph (no nodes); is it an ONNX model?", onnx.toString(), null);
        }
        return new ParsedModel(model, sha256);
    }
}
