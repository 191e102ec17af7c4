package io.github.dl4jtransfer.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a training-mode translation of a graph does differently from inference, as PyTorch's {@code model.train()}:
 * BatchNormalization normalises with the batch's statistics, and residual branches get a per-sample drop-path mask.
 * Given to {@link OnnxGraphTranslator#training}; it collects where those ops ended up in the SameDiff graph.
 *
 * <p>Drop-path: the branch input of each listed {@code Add} is multiplied by a placeholder mask of shape
 * (B, 1, …, 1) (the batch on the branch's batch axis) before the sum: {@code shortcut + branch * mask}. The caller
 * feeds masks of 0 (dropped) or 1/(1-p) (kept) per sample; the shortcut is never touched.
 */
public final class TrainingForward {

    /**
     * A BatchNormalization in training mode.
     *
     * @param nodeIndex       the node's position in the ONNX graph (matches {@link BatchNormSite#nodeIndex})
     * @param batchMean       the graph variable of the batch mean, shape (1, C, 1, …)
     * @param batchVariance   the graph variable of the biased batch variance, same shape
     * @param valuesPerSample values per channel and sample (H·W for NCHW), to make the unbiased variance
     */
    public record BatchNormStatistics(int nodeIndex, String batchMean, String batchVariance, long valuesPerSample) {
    }

    /**
     * A drop-path mask on a residual branch.
     *
     * @param branch      the residual branch it sits on
     * @param rate        the drop probability of its block
     * @param placeholder the mask placeholder's name
     * @param rank        the mask's rank (the branch's)
     * @param batchAxis   the branch's batch axis, where the mask has the batch; 1 everywhere else
     */
    public record DropPathMask(ResidualBranches.Branch branch, double rate, String placeholder, int rank, int batchAxis) {
    }

    private final boolean batchNormTraining;
    private final Map<Integer, ResidualBranches.Branch> branches;
    private final Map<Integer, Double> rates;
    private final String maskPrefix;
    private final List<BatchNormStatistics> batchNorms = new ArrayList<>();
    private final List<DropPathMask> masks = new ArrayList<>();

    /**
     * @param batchNormTraining BatchNormalization nodes use batch statistics
     * @param branches          residual branches by {@code Add} node index ({@link ResidualBranches#find})
     * @param rates             drop probability by {@code Add} node index; branches at rate 0 stay as exported
     * @param maskPrefix        prefix of the mask placeholders' names
     */
    public TrainingForward(boolean batchNormTraining, Map<Integer, ResidualBranches.Branch> branches,
                           Map<Integer, Double> rates, String maskPrefix) {
        this.batchNormTraining = batchNormTraining;
        this.branches = Map.copyOf(branches);
        this.rates = Map.copyOf(rates);
        this.maskPrefix = maskPrefix;
    }

    public boolean batchNormTraining() {
        return batchNormTraining;
    }

    /** The training-mode BatchNormalization nodes translated so far, in graph order. */
    public List<BatchNormStatistics> batchNorms() {
        return Collections.unmodifiableList(batchNorms);
    }

    /** The drop-path masks inserted so far, in graph order. */
    public List<DropPathMask> masks() {
        return Collections.unmodifiableList(masks);
    }

    /** The branch to mask at {@code nodeIndex}, or null where the node is no branch or its rate is 0. */
    ResidualBranches.Branch maskedBranch(int nodeIndex) {
        Double r = rates.get(nodeIndex);
        return r == null || r <= 0 ? null : branches.get(nodeIndex);
    }

    double rate(int nodeIndex) {
        return rates.get(nodeIndex);
    }

    String nextMaskName() {
        return maskPrefix + masks.size();
    }

    void add(BatchNormStatistics s) {
        batchNorms.add(s);
    }

    void add(DropPathMask m) {
        masks.add(m);
    }
}
