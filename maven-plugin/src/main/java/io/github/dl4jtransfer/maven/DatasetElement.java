package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.UncertaintyPolicy;

import java.io.File;

/**
 * {@code <datasets><dataset>}: one task of the matrix, as written in the POM (the library checks it).
 * <pre>
 * &lt;dataset&gt;
 *   &lt;name&gt;aptos&lt;/name&gt;
 *   &lt;format&gt;aptos2019&lt;/format&gt;
 *   &lt;path&gt;/data/aptos2019&lt;/path&gt;
 * &lt;/dataset&gt;
 * </pre>
 */
public class DatasetElement {
    /** Short name used in cell ids and reports. */
    private String name;
    /** Reader format: aptos2019, isic2019, ddsm, chexpert, imagefolder, csv, medmnist. */
    private String format;
    /** Dataset root (or the .npz / .csv file for the single-file formats). */
    private File path;
    /** Skip (and count) missing or undecodable images instead of failing. */
    private boolean skipBadImages;
    /** Read every image header up front, so corrupt files fail before training. */
    private boolean verifyImages;
    /** CheXpert: what uncertain (-1) labels become: U_ZEROES (default) or U_ONES. */
    private UncertaintyPolicy uncertainty = UncertaintyPolicy.U_ZEROES;
    /** CheXpert: treat blank cells as uncertain too. */
    private boolean blankAsUncertain;
    /** Content hash over image bytes instead of size + modification time. */
    private boolean hashImageBytes;
    /** Override the format's headline metric (generic formats). */
    private String metric;
    /** Override the task name (generic formats). */
    private String taskName;

    /** The reader options these elements set. */
    DatasetOptions.Builder options() {
        return DatasetOptions.builder().optSkipBadImages(skipBadImages).optVerifyImages(verifyImages).optUncertainty(uncertainty)
                .optBlankAsUncertain(blankAsUncertain).optHashImageBytes(hashImageBytes)
                .optMetric(metric == null || metric.isBlank() ? null : metric.trim()).optTaskName(taskName);
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getFormat() { return format; }
    public void setFormat(String format) { this.format = format; }
    public File getPath() { return path; }
    public void setPath(File path) { this.path = path; }
    public void setSkipBadImages(boolean skipBadImages) { this.skipBadImages = skipBadImages; }
    public void setVerifyImages(boolean verifyImages) { this.verifyImages = verifyImages; }
    public void setUncertainty(UncertaintyPolicy uncertainty) { this.uncertainty = uncertainty; }
    public void setBlankAsUncertain(boolean blankAsUncertain) { this.blankAsUncertain = blankAsUncertain; }
    public void setHashImageBytes(boolean hashImageBytes) { this.hashImageBytes = hashImageBytes; }
    public void setMetric(String metric) { this.metric = metric; }
    public void setTaskName(String taskName) { this.taskName = taskName; }
}
