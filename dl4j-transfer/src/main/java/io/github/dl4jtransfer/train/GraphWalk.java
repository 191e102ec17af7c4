package io.github.dl4jtransfer.train;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Graph queries SameDiff does not offer directly. */
final class GraphWalk {

    private GraphWalk() {
    }

    /** Every variable {@code target} depends on (itself included). */
    static Set<String> ancestors(SameDiff sd, String target) {
        return ancestors(sd, target, Map.of());
    }

    /**
     * Every variable {@code target} depends on (itself included), where a placeholder named in {@code standsFor} is
     * followed on to the variable it stands for (an activation checkpoint's cut).
     */
    static Set<String> ancestors(SameDiff sd, String target, Map<String, String> standsFor) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(target);
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (!seen.add(v)) continue;
            String source = standsFor.get(v);
            if (source != null) {
                todo.add(source);
                continue;
            }
            Variable var = sd.getVariables().get(v);
            if (var == null || var.getOutputOfOp() == null) continue;
            SameDiffOp op = sd.getOps().get(var.getOutputOfOp());
            List<String> inputs = op.getInputsToOp();
            if (inputs != null) todo.addAll(inputs);
        }
        return seen;
    }
}
