package io.github.dl4jtransfer.graph;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * A place where a translation was cut in two for activation checkpointing ({@link OnnxGraphTranslator#cutAfter}): every
 * tensor computed before the cut and used after it is produced under {@link Crossing#source()} by the ops before, and
 * read from the placeholder {@link Crossing#placeholder()} by the ops after. The graph then holds independent
 * segments: one can run (and be differentiated) without the others, given the values at its cuts.
 *
 * @param afterNode the ONNX node index the cut follows
 * @param tensors   what crosses it, in a fixed order
 */
public record GraphCut(int afterNode, List<Crossing> tensors) {

    /**
     * One tensor crossing a cut.
     *
     * @param source      the variable the ops before the cut compute
     * @param placeholder the placeholder the ops after the cut read instead
     * @param shape       its shape, the batch as a symbol
     * @param dataType    its type; only floating-point crossings carry a gradient back
     */
    public record Crossing(String source, String placeholder, Dim[] shape, DataType dataType) {
    }

    public GraphCut {
        tensors = List.copyOf(tensors);
    }
}
