package io.github.dl4jtransfer.matrix;

import java.util.Objects;

/**
 * One cell of a benchmark matrix: a backbone transferred to a dataset under a scenario with a seed.
 *
 * @param model    backbone name as the plan gives it ("dinov2-vitb14")
 * @param dataset  dataset name as the plan gives it ("aptos")
 * @param scenario scenario name ("frozen-linear", "unfrozen-deit", "last2-linear"…)
 * @param seed     training seed (head initialisation, shuffling, augmentation)
 */
public record CellKey(String model, String dataset, String scenario, long seed) {

    public CellKey {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(scenario, "scenario");
    }

    /** File-name-safe id, unique per cell: {@code model__dataset__scenario__s1}. */
    public String id() {
        return safe(model) + "__" + safe(dataset) + "__" + safe(scenario) + "__s" + seed;
    }

    /** "dinov2-vitb14 × aptos × frozen-linear seed 1", for progress lines and errors. */
    public String describe() {
        return model + " × " + dataset + " × " + scenario + " seed " + seed;
    }

    /** {@code s} with anything but letters, digits, '.', '_' and '-' replaced: safe in file names. */
    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
