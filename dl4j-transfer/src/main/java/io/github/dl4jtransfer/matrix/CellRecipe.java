package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.SplitSpec;
import io.github.dl4jtransfer.data.image.Augmentation;
import io.github.dl4jtransfer.data.image.ChannelStats;
import io.github.dl4jtransfer.data.image.GrayscaleInput;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.pipeline.DatasetStatistics;
import io.github.dl4jtransfer.data.split.DatasetSplit;
import io.github.dl4jtransfer.model.Backbone;
import io.github.dl4jtransfer.train.Scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How one cell's images are cut, prepared and augmented under the plan's {@link ProtocolSettings}: the one place
 * that turns the protocol's choices into data-pipeline objects.
 *
 * @param preprocessing the evaluation view (and the base of the training view)
 * @param augmentation  the training augmentation, or empty when this cell trains on un-augmented images (a frozen
 *                      scenario with {@link ProtocolSettings#augmentFrozen()} off): only then may it use the cache
 */
record CellRecipe(Preprocessing preprocessing, Optional<Augmentation> augmentation) {

    /** The split spec: the study's cut where it has one and the choice is {@code study}, else the format's default. */
    static SplitSpec splitSpec(ProtocolSettings choices, Dataset dataset) {
        Optional<SplitSpec> study = choices.splits() == Protocol.STUDY ? SplitSpec.studyOf(dataset.format()) : Optional.empty();
        return study.orElse(dataset.defaultSplit());
    }

    /**
     * The cell's split: a split file the dataset names (another study's exact split), else the protocol's, kept in
     * {@code manifest} so every cell and rerun of the plan uses the same one.
     */
    static DatasetSplit split(ProtocolSettings choices, DatasetSpec spec, Dataset dataset, Path manifest) {
        Path file = splitFile(spec);
        if (file == null) return DatasetSplit.loadOrCreate(manifest, dataset, splitSpec(choices, dataset));
        DatasetSplit imported = DatasetSplit.fromFile(file, dataset);
        imported.write(manifest);
        return imported;
    }

    /** The dataset's {@code splitFile}, resolved against its root (the folder of a single-file dataset); null when unset. */
    static Path splitFile(DatasetSpec spec) {
        if (spec.options().splitFile() == null) return null;
        Path root = Files.isDirectory(spec.path()) ? spec.path() : spec.path().toAbsolutePath().getParent();
        return root.resolve(spec.options().splitFile());
    }

    static CellRecipe of(ProtocolSettings choices, Scenario scenario, DatasetSplit split, Backbone backbone, DatasetOptions options) {
        int size = backbone.preprocessing().height();
        Optional<ChannelStats> known = options.mean() != null ? Optional.of(new ChannelStats(options.meanValues(), options.stdValues()))
                : ChannelStats.study(split.dataset().format());
        boolean oneChannel = choices.grayscaleInput() == GrayscaleInput.R_CHANNEL
                && known.map(s -> s.channels() == 1).orElseGet(() -> DatasetStatistics.isGrayscale(split));
        Preprocessing prep;
        if (choices.preprocessing() == Protocol.STUDY) {
            Preprocessing view = statisticsView(size, oneChannel);
            prep = Preprocessing.study(known.orElseGet(() -> DatasetStatistics.of(split, view)), size);
        } else {
            prep = backbone.preprocessing();
            // The model's own statistics for its red input channel: what that channel's filters were trained on.
            if (oneChannel) prep = prep.withStats(new ChannelStats(new double[]{prep.mean()[0]}, new double[]{prep.std()[0]}));
        }
        if (oneChannel) prep = prep.withGrayscaleInput(GrayscaleInput.R_CHANNEL);
        // kNN fits nothing, so there is no training view to augment: its training images are looked up as they are.
        boolean augmented = scenario.trains() && (!scenario.cacheable() || choices.augmentFrozen());
        Augmentation aug = choices.augmentation() == Protocol.STUDY ? Augmentation.studyPipeline() : Augmentation.study();
        return new CellRecipe(prep, augmented ? Optional.of(aug) : Optional.empty());
    }

    /** The study's view with no normalisation: what per-dataset statistics are computed over when the study has none. */
    static Preprocessing statisticsView(int size, boolean oneChannel) {
        Preprocessing view = Preprocessing.study(new ChannelStats(new double[]{0}, new double[]{1}), size);
        return oneChannel ? view.withGrayscaleInput(GrayscaleInput.R_CHANNEL) : view;
    }

    /** Gray images enter as the study's one channel ({@link GrayscaleInput#R_CHANNEL}). */
    boolean oneChannel() {
        return preprocessing.grayscaleInput() == GrayscaleInput.R_CHANNEL;
    }

    /** This recipe for a backbone whose graph takes that one channel itself ({@link Preprocessing#singleChannel()}). */
    CellRecipe singleChannel() {
        return new CellRecipe(preprocessing.singleChannel(), augmentation);
    }

    /** For the provenance. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preprocessing", preprocessing.fingerprint());
        m.put("augmentation", augmentation.map(Augmentation::fingerprint).orElse("none"));
        return m;
    }
}
