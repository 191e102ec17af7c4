package io.github.dl4jtransfer.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled image.
 *
 * @param id     unique within its dataset and stable across runs (it keys split manifests and caches):
 *               the image name for APTOS/ISIC, the relative path for DDSM/CheXpert/ImageFolder,
 *               "train/17" for MedMNIST
 * @param image  where the pixels are
 * @param label  class index for single-label tasks; -1 for multi-label
 * @param labels 0/1 per label for multi-label tasks (after the uncertainty policy); null for single-label
 * @param group  patient/lesion/case id that must not straddle splits, or null when every sample stands alone
 */
public record Sample(String id, ImageSource image, int label, float[] labels, String group) {

    public Sample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        if (labels == null && label < 0) {
            throw new IllegalArgumentException("sample " + id + ": single-label sample needs a class index >= 0");
        }
        if (labels != null && label != -1) {
            throw new IllegalArgumentException("sample " + id + ": multi-label sample must have label -1");
        }
        if (labels != null) labels = labels.clone();
    }

    public static Sample single(String id, ImageSource image, int label, String group) {
        return new Sample(id, image, label, null, group);
    }

    public static Sample multi(String id, ImageSource image, float[] labels, String group) {
        return new Sample(id, image, -1, labels, group);
    }

    public boolean isMultiLabel() {
        return labels != null;
    }

    @Override
    public float[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** Value of label {@code k} without copying the array (multi-label only). */
    public float labelAt(int k) {
        return labels[k];
    }

    /** The unit that splits keep together: the group, or the sample itself when it has none. */
    public String groupOrId() {
        return group != null ? group : id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && id.equals(s.id) && image.equals(s.image) && label == s.label
                && Arrays.equals(labels, s.labels) && Objects.equals(group, s.group);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, image, label, Arrays.hashCode(labels), group);
    }

    @Override
    public String toString() {
        return "Sample[" + id + ", " + image.describe() + ", "
                + (labels == null ? "label=" + label : "labels=" + Arrays.toString(labels))
                + (group == null ? "" : ", group=" + group) + "]";
    }
}
