package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.data.Split;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A CSV manifest: one row per image, paths relative to the CSV's folder (or absolute).
 * <ul>
 *   <li>image column: {@code path} (or {@code image}, {@code filename}, {@code file});</li>
 *   <li>single-label: a {@code label} column holding class names or class indices. All-integer labels
 *       keep their numbers as class indices (classes "0".."max"), names are sorted alphabetically;</li>
 *   <li>multi-label: no {@code label} column; every other column is a label holding 1, 0, blank (0) or
 *       -1 (uncertain, mapped by the uncertainty policy as for CheXpert);</li>
 *   <li>optional {@code group} (or {@code patient_id}, {@code patient}) keeps a patient's images in one
 *       split; optional {@code split} (train/val/test on every row) is a shipped split.</li>
 * </ul>
 * {@code path} may be the CSV or a folder holding {@code manifest.csv}.
 */
public final class CsvManifestReader implements DatasetReader {

    static final List<String> PATH_COLUMNS = List.of("path", "image", "filename", "file");
    static final List<String> GROUP_COLUMNS = List.of("group", "patient_id", "patient");
    private static final String EXPECTED = "a CSV manifest with a path column (path|image|filename|file) and either a "
            + "'label' column (single-label) or one 0/1 column per label (multi-label), optional group and split columns";

    @Override
    public String format() {
        return "csv";
    }

    @Override
    public String layout() {
        return "CSV file (or folder with manifest.csv): path,label  or  path,<label1>,<label2>,…  [,group][,split]";
    }

    @Override
    public Dataset read(Path path, DatasetOptions opts) {
        Path file = Files.isDirectory(path) ? path.resolve("manifest.csv") : path;
        Csv csv = Csv.read(file, EXPECTED);
        Path dir = file.toAbsolutePath().getParent();
        int pathCol = firstOf(csv, PATH_COLUMNS);
        if (pathCol < 0) {
            throw DatasetException.at(file, 1, "path", "missing column (header has " + String.join(",", csv.header) + ")",
                    "Expected " + EXPECTED);
        }
        int groupCol = firstOf(csv, GROUP_COLUMNS);
        int splitCol = csv.optColumn("split");
        int labelCol = csv.optColumn("label");
        List<Integer> labelCols = new ArrayList<>();
        if (labelCol < 0) {
            for (int i = 0; i < csv.header.size(); i++) {
                if (i != pathCol && i != groupCol && i != splitCol) labelCols.add(i);
            }
            if (labelCols.isEmpty()) {
                throw DatasetException.at(file, 1, "label", "missing column: no 'label' column and no label columns besides "
                        + String.join(",", csv.header), "Expected " + EXPECTED);
            }
        }
        String stem = Readers.stem(file);
        String name = Readers.name(opts, stem.equals("manifest") ? dir.getFileName().toString() : stem);
        return labelCol >= 0
                ? single(csv, opts, name, dir, pathCol, labelCol, groupCol, splitCol)
                : multi(csv, opts, name, dir, pathCol, labelCols, groupCol, splitCol);
    }

    private Dataset single(Csv csv, DatasetOptions opts, String name, Path dir, int pathCol, int labelCol, int groupCol, int splitCol) {
        boolean numeric = true;
        TreeSet<String> names = new TreeSet<>();
        int max = -1;
        for (Csv.Row r : csv.rows) {
            String v = r.get(labelCol);
            if (v.isEmpty()) {
                throw DatasetException.at(csv.file, r.line(), "label", "empty label", "Every row needs a class name or index");
            }
            names.add(v);
            int idx = Readers.parseIndex(v);
            if (idx < 0) numeric = false;
            max = Math.max(max, idx);
        }
        List<String> classes = new ArrayList<>();
        if (numeric) {
            for (int i = 0; i <= max; i++) classes.add(Integer.toString(i));
        } else {
            classes.addAll(names);
        }
        if (classes.size() < 2) {
            throw DatasetException.at(csv.file, 0, "label", "found " + classes.size() + " class " + classes,
                    "A single-label manifest needs at least two classes");
        }
        Task task = new Task(name, TaskType.SINGLE_LABEL, classes, Readers.metric(opts, Task.defaultMetric(TaskType.SINGLE_LABEL, classes.size())));
        Dataset.Builder b = Dataset.builder(format(), csv.file, task).optHashImageBytes(opts.hashImageBytes());
        for (Csv.Row r : csv.rows) {
            String v = r.get(labelCol);
            int label = numeric ? Readers.parseIndex(v) : classes.indexOf(v);
            add(b, csv, r, opts, dir, pathCol, groupCol, splitCol, id -> Sample.single(id.id, id.image, label, id.group));
        }
        return b.build();
    }

    private Dataset multi(Csv csv, DatasetOptions opts, String name, Path dir, int pathCol, List<Integer> labelCols, int groupCol, int splitCol) {
        List<String> labels = labelCols.stream().map(csv.header::get).toList();
        Task task = new Task(name, TaskType.MULTI_LABEL, labels, Readers.metric(opts, Task.defaultMetric(TaskType.MULTI_LABEL, labels.size())));
        Dataset.Builder b = Dataset.builder(format(), csv.file, task).optHashImageBytes(opts.hashImageBytes());
        for (Csv.Row r : csv.rows) {
            float[] y = new float[labelCols.size()];
            for (int k = 0; k < y.length; k++) {
                String s = r.get(labelCols.get(k));
                y[k] = switch (s) {
                    case "" -> 0f;
                    case "1", "1.0" -> 1f;
                    case "0", "0.0" -> 0f;
                    case "-1", "-1.0" -> opts.uncertainty().value();
                    default -> throw DatasetException.at(csv.file, r.line(), labels.get(k), "expected 1, 0, -1 (uncertain) or blank, found '" + s + "'",
                            "Multi-label manifests hold one 0/1 column per label; a metadata column must be named path, group or split, or be removed");
                };
            }
            add(b, csv, r, opts, dir, pathCol, groupCol, splitCol, id -> Sample.multi(id.id, id.image, y, id.group));
        }
        return b.build();
    }

    private record Row(String id, ImageSource image, String group) {
    }

    private void add(Dataset.Builder b, Csv csv, Csv.Row r, DatasetOptions opts, Path dir, int pathCol, int groupCol, int splitCol,
                     java.util.function.Function<Row, Sample> make) {
        String pathCell = r.get(pathCol);
        String column = csv.header.get(pathCol);
        if (pathCell.isEmpty()) throw DatasetException.at(csv.file, r.line(), column, "empty path", "Every row needs the image path");
        String id = pathCell.replace('\\', '/');
        Path image = Readers.image(dir, pathCell, csv.file, r.line(), column);
        Split split = null;
        if (splitCol >= 0) {
            String s = r.get(splitCol).toLowerCase(Locale.ROOT);
            split = switch (s) {
                case "train" -> Split.TRAIN;
                case "val", "valid", "validation" -> Split.VAL;
                case "test" -> Split.TEST;
                default -> throw DatasetException.at(csv.file, r.line(), "split", "expected train, val or test, found '" + s + "'",
                        "Fill the split column on every row, or remove it to let the splitter decide");
            };
        }
        if (!ImageRows.accept(b, opts, id, image, csv.file, r.line(), column)) return;
        String group = groupCol >= 0 && !r.get(groupCol).isEmpty() ? r.get(groupCol) : null;
        Sample s = make.apply(new Row(id, new ImageSource.FileImage(image), group));
        if (split != null) b.add(s, split); else b.add(s);
    }

    private static int firstOf(Csv csv, List<String> names) {
        Set<String> lower = Set.copyOf(names);
        for (int i = 0; i < csv.header.size(); i++) {
            if (lower.contains(csv.header.get(i).toLowerCase(Locale.ROOT))) return i;
        }
        return -1;
    }
}
