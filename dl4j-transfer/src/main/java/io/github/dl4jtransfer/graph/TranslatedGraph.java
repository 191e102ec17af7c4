package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.List;
import java.util.Map;

/**
 * The result of translating an ONNX graph: the SameDiff graph, its placeholders and outputs, and the
 * weights as named variables in graph order.
 *
 * @param batchAxis      the dynamic axis of the inputs (-1 if the graph has a fixed batch)
 * @param outputShapes   output shapes with the batch as a symbol
 * @param parameters     weight name → variable, in the order the graph first uses them
 * @param onnxNodeCount  nodes in the source graph (compare with {@code sameDiff.getOps().size()})
 * @param batchNorms     the inference-mode BatchNormalization nodes, in graph order
 */
public record TranslatedGraph(SameDiff sameDiff, List<String> inputNames, int batchAxis, List<String> outputNames,
                              Map<String, Dim[]> outputShapes, Map<String, SDVariable> parameters,
                              int onnxNodeCount, int opset, List<BatchNormSite> batchNorms) {
}
