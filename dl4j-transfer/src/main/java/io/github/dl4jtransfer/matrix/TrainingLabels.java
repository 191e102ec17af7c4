package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.split.DatasetSplit;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A training split whose labels are all one class teaches nothing: the cell used to train, finish with every metric
 * 0.0 (or undefined) and look like a result. It fails instead, before the backbone is loaded, naming the dataset and
 * what to check — most often a wrong label column or file, or a split file that put one class in training.
 */
final class TrainingLabels {

    private TrainingLabels() {
    }

    static void requireTwoClasses(DatasetSpec spec, DatasetSplit split) {
        List<Sample> train = split.train();
        if (train.isEmpty()) return; // the split itself reports an empty training split
        Task task = split.dataset().task();
        String where = "dataset '" + spec.name() + "' (" + spec.format() + " at " + spec.path() + ")";
        String fix = ". Check the labels (the label column or file, the class folders) and the split"
                + (spec.options().splitFile() == null ? "" : " file " + spec.options().splitFile())
                + ": training needs at least two classes";
        if (!task.isMultiLabel()) {
            Set<Integer> classes = new TreeSet<>();
            for (Sample s : train) classes.add(s.label());
            if (classes.size() < 2) {
                int c = classes.iterator().next();
                throw new DatasetException(where + ": all " + train.size() + " training images have the label '" + task.classNames().get(c)
                        + "' (class " + c + " of " + task.numClasses() + "), so the classifier learns nothing and every metric is 0 or undefined"
                        + fix);
            }
            return;
        }
        for (int k = 0; k < task.numClasses(); k++) {
            float first = train.get(0).labelAt(k);
            for (Sample s : train) if (s.labelAt(k) != first) return;
        }
        throw new DatasetException(where + ": each of the " + task.numClasses() + " labels " + task.classNames()
                + " has the same value on all " + train.size() + " training images, so the classifier learns nothing and every metric is 0 or undefined"
                + fix);
    }
}
