package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.Task;
import io.github.dl4jtransfer.data.TaskType;
import io.github.dl4jtransfer.data.Split;
import io.github.dl4jtransfer.eval.MetricKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DDSM mammography as list files: {@code train.txt}, {@code test.txt} and optionally {@code val.txt},
 * one {@code <path> <label>} per line, paths relative to the folder holding the lists. Binary task
 * normal (0) vs abnormal (1), ROC-AUC, the shipped split is kept.
 *
 * <p>Labels come in two encodings, both accepted: binary {@code 0/1}, and DDSM's three volumes
 * normal/benign/cancer as {@code 0/1/2} or as words. Since benign and cancer both map to 1, one rule
 * covers both numeric forms: 0 → 0, 1 or 2 → 1. A line with only a path takes its label from the DDSM
 * file name's prefix before its first {@code _} ({@code normal_…}, {@code benign_…}, {@code cancer_…}),
 * or else from the DDSM volume folder in the path ({@code normals/}, {@code benign_01/}, {@code cancer_05/});
 * the two must agree where both are there. The last whitespace-separated token is the label, so paths may
 * contain spaces. Blank lines and {@code #} comments are skipped. The DDSM case ({@code case0001},
 * {@code A_1234}, CBIS {@code P_00001}) is the group.
 *
 * <p><b>The study's layout</b> is read as well: {@code root/ddsm_raw_image_lists/{train,val,test}.txt} of
 * path-only lines, paths relative to {@code root/ddsm_raw/}, the label from the file-name prefix with benign
 * and cancer both abnormal (study repository, {@code defaults/datasets.py}: lists and image folder at
 * lines 133 and 148, prefix rule at 131–135, benign and cancer folded to 1 at 136 for its default
 * {@code n_class=2}). Pointing {@code root} at the {@code ddsm_raw_image_lists} folder itself works too.
 * Lists at {@code root} itself, as above, take precedence.
 */
public final class DdsmReader implements DatasetReader {

    public static final List<String> CLASSES = List.of("normal", "abnormal");
    private static final Pattern CASE = Pattern.compile("(?i)(case[_-]?\\d+|(?<![A-Za-z])[A-D]_\\d{4}|P_\\d{5})");
    /** The study's folders: the lists, and the images their paths are relative to. */
    static final String STUDY_LISTS = "ddsm_raw_image_lists";
    static final String STUDY_IMAGES = "ddsm_raw";
    private static final Pattern VOLUME = Pattern.compile("(?i)(?:^|/)(normal|benign|cancer)(?:s|_[^/]*)?/");

    @Override
    public String format() {
        return "ddsm";
    }

    @Override
    public String layout() {
        return "folder with train.txt, test.txt [, val.txt] of '<path> <label>' lines (label 0/1, 0/1/2 or normal|benign|cancer;"
                + " a path alone takes its label from a normal_/benign_/cancer_ file name or volume folder), or the study's"
                + " ddsm_raw_image_lists/ beside ddsm_raw/";
    }

    @Override
    public Dataset read(Path root, DatasetOptions opts) {
        Task task = new Task(Readers.name(opts, "ddsm"), TaskType.SINGLE_LABEL, CLASSES, Readers.metric(opts, MetricKind.ROC_AUC.metricName()));
        Dataset.Builder b = Dataset.builder(format(), root, task).optHashImageBytes(opts.hashImageBytes());
        Map<String, String> seen = new HashMap<>();
        Path lists = root, images = root;
        if (!Files.isRegularFile(root.resolve("train.txt")) && Files.isRegularFile(root.resolve(STUDY_LISTS).resolve("train.txt"))) {
            lists = root.resolve(STUDY_LISTS);
            images = root.resolve(STUDY_IMAGES);
        } else if (root.toAbsolutePath().getFileName() != null && root.toAbsolutePath().getFileName().toString().equals(STUDY_LISTS)
                && Files.isDirectory(root.toAbsolutePath().resolveSibling(STUDY_IMAGES))) {
            images = root.toAbsolutePath().resolveSibling(STUDY_IMAGES);
        }
        for (Split split : Split.values()) {
            Path list = lists.resolve(split.key() + ".txt");
            if (!Files.isRegularFile(list)) {
                if (split == Split.VAL) continue;
                throw new DatasetException(list + ": file not found; DDSM needs train.txt and test.txt (val.txt optional) of '<path> <label>' lines in "
                        + root + " (or, as the study ships them, in " + root.resolve(STUDY_LISTS) + " with the images in " + root.resolve(STUDY_IMAGES) + ")");
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(list);
            } catch (IOException e) {
                throw new DatasetException(list + ": cannot read (" + e.getMessage() + ")", e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                int lineNo = i + 1;
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] tokens = line.split("\\s+");
                String path;
                int label;
                int asLabel = tokens.length > 1 ? parseLabel(tokens[tokens.length - 1]) : -2;
                if (asLabel >= 0) {
                    path = line.substring(0, line.length() - tokens[tokens.length - 1].length()).strip();
                    label = asLabel;
                } else if (tokens.length == 1 && (label = fromPath(line, list, lineNo)) >= 0) {
                    path = line;
                } else {
                    String found = tokens.length > 1 ? tokens[tokens.length - 1] : "(no label)";
                    throw DatasetException.at(list, lineNo, "label", "expected 0/1 (normal/abnormal), 0/1/2 (normal/benign/cancer) or "
                            + "normal|benign|cancer, found '" + found + "'", "Write each line as '<path> <label>', or name the image"
                            + " normal_…, benign_… or cancer_… (or put it in a normals/, benign_NN/, cancer_NN/ folder)");
                }
                String id = path.replace('\\', '/');
                String where = list.getFileName() + " line " + lineNo;
                String prev = seen.putIfAbsent(id, where);
                if (prev != null) {
                    throw DatasetException.at(list, lineNo, "path", "image " + id + " already listed at " + prev,
                            "An image may appear in one list only, once");
                }
                Path image = Readers.image(images, path, list, lineNo, "path");
                if (ImageRows.accept(b, opts, id, image, list, lineNo, "path")) {
                    Matcher m = CASE.matcher(id);
                    b.add(Sample.single(id, new ImageSource.FileImage(image), label, m.find() ? m.group(1) : null), split);
                }
            }
        }
        return b.build();
    }

    /** 0 → normal; 1, 2 → abnormal; words; -1 when not a label. */
    static int parseLabel(String token) {
        String t = token.toLowerCase(Locale.ROOT);
        switch (t) {
            case "normal", "negative" -> {
                return 0;
            }
            case "benign", "benign_without_callback", "cancer", "malignant", "abnormal", "positive" -> {
                return 1;
            }
            default -> {
                int v = Readers.parseIndex(t);
                return v < 0 || v > 2 ? -1 : (v == 0 ? 0 : 1);
            }
        }
    }

    /**
     * The label of a path-only line: the study's file-name prefix ({@code normal_}, {@code benign_},
     * {@code cancer_}: the text before the name's first underscore), else the DDSM volume folder; -1 when
     * neither names a class. Both present and disagreeing is an error: the list cannot be trusted.
     */
    private static int fromPath(String path, Path list, int lineNo) {
        int byName = fromFileName(path);
        int byFolder = fromVolume(path);
        if (byName >= 0 && byFolder >= 0 && byName != byFolder) {
            throw DatasetException.at(list, lineNo, "path", "file name says " + CLASSES.get(byName) + " but folder says "
                    + CLASSES.get(byFolder) + " in '" + path + "'", "Move or rename the image, or give the label after the path");
        }
        return byName >= 0 ? byName : byFolder;
    }

    /** normal → 0, benign or cancer → 1 from the file name's prefix before its first '_'; -1 otherwise. */
    static int fromFileName(String path) {
        String p = path.replace('\\', '/');
        String name = p.substring(p.lastIndexOf('/') + 1);
        int underscore = name.indexOf('_');
        if (underscore <= 0) return -1;
        return switch (name.substring(0, underscore).toLowerCase(Locale.ROOT)) {
            case "normal" -> 0;
            case "benign", "cancer" -> 1;
            default -> -1;
        };
    }

    private static int fromVolume(String path) {
        Matcher m = VOLUME.matcher(path.replace('\\', '/'));
        if (!m.find()) return -1;
        return m.group(1).equalsIgnoreCase("normal") ? 0 : 1;
    }
}
