package io.github.dl4jtransfer.train;

/**
 * How the training forward of a {@link TransferModel} differs from its inference forward, as PyTorch's
 * {@code model.train()} makes it differ from {@code model.eval()}. Inference (validation, prediction, feature
 * caches) always runs the exported eval-mode graph.
 *
 * <p>The study applies both only when the whole backbone trains: its classifier puts the backbone back in eval
 * mode on every forward whenever {@code freeze_backbone} is set (defaults/models.py:188-189), which is also the
 * case under partial unfreezing (models.py:177-182 unfreezes blocks after freezing the backbone); otherwise the
 * trainer keeps the whole model in train mode (defaults/trainer.py:64 and :79 after each validation). So
 * {@link TransferModel#build} applies these options to unfrozen scenarios only and builds every other scenario as
 * with {@link #NONE}.
 *
 * @param batchNormTraining BatchNormalization uses the batch's mean and biased variance during training and updates
 *                          its running statistics (momentum from the export, 0.1 for torchvision; running variance
 *                          from the unbiased batch variance); inference keeps using the running statistics
 * @param dropPathRate      stochastic depth: the largest drop probability, spread over the blocks with residual
 *                          branches as {@code torch.linspace(0, rate, depth)} (timm/DeiT, the study's
 *                          utils/transformers/focal_dw.py:426 and deit.py:156); each branch of block i is dropped
 *                          per sample with probability rate_i and kept branches are scaled by 1/(1 - rate_i).
 *                          0 = none
 */
public record TrainingGraphOptions(boolean batchNormTraining, double dropPathRate) {

    /** Eval-mode BatchNorm and no drop-path: the training forward is the exported graph. */
    public static final TrainingGraphOptions NONE = new TrainingGraphOptions(false, 0.0);

    public TrainingGraphOptions {
        if (!(dropPathRate >= 0 && dropPathRate < 1)) {
            throw new IllegalArgumentException("dropPathRate must be in [0, 1), got " + dropPathRate);
        }
    }

    /** True when the training forward equals the inference forward. */
    public boolean isNone() {
        return !batchNormTraining && dropPathRate == 0;
    }

    /**
     * The drop probability of each of {@code depth} blocks: {@code torch.linspace(0, rate, depth)} in float32 as
     * torch computes it (from the start for the first half, from the end for the second), as doubles the way
     * {@code x.item()} gives them.
     */
    public static double[] blockRates(double rate, int depth) {
        double[] out = new double[Math.max(depth, 0)];
        if (depth == 1) return out; // torch.linspace(0, r, 1) == [0]
        float start = 0f, end = (float) rate;
        float step = (end - start) / (depth - 1);
        int half = depth / 2;
        for (int i = 0; i < depth; i++) {
            out[i] = i < half ? start + step * i : end - step * (depth - 1 - i);
        }
        return out;
    }
}
