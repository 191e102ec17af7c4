package io.github.dl4jtransfer.graph;

/**
 * An inference-mode BatchNormalization as translated: its running statistics are folded into two constants of
 * the graph, {@code mean} and {@code 1/sqrt(var + eps)} (both (C)), which a training loop that updates the running
 * statistics rewrites in place.
 *
 * @param nodeIndex      the node's position in the ONNX graph
 * @param module         the module it belongs to ({@code layer1.0.bn2}), from its scale's name
 * @param channels       C
 * @param epsilon        the node's epsilon
 * @param momentum       PyTorch's momentum (weight of the batch statistic in the running average), recovered from
 *                       ONNX's {@code momentum} attribute, which is 1 - PyTorch's
 * @param meanConstant   the graph constant holding the running mean
 * @param invStdConstant the graph constant holding 1/sqrt(running_var + eps)
 * @param runningVariance the running variance (C), a copy owned by this site: the graph only holds 1/sqrt(var + eps)
 */
public record BatchNormSite(int nodeIndex, String module, long channels, float epsilon, double momentum,
                            String meanConstant, String invStdConstant, org.nd4j.linalg.api.ndarray.INDArray runningVariance) {
}
