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

/**
 * APTOS 2019 Blindness Detection (Kaggle): {@code train.csv} ({@code id_code,diagnosis}) and
 * {@code train_images/<id_code>.png}. Five ordinal grades, scored with quadratic kappa, split 70/15/15.
 * The competition's {@code test.csv} has no labels and is not read.
 */
public final class Aptos2019Reader implements DatasetReader {

    public static final List<String> GRADES = List.of("No DR", "Mild", "Moderate", "Severe", "Proliferative DR");

    @Override
    public String format() {
        return "aptos2019";
    }

    @Override
    public String layout() {
        return "folder with train.csv (id_code,diagnosis) and train_images/<id_code>.png";
    }

    @Override
    public Dataset read(Path root, DatasetOptions opts) {
        Csv csv = Csv.read(root.resolve("train.csv"), "APTOS 2019 train.csv with columns id_code,diagnosis");
        int idCol = csv.column("id_code", "APTOS 2019 train.csv with columns id_code,diagnosis");
        int dxCol = csv.column("diagnosis", "APTOS 2019 train.csv with columns id_code,diagnosis");
        Task task = new Task(Readers.name(opts, "aptos2019"), TaskType.SINGLE_LABEL, GRADES, Readers.metric(opts, MetricKind.QUADRATIC_KAPPA.metricName()));
        Dataset.Builder b = Dataset.builder(format(), root, task).optDefaultSplit(SplitSpec.aptos())
                .optHashImageBytes(opts.hashImageBytes());
        Path images = root.resolve("train_images");
        for (Csv.Row r : csv.rows) {
            String id = r.get(idCol);
            if (id.isEmpty()) throw DatasetException.at(csv.file, r.line(), "id_code", "empty image id", "Every row needs the image's id_code");
            String dx = r.get(dxCol);
            int grade = Readers.parseIndex(dx);
            if (grade < 0 || grade >= GRADES.size()) {
                throw DatasetException.at(csv.file, r.line(), "diagnosis", "expected a grade 0-4, found '" + dx + "'",
                        "APTOS grades are 0 (no DR), 1 (mild), 2 (moderate), 3 (severe), 4 (proliferative DR)");
            }
            Readers.image(images, id + ".png", csv.file, r.line(), "id_code"); // a name the file system can hold
            Path image = imageOf(images, id);
            if (ImageRows.accept(b, opts, id, image, csv.file, r.line(), "id_code")) {
                b.add(Sample.single(id, new ImageSource.FileImage(image), grade, null));
            }
        }
        return b.build();
    }

    /** {@code <id>.png} as Kaggle ships it; re-encoded copies often use .jpg, which is accepted too. */
    private static Path imageOf(Path dir, String id) {
        Path png = dir.resolve(id + ".png");
        if (Files.isRegularFile(png)) return png;
        for (String ext : new String[]{".jpg", ".jpeg"}) {
            Path p = dir.resolve(id + ext);
            if (Files.isRegularFile(p)) return p;
        }
        return png;
    }
}
