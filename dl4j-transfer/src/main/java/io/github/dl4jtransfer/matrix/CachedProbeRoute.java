package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.model.BackboneOutput;
import io.github.dl4jtransfer.train.LinearProbe;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Frozen-linear on cached features: one linear head per learning rate of the plan's grid, trained together,
 * and the best on validation kept (DINOv2's linear evaluation); the chosen rate goes into the provenance.
 */
final class CachedProbeRoute implements CellRoute {

    private final Path cacheDir;
    private final List<Double> learningRateGrid;

    CachedProbeRoute(Path cacheDir, List<Double> learningRateGrid) {
        this.cacheDir = cacheDir;
        this.learningRateGrid = learningRateGrid;
    }

    @Override
    public Trained train(Cell cell) {
        CachedSplits s = CachedSplits.load(cacheDir, cell, BackboneOutput.FEATURES);
        long start = System.nanoTime();
        double[] grid = learningRateGrid.stream().mapToDouble(Double::doubleValue).toArray();
        LinearProbe.Result r = LinearProbe.fit(s.train(), s.val(), s.trainEntry().features().size(1), cell.head(), cell.config(), grid,
                cell.scorer());
        if (grid.length > 1) cell.log().accept("  learning-rate grid: best " + r.learningRate() + " of " + r.grid());
        // The grid's heads train side by side: only the winner's epochs are worth a line, once it is known.
        r.outcome().history().forEach(cell::logEpoch);
        return s.trained(r.model(), r.outcome(), start, Map.of("learningRateChosen", r.learningRate()));
    }
}
