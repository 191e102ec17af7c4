package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.graph.GraphCut;
import io.github.dl4jtransfer.graph.ReleasingMemoryMgr;
import io.github.dl4jtransfer.graph.Sessions;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Activation checkpointing (torch's {@code torch.utils.checkpoint}, per block): the training forward is cut between
 * blocks ({@link GraphCut}); a step runs the segments forward keeping only the tensors at the cuts, then, from the
 * last segment to the first, recomputes one segment's forward and back-propagates through it, fed the gradient of
 * its outputs. At most one segment's activations are alive at a time, for one more forward per step.
 *
 * <p>How a segment is differentiated alone in SameDiff: every cut adds a loss {@code sum(x * g)} over its crossing
 * tensors {@code x}, with {@code g} a placeholder fed the gradient the next segment computed for {@code x}; the
 * gradient function treats the model's loss and these as losses at once, and each call asks only for the gradients
 * of one segment's weights and input placeholders, so the session runs that segment alone. The result equals the
 * whole graph's gradient up to float rounding ({@code ActivationCheckpointsTest}).
 */
final class ActivationCheckpoints {

    static final String GRADIENT_PREFIX = "ckpt_grad.";
    static final String LOSS_PREFIX = "ckpt_loss.";

    /**
     * One segment: the placeholders it reads (the previous cut's; none for the first), the tensors it hands on (the
     * next cut's; none for the last, which ends in the loss), its trainable weights and its BatchNorm statistics.
     */
    private record Segment(List<GraphCut.Crossing> in, List<GraphCut.Crossing> out, List<String> parameters,
                           List<String> statistics) {
    }

    private final List<GraphCut> cuts;
    private final List<Segment> segments = new ArrayList<>();
    private final List<String> gradientPlaceholders = new ArrayList<>();

    private final Set<String> reachedFromLoss;

    private ActivationCheckpoints(List<GraphCut> cuts, Set<String> reachedFromLoss) {
        this.cuts = List.copyOf(cuts);
        this.reachedFromLoss = Set.copyOf(reachedFromLoss);
    }

    /**
     * Adds each cut's loss to {@code sd} (beside the model's) and returns the checkpoints; null without cuts. Only
     * what the model's {@code loss} depends on crosses: SAM's export also computes the study's output, whose tensors
     * cross the same cuts but never reach the loss.
     */
    static ActivationCheckpoints attach(SameDiff sd, List<GraphCut> cuts, String loss) {
        Set<String> reached = reachedThroughCuts(sd, cuts, loss);
        List<GraphCut> live = new ArrayList<>();
        for (GraphCut c : cuts) {
            List<GraphCut.Crossing> kept = new ArrayList<>();
            for (GraphCut.Crossing x : c.tensors()) if (x.dataType().isFPType() && reached.contains(x.placeholder())) kept.add(x);
            if (!kept.isEmpty()) live.add(new GraphCut(c.afterNode(), kept));
        }
        if (live.isEmpty()) return null;
        ActivationCheckpoints c = new ActivationCheckpoints(live, reached);
        for (int i = 0; i < live.size(); i++) {
            SDVariable sum = null;
            for (GraphCut.Crossing x : live.get(i).tensors()) {
                SDVariable g = sd.placeHolder(GRADIENT_PREFIX + x.placeholder(), x.dataType(), sd.getVariable(x.placeholder()).getShape());
                SDVariable term = sd.sum(sd.getVariable(x.source()).mul(g));
                sum = sum == null ? term : sum.add(term);
                c.gradientPlaceholders.add(x.placeholder());
            }
            sd.renameVariable(sum.name(), LOSS_PREFIX + i);
            sd.addLossVariable(LOSS_PREFIX + i);
        }
        return c;
    }

    /** Everything {@code loss} depends on, following each cut's placeholder back to the tensor it stands for. */
    private static Set<String> reachedThroughCuts(SameDiff sd, List<GraphCut> cuts, String loss) {
        Map<String, String> sourceOf = new HashMap<>();
        for (GraphCut c : cuts) for (GraphCut.Crossing x : c.tensors()) sourceOf.put(x.placeholder(), x.source());
        return GraphWalk.ancestors(sd, loss, sourceOf);
    }

    /** Every variable the model's loss depends on, through the cuts: which weights can learn. */
    Set<String> reachedFromLoss() {
        return reachedFromLoss;
    }

    /**
     * Assigns each trainable weight and BatchNorm statistic to the one segment that computes with it.
     *
     * @param loss the model's loss, the end of the last segment
     */
    void assign(SameDiff sd, String loss, List<String> trainable, List<String> statistics) {
        segments.clear();
        Set<String> assigned = new LinkedHashSet<>();
        for (int s = 0; s <= cuts.size(); s++) {
            List<GraphCut.Crossing> in = s == 0 ? List.of() : cuts.get(s - 1).tensors();
            List<GraphCut.Crossing> out = s == cuts.size() ? List.of() : cuts.get(s).tensors();
            Set<String> computesWith = new java.util.HashSet<>(); // cut placeholders end the walk: this segment only
            if (s == cuts.size()) computesWith.addAll(GraphWalk.ancestors(sd, loss));
            else for (GraphCut.Crossing x : out) computesWith.addAll(GraphWalk.ancestors(sd, x.source()));
            List<String> params = new ArrayList<>();
            for (String p : trainable) {
                if (!computesWith.contains(p)) continue;
                if (!assigned.add(p)) {
                    throw new IllegalStateException("weight " + p + " is used on both sides of an activation checkpoint; "
                            + "the cut must not split a block (turn activationCheckpointing off for this backbone)");
                }
                params.add(p);
            }
            List<String> stats = new ArrayList<>();
            for (String st : statistics) if (computesWith.contains(st)) stats.add(st);
            segments.add(new Segment(in, out, params, stats));
        }
    }

    /** The number of segments the forward is recomputed in. */
    int segmentCount() {
        return segments.size();
    }

    /**
     * {@link Backprop#run} for a checkpointed graph: the same outputs (the loss and the last segment's statistics
     * come from its backward call, the other statistics from the forward pass) and gradients.
     */
    Backprop.Result run(SameDiff sd, Map<String, INDArray> feed, List<String> outputs) {
        SameDiff grad = Backprop.gradientFunction(sd, gradientPlaceholders.toArray(new String[0]));
        ReleasingMemoryMgr mmgr = Sessions.forGradients(grad);
        mmgr.resetPeak();
        int last = segments.size() - 1;
        int first = 0; // segments before the first with a trainable weight (last-k) run forward only
        while (first < last && segments.get(first).parameters().isEmpty()) first++;

        // Forward, keeping what crosses each cut (and the statistics of every segment but the last).
        Map<String, INDArray> boundary = new HashMap<>();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int s = 0; s < last; s++) {
            Segment seg = segments.get(s);
            List<String> wanted = new ArrayList<>();
            for (GraphCut.Crossing x : seg.out()) wanted.add(x.source());
            for (String st : seg.statistics()) if (outputs.contains(st)) wanted.add(st);
            Map<String, INDArray> values = grad.output(with(feed, seg.in(), boundary, null), wanted.toArray(new String[0]));
            for (Map.Entry<String, INDArray> e : values.entrySet()) {
                if (seg.statistics().contains(e.getKey())) out.put(e.getKey(), e.getValue());
            }
            for (GraphCut.Crossing x : seg.out()) boundary.put(x.placeholder(), values.get(x.source()));
            if (s >= first) continue;
            for (GraphCut.Crossing x : seg.in()) Backprop.close(boundary.remove(x.placeholder())); // frozen: no way back
        }

        // Backward, last segment first: recompute its forward, back-propagate the gradient of what it handed on.
        long peak = mmgr.peakBytes(); // the forward pass's, then each backward call's (each starts its own count)
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        Map<String, INDArray> upstream = new HashMap<>();
        for (int s = last; s >= first; s--) {
            Segment seg = segments.get(s);
            List<String> wanted = new ArrayList<>();
            if (s == last) for (String o : outputs) if (!out.containsKey(o)) wanted.add(o);
            List<String> asked = new ArrayList<>(seg.parameters());
            if (s > first) for (GraphCut.Crossing x : seg.in()) if (x.dataType().isFPType()) asked.add(x.placeholder());
            Backprop.Result r = Backprop.run(sd, with(feed, seg.in(), boundary, upstream), wanted, asked);
            peak = Math.max(peak, r.sessionPeakBytes());
            out.putAll(r.outputs());
            upstream.values().forEach(Backprop::close);
            upstream.clear();
            for (Map.Entry<String, INDArray> g : r.gradients().entrySet()) {
                if (seg.parameters().contains(g.getKey())) gradients.put(g.getKey(), g.getValue());
                else upstream.put(GRADIENT_PREFIX + g.getKey(), g.getValue());
            }
            if (s > first) {
                for (GraphCut.Crossing x : seg.in()) { // a crossing the loss does not depend on gets a zero gradient
                    if (x.dataType().isFPType() && !upstream.containsKey(GRADIENT_PREFIX + x.placeholder())) {
                        upstream.put(GRADIENT_PREFIX + x.placeholder(), org.nd4j.linalg.factory.Nd4j.zerosLike(boundary.get(x.placeholder())));
                    }
                }
            }
            for (GraphCut.Crossing x : seg.in()) Backprop.close(boundary.remove(x.placeholder()));
        }
        upstream.values().forEach(Backprop::close);
        boundary.values().forEach(Backprop::close);
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String o : outputs) if (out.containsKey(o)) ordered.put(o, out.get(o));
        return new Backprop.Result(ordered, gradients, peak);
    }

    /** The feed of one segment call: the model's placeholders, the segment's inputs, the gradients of its outputs. */
    private static Map<String, INDArray> with(Map<String, INDArray> feed, List<GraphCut.Crossing> in, Map<String, INDArray> boundary,
                                              Map<String, INDArray> upstream) {
        Map<String, INDArray> f = new HashMap<>(feed);
        for (GraphCut.Crossing x : in) f.put(x.placeholder(), boundary.get(x.placeholder()));
        if (upstream != null) f.putAll(upstream);
        return f;
    }
}
