package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.data.SplitSpec;
import io.github.dl4jtransfer.eval.MetricKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CheXpert (chest X-ray, 14 observations, multi-label, mean ROC-AUC): {@code train.csv} with {@code Path}
 * and the 14 label columns. Cells are 1 (positive), 0 (negative), -1 (uncertain) or blank (not mentioned).
 * Uncertain becomes 0 under U-Zeroes (default) or 1 under U-Ones; blank is 0 unless
 * {@code blankAsUncertain}. With {@code noFindingWhenAllZero} a row whose 14 labels all end up 0 gets
 * "No Finding" = 1, as the study builds its labels (see {@link DatasetOptions}). The patient id ({@code patient00001}) is parsed from the path and is the
 * group, so the 80/10/10 split is patient-level. {@code valid.csv} (the official 234-image validation
 * set) is not read: the study splits {@code train.csv}.
 *
 * <p>{@code root} is the folder holding {@code train.csv} (e.g. {@code CheXpert-v1.0-small}) or the CSV
 * itself. Paths in the CSV start with that folder's name, so they resolve against its parent; paths
 * that do not resolve against the folder itself.
 */
public final class ChexpertReader implements DatasetReader {

    public static final List<String> LABELS = List.of("No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly",
            "Lung Opacity", "Lung Lesion", "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax",
            "Pleural Effusion", "Pleural Other", "Fracture", "Support Devices");
    private static final int NO_FINDING = LABELS.indexOf("No Finding");
    private static final Pattern PATIENT = Pattern.compile("patient\\d+");
    private static final String EXPECTED = "CheXpert train.csv with columns Path," + String.join(",", LABELS);

    @Override
    public String format() {
        return "chexpert";
    }

    @Override
    public String layout() {
        return "folder with train.csv (Path + 14 observation columns) and the images its paths name";
    }

    @Override
    public Dataset read(Path root, DatasetOptions opts) {
        Path csvFile = Files.isRegularFile(root) ? root : root.resolve("train.csv");
        Path dir = csvFile.toAbsolutePath().getParent();
        Csv csv = Csv.read(csvFile, EXPECTED);
        int pathCol = csv.column("Path", EXPECTED);
        int[] cols = LABELS.stream().mapToInt(l -> csv.column(l, EXPECTED)).toArray();
        Task task = new Task(Readers.name(opts, "chexpert"), TaskType.MULTI_LABEL, LABELS, Readers.metric(opts, MetricKind.MEAN_ROC_AUC.metricName()));
        Dataset.Builder b = Dataset.builder(format(), root, task).optDefaultSplit(SplitSpec.eightyTenTen())
                .optHashImageBytes(opts.hashImageBytes());
        String prefix = dir.getFileName() + "/";
        for (Csv.Row r : csv.rows) {
            String id = r.get(pathCol).replace('\\', '/');
            if (id.isEmpty()) throw DatasetException.at(csv.file, r.line(), "Path", "empty path", "Every row needs the image path");
            Matcher m = PATIENT.matcher(id);
            if (!m.find()) {
                throw DatasetException.at(csv.file, r.line(), "Path", "no patient id (patientNNNNN) in '" + id + "'",
                        "CheXpert paths look like CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg; the patient id keeps splits leak-free");
            }
            float[] y = new float[cols.length];
            for (int k = 0; k < cols.length; k++) y[k] = value(csv, r, cols[k], LABELS.get(k), opts);
            if (opts.noFindingWhenAllZero() && allZero(y)) y[NO_FINDING] = 1f;
            Path image = Readers.image(id.startsWith(prefix) ? dir.getParent() : dir, id, csv.file, r.line(), "Path");
            if (ImageRows.accept(b, opts, id, image, csv.file, r.line(), "Path")) {
                b.add(Sample.multi(id, new ImageSource.FileImage(image), y, m.group()));
            }
        }
        return b.build();
    }

    private static boolean allZero(float[] y) {
        for (float v : y) if (v != 0f) return false;
        return true;
    }

    private static float value(Csv csv, Csv.Row r, int col, String name, DatasetOptions opts) {
        String s = r.get(col);
        if (s.isEmpty()) return opts.blankAsUncertain() ? opts.uncertainty().value() : 0f;
        try {
            double v = Double.parseDouble(s);
            if (v == 1.0) return 1f;
            if (v == 0.0) return 0f;
            if (v == -1.0) return opts.uncertainty().value();
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw DatasetException.at(csv.file, r.line(), name, "expected 1, 0, -1 (uncertain) or blank, found '" + s + "'",
                "CheXpert labels are 1.0, 0.0, -1.0 or empty");
    }
}
