package io.github.dl4jtransfer.graph;

import java.util.List;

/** Translates one ONNX node into SameDiff ops (or a folded value); returns one value per node output. */
@FunctionalInterface
interface OpRule {
    List<Value> apply(NodeContext c);
}
