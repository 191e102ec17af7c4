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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ISIC 2019 (dermoscopy): {@code ISIC_2019_Training_GroundTruth.csv} (column {@code image} and one-hot
 * columns MEL, NV, BCC, AK, BKL, DF, VASC, SCC, UNK) and {@code ISIC_2019_Training_Input/<image>.jpg}.
 * Eight classes, balanced accuracy, split 80/10/10.
 *
 * <p>UNK ("none of the others") has no training images in the release; rows marked UNK are left out, as
 * they are not part of the 8-class task. The optional {@code ISIC_2019_Training_Metadata.csv} supplies
 * {@code lesion_id} as the group so that images of one lesion never straddle splits; images without a
 * lesion id stand alone.
 */
public final class Isic2019Reader implements DatasetReader {

    public static final List<String> CLASSES = List.of("MEL", "NV", "BCC", "AK", "BKL", "DF", "VASC", "SCC");
    static final String GROUND_TRUTH = "ISIC_2019_Training_GroundTruth.csv";
    static final String METADATA = "ISIC_2019_Training_Metadata.csv";
    static final String INPUT = "ISIC_2019_Training_Input";
    private static final String EXPECTED = "ISIC 2019 ground truth with columns image,MEL,NV,BCC,AK,BKL,DF,VASC,SCC[,UNK]";

    @Override
    public String format() {
        return "isic2019";
    }

    @Override
    public String layout() {
        return "folder with " + GROUND_TRUTH + ", " + INPUT + "/<image>.jpg and optionally " + METADATA;
    }

    @Override
    public Dataset read(Path root, DatasetOptions opts) {
        Csv gt = Csv.read(root.resolve(GROUND_TRUTH), EXPECTED);
        int imageCol = gt.column("image", EXPECTED);
        int[] classCols = CLASSES.stream().mapToInt(c -> gt.column(c, EXPECTED)).toArray();
        int unkCol = gt.optColumn("UNK");
        Map<String, String> lesions = lesionIds(root.resolve(METADATA));
        Path input = root.resolve(INPUT);
        // The zip extracts to a folder of the same name; accept the doubled folder an extraction into it gives.
        if (Files.isDirectory(input.resolve(INPUT))) input = input.resolve(INPUT);
        Task task = new Task(Readers.name(opts, "isic2019"), TaskType.SINGLE_LABEL, CLASSES, Readers.metric(opts, MetricKind.BALANCED_ACCURACY.metricName()));
        Dataset.Builder b = Dataset.builder(format(), root, task).optDefaultSplit(SplitSpec.eightyTenTen())
                .optHashImageBytes(opts.hashImageBytes());
        for (Csv.Row r : gt.rows) {
            String id = r.get(imageCol);
            if (id.isEmpty()) throw DatasetException.at(gt.file, r.line(), "image", "empty image name", "Every row needs the image name");
            int label = -1;
            for (int k = 0; k < classCols.length; k++) {
                double v = oneHot(gt, r, classCols[k], CLASSES.get(k));
                if (v == 1.0) {
                    if (label >= 0) {
                        throw DatasetException.at(gt.file, r.line(), CLASSES.get(k), "second positive class (already "
                                + CLASSES.get(label) + ")", "Each image has exactly one diagnosis; fix the one-hot row");
                    }
                    label = k;
                }
            }
            if (label < 0) {
                if (unkCol >= 0 && oneHot(gt, r, unkCol, "UNK") == 1.0) continue;
                throw DatasetException.at(gt.file, r.line(), null, "no positive among " + String.join(",", CLASSES),
                        "Each row needs a 1.0 in exactly one diagnosis column");
            }
            Path image = Readers.image(input, id + ".jpg", gt.file, r.line(), "image");
            if (ImageRows.accept(b, opts, id, image, gt.file, r.line(), "image")) {
                b.add(Sample.single(id, new ImageSource.FileImage(image), label, lesions.get(id)));
            }
        }
        return b.build();
    }

    private static double oneHot(Csv csv, Csv.Row r, int col, String name) {
        String s = r.get(col);
        try {
            double v = Double.parseDouble(s);
            if (v == 0.0 || v == 1.0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw DatasetException.at(csv.file, r.line(), name, "expected 0.0 or 1.0, found '" + s + "'", "The ground truth is one-hot");
    }

    /** image → lesion_id from the optional metadata file; blank lesion ids are left out. */
    private static Map<String, String> lesionIds(Path metadata) {
        Map<String, String> m = new HashMap<>();
        if (!Files.isRegularFile(metadata)) return m;
        Csv csv = Csv.read(metadata, "ISIC 2019 metadata with columns image,...,lesion_id");
        int imageCol = csv.column("image", "ISIC 2019 metadata with columns image,...,lesion_id");
        int lesionCol = csv.column("lesion_id", "ISIC 2019 metadata with columns image,...,lesion_id");
        for (Csv.Row r : csv.rows) {
            String lesion = r.get(lesionCol);
            if (!lesion.isEmpty()) m.put(r.get(imageCol), lesion);
        }
        return m;
    }
}
