package io.github.dl4jtransfer.train;

import io.github.dl4jtransfer.model.ParameterGroups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which backbone weights train. Heads (and the appended DeiT classifier) always train. */
public sealed interface FreezePolicy permits FreezePolicy.Frozen, FreezePolicy.Unfrozen, FreezePolicy.LastK {

    /** The trainable backbone parameter names, in graph order. */
    List<String> trainable(ParameterGroups groups);

    String describe();

    /** The whole backbone stays constant. */
    record Frozen() implements FreezePolicy {
        public List<String> trainable(ParameterGroups groups) {
            return List.of();
        }

        public String describe() {
            return "frozen";
        }
    }

    /** Every backbone weight trains. */
    record Unfrozen() implements FreezePolicy {
        public List<String> trainable(ParameterGroups groups) {
            List<String> all = new ArrayList<>();
            groups.groups().values().forEach(all::addAll);
            return all;
        }

        public String describe() {
            return "unfrozen";
        }
    }

    /**
     * The last {@code k} blocks train, with every module after them (final norm, projection, neck), as in
     * partial fine-tuning; everything before stays frozen.
     */
    record LastK(int k) implements FreezePolicy {
        public LastK {
            if (k < 1) throw new IllegalArgumentException("LAST_K needs k >= 1, got " + k);
        }

        public List<String> trainable(ParameterGroups groups) {
            List<String> blocks = groups.blocks();
            if (blocks.isEmpty()) {
                throw new IllegalArgumentException("the backbone has no blocks matching its sidecar's block_pattern, "
                        + "so last-" + k + " cannot be applied; fix the pattern in the sidecar, or use frozen or unfrozen");
            }
            if (k > blocks.size()) {
                throw new IllegalArgumentException("last-" + k + " asks for more blocks than the backbone has (" + blocks.size() + ")");
            }
            String first = blocks.get(blocks.size() - k);
            List<String> out = new ArrayList<>();
            boolean on = false;
            for (Map.Entry<String, List<String>> g : groups.groups().entrySet()) {
                if (g.getKey().equals(first)) on = true;
                if (on) out.addAll(g.getValue());
            }
            return out;
        }

        public String describe() {
            return "last" + k;
        }
    }
}
