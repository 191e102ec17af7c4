package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.graph.Dim;
import io.github.dl4jtransfer.io.Npy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Imports one backbone and describes it: outputs and shapes, parameter groups and counts, op counts,
 * and — where reference {@code input_bN.npy} / {@code <output>_bN.npy} files lie next to the model, for any
 * batch size N — the relative L2 error against them, saying which batch sizes it compared. Backs the plugin's
 * {@code inspect} goal.
 */
public final class BackboneInspector {

    /** A reference input at batch N (not SEEM's {@code gray_input_bN.npy}, which belongs to the 1-channel graph). */
    private static final Pattern REFERENCE_INPUT = Pattern.compile("input_b([1-9][0-9]{0,5})\\.npy");

    private BackboneInspector() {
    }

    /** @return the largest relative L2 error found against references (0 if none were found) */
    public static double inspect(Path onnx, Path referenceDir, PrintStream out) {
        Backbone b = BackboneLoader.load(onnx);
        out.printf("%s%n  file %s (sha256 %s)%n  imported in %d ms: %d ONNX nodes -> %d SameDiff ops%n",
                b, onnx, b.sha256(), b.importMillis(), b.onnxNodeCount(), b.opCount());
        BackboneWeights w = b.weights();
        if (w != null) {
            out.printf("  weights %s%n", w.describe());
            String warning = weightsWarning(w);
            if (warning != null) out.printf("  WARNING: %s%n", warning);
        }
        for (String o : b.outputNames()) out.printf("  output %-10s %s%n", o, Dim.toString(b.outputShape(o)));
        out.printf("  %d parameters in %d tensors%n", b.parameterCount(), b.parameters().size());
        for (Map.Entry<String, List<String>> g : b.parameterGroups().groups().entrySet()) {
            long n = 0;
            for (String p : g.getValue()) n += b.parameters().get(p).getArr().length();
            out.printf("    %-28s %3d tensors %,12d parameters%n", g.getKey(), g.getValue().size(), n);
        }
        double worst = 0;
        if (referenceDir == null) return worst;
        List<Integer> batches = referenceBatches(referenceDir);
        if (batches.isEmpty()) {
            out.printf("  no references (input_bN.npy) in %s: nothing compared%n", referenceDir);
            return worst;
        }
        out.printf("  comparing with the references in %s at batch %s%n", referenceDir,
                batches.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        for (int batch : batches) {
            Path input = referenceDir.resolve("input_b" + batch + ".npy");
            long t0 = System.nanoTime();
            Map<String, INDArray> res = b.forward(Npy.read(input));
            double ms = (System.nanoTime() - t0) / 1e6;
            for (String o : b.outputNames()) {
                Path ref = referenceDir.resolve(o + "_b" + batch + ".npy");
                if (!Files.exists(ref)) {
                    out.printf("  batch %d %-10s no reference (%s)%n", batch, o, ref.getFileName());
                    continue;
                }
                double err = relativeL2(res.get(o), Npy.read(ref));
                worst = Math.max(worst, err);
                out.printf("  batch %d %-10s relative L2 %.3e (forward %.0f ms)%n", batch, o, err, ms);
            }
        }
        return worst;
    }

    /** The batch sizes N of the {@code input_bN.npy} files in {@code dir}, ascending. */
    static List<Integer> referenceBatches(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> REFERENCE_INPUT.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the references in " + dir, e);
        }
    }

    /**
     * What to shout about a backbone's weights, or null when they are a complete checkpoint (or not recorded):
     * random weights (no checkpoint, or none of its tensors loaded), or a checkpoint that left some tensors random.
     */
    public static String weightsWarning(BackboneWeights w) {
        if (w == null) return null;
        if (w.random()) {
            return "RANDOM WEIGHTS: " + (BackboneWeights.RANDOM.equalsIgnoreCase(w.weights()) ? "exported without a checkpoint"
                    : "no tensor of " + w.weights() + " was loaded")
                    + "; features and results of this backbone say nothing about pretrained features "
                    + "(export it with tools/export/export.py --weights CHECKPOINT)";
        }
        if (w.partial()) {
            return (w.tensorsTotal() - w.tensorsLoaded()) + " of " + w.tensorsTotal() + " tensors are random: "
                    + w.weights() + " did not provide them (accepted with --allow-missing at export)";
        }
        return null;
    }

    /** ||a - b|| / ||b|| in double precision. */
    public static double relativeL2(INDArray actual, INDArray expected) {
        if (!java.util.Arrays.equals(actual.shape(), expected.shape())) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(actual.shape()) + " differs from reference "
                    + java.util.Arrays.toString(expected.shape()));
        }
        INDArray a = actual.castTo(DataType.DOUBLE), e = expected.castTo(DataType.DOUBLE);
        double denom = e.norm2Number().doubleValue();
        double num = a.sub(e).norm2Number().doubleValue();
        return denom == 0 ? num : num / denom;
    }

    /** {@code java ... BackboneInspector model.onnx [referenceDir]} */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: BackboneInspector MODEL.onnx [REFERENCE_DIR]");
            System.exit(2);
        }
        Path onnx = Path.of(args[0]);
        Path refs = args.length > 1 ? Path.of(args[1]) : onnx.toAbsolutePath().getParent();
        double worst = inspect(onnx, refs, System.out);
        System.out.printf("worst relative L2 %.3e%n", worst);
    }
}
