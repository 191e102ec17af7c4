package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.config.RecordSettings;
import io.github.dl4jtransfer.data.image.GrayscaleInput;
import io.github.dl4jtransfer.eval.UndefinedLabelAuc;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.train.TrainingGraphOptions;

import java.util.Map;

import static io.github.dl4jtransfer.config.ConfigException.require;

/**
 * What a {@link Protocol} decides about a cell besides its training settings and reader options: each a
 * setting of its own, so a user can take the study and change one thing ({@code <protocolSettings>} in the POM,
 * {@code -Dtransfer.<name>}). {@link #of(Protocol)} gives a protocol's values; docs/scenarios.md tabulates them
 * with the lines of the study's code they come from.
 *
 * @param featureTaps       which backbone outputs feed the heads: the study's (SAM without its neck, BLIP's token
 *                          1, DINOv2's and OpenCLIP's tokens before their final norms…) or ours (the exporter's
 *                          {@code outputs}); the model's sidecar names both
 * @param splits            the study's cut of aptos2019/isic2019/chexpert/ddsm (row shuffles with Python's
 *                          {@code random.Random(42)}, CheXpert by sorted path), or ours (stratified, patient- and
 *                          lesion-disjoint); formats the study did not use get ours under both
 * @param preprocessing     the study's (squash to 256 × 256, centre-crop 224, the dataset's mean/std, PIL
 *                          resampling) or the backbone preset's (aspect-preserving resize, the model's mean/std)
 * @param grayscaleInput    how a gray dataset's images (CheXpert and DDSM by the study's table, others by their
 *                          pixels) reach a three-channel backbone: the study's one channel — PIL luminance normalised
 *                          into R, zeros in G and B, which equals the study's first layer cut to its red filters — or
 *                          the gray planes replicated into all three ({@code replicate})
 * @param augmentation      the study's training transform (random resized crop of the 224 view, flips, colour
 *                          jitter) or ours (the same parameters, cropping from the decoded image)
 * @param augmentFrozen     frozen scenarios see augmented images every epoch, as in the study; then their backbone
 *                          runs every epoch and the feature cache is not used for them. Off: frozen scenarios
 *                          train on un-augmented images, through the cache when the plan has it. The same rule
 *                          holds on every dataset, whatever its size
 * @param batchNormTraining unfrozen BatchNorm layers use batch statistics while training and update their running
 *                          statistics (PyTorch's {@code train()} mode), as the study's ResNet-152; off: they keep the
 *                          checkpoint's statistics
 * @param stochasticDepth   unfrozen blocks drop their residual branches at the backbone's documented rate while
 *                          training (the sidecar's study rate: 0.3 for SEEM's FocalNet-T); off: no drop-path
 * @param undefinedLabelAuc a multi-label task's label with one class only in a split counts 0.5 in the mean AUC
 *                          (the study) or is left out (ours)
 */
public record ProtocolSettings(Protocol featureTaps, Protocol splits, Protocol preprocessing, GrayscaleInput grayscaleInput,
                               Protocol augmentation,
                               boolean augmentFrozen, boolean batchNormTraining, boolean stochasticDepth,
                               UndefinedLabelAuc undefinedLabelAuc) {

    /** These choices as named settings: {@code <protocolSettings>} children, {@code -Dtransfer.<name>}, provenance keys. */
    public static final RecordSettings<ProtocolSettings> SETTINGS = RecordSettings.of(ProtocolSettings.class);

    public ProtocolSettings {
        require(featureTaps != null, "<featureTaps>", "is missing", "use study or modern");
        require(splits != null, "<splits>", "is missing", "use study or modern");
        require(preprocessing != null, "<preprocessing>", "is missing", "use study or modern");
        require(grayscaleInput != null, "<grayscaleInput>", "is missing", "use r_channel (the study) or replicate");
        require(augmentation != null, "<augmentation>", "is missing", "use study or modern");
        require(undefinedLabelAuc != null, "<undefinedLabelAuc>", "is missing", "use half (the study) or skip");
    }

    /** {@code protocol}'s values with single choices changed as text by name ({@code <protocolSettings>}). */
    public static ProtocolSettings resolve(Protocol protocol, Map<String, String> changes) {
        return SETTINGS.apply(of(protocol), SETTINGS.parse(changes == null ? Map.of() : changes, "<protocolSettings>"), "<protocolSettings>");
    }

    /** Whether frozen scenarios can train on cached backbone outputs: only on un-augmented images. */
    public boolean frozenCellsCacheable() {
        return !augmentFrozen;
    }

    /**
     * The training forward these choices ask of {@code backbone}: BatchNorm on batch statistics, and drop-path at
     * the rate the study used for its family (its sidecar's); {@code TransferModel} applies both to unfrozen cells only.
     */
    public TrainingGraphOptions trainingForward(Backbone backbone) {
        return new TrainingGraphOptions(batchNormTraining, stochasticDepth ? backbone.dropPathRate(Protocol.STUDY) : 0.0);
    }

    /** A protocol's values. */
    public static ProtocolSettings of(Protocol p) {
        return switch (p) {
            case STUDY -> new ProtocolSettings(p, p, p, GrayscaleInput.R_CHANNEL, p, true, true, true, UndefinedLabelAuc.HALF);
            case MODERN -> new ProtocolSettings(p, p, p, GrayscaleInput.REPLICATE, p, false, false, false, UndefinedLabelAuc.SKIP);
        };
    }
}
