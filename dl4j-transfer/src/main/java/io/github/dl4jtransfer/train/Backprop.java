package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.ReleasingMemoryMgr;
import io.github.dl4jtransfer.graph.Sessions;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outputs and parameter gradients of a SameDiff graph in one pass, releasing every intermediate array as
 * soon as its last consumer has run.
 *
 * <p>Why not {@code SameDiff.calculateGradientsAndOutputs}: in M2.1 it switches the gradient function's
 * array release off ({@code gradFn.setEnableCache(false)}) on every call, so the session never hands an
 * array back to its memory manager: every forward activation <em>and</em> every backward intermediate of
 * the whole graph stays allocated until the call returns, and then until the garbage collector happens to
 * run. For a ViT-B at batch 8 that is far beyond 12 GiB. The gradient function is an ordinary graph whose
 * dependency tracker knows when each array is last used, so running it with release on gives the same
 * numbers (checked against the stock call in {@code BackpropTest}) with the memory of one live frontier.
 */
public final class Backprop {

    /** SameDiff's name for the gradient function ({@code SameDiff.GRAD_FN_KEY}, not public in M2.1). */
    static final String GRAD_FUNCTION = "grad";

    private Backprop() {
    }

    /**
     * The result: requested outputs, gradients by parameter name (absent when the loss does not depend on
     * it), and the most bytes of arrays the session held at once during the call.
     */
    public record Result(Map<String, INDArray> outputs, Map<String, INDArray> gradients, long sessionPeakBytes) {

        /** Frees every returned array now instead of when the garbage collector gets to it. */
        public void close() {
            outputs.values().forEach(Backprop::close);
            gradients.values().forEach(Backprop::close);
        }
    }

    /** Frees an array now (ND4J would wait for the garbage collector); null, closed and view arrays are skipped. */
    public static void close(INDArray a) {
        if (a != null && !a.wasClosed() && a.closeable()) a.close();
    }

    /** Frees the buffers {@code sd}'s gradient session keeps for reuse between steps (none when it never ran). */
    public static void freeKeptBuffers(SameDiff sd) {
        SameDiff grad = sd.getFunction(GRAD_FUNCTION);
        if (grad != null) Sessions.freeKeptBuffers(grad);
    }

    /**
     * {@code sd}'s gradient function, made on first use with M2.1's slow backward ops swapped ({@link GradientOps}),
     * set to release arrays after their last use (the stock call turns that off; see the class comment).
     *
     * @param alsoDifferentiate placeholders whose gradients are wanted too (null: parameters only); used when the
     *                          function is first made
     */
    static SameDiff gradientFunction(SameDiff sd, String... alsoDifferentiate) {
        SameDiff grad = sd.getFunction(GRAD_FUNCTION);
        if (grad == null) {
            sd.createGradFunction(alsoDifferentiate);
            grad = sd.getFunction(GRAD_FUNCTION);
            GradientOps.speedUp(grad);
        }
        grad.setEnableCache(true);
        return grad;
    }

    /**
     * @param sd         a graph with its loss variables set
     * @param feed       placeholder values
     * @param outputs    forward variables to return (e.g. the loss)
     * @param parameters trainable variables whose gradients to return
     */
    public static Result run(SameDiff sd, Map<String, INDArray> feed, List<String> outputs, List<String> parameters) {
        SameDiff grad = gradientFunction(sd, (String[]) null);
        ReleasingMemoryMgr mmgr = Sessions.forGradients(grad);
        mmgr.resetPeak(); // returned arrays of earlier calls are freed by their owner, not the session
        Map<String, String> gradientNameOf = new LinkedHashMap<>();
        List<String> requested = new ArrayList<>(outputs);
        for (String p : parameters) {
            SDVariable g = sd.getVariable(p).getGradient();
            if (g != null) {
                gradientNameOf.put(p, g.name());
                requested.add(g.name());
            }
        }
        Map<String, INDArray> values = grad.output(feed, requested.toArray(new String[0]));
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String o : outputs) out.put(o, values.get(o));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : gradientNameOf.entrySet()) grads.put(e.getKey(), values.get(e.getValue()));
        return new Result(out, grads, mmgr.peakBytes());
    }
}
