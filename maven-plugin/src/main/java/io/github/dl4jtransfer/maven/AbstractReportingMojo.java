package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.report.ReportOptions;
import org.apache.maven.plugins.annotations.Parameter;

/** A goal that writes the report ({@code transfer:benchmark}, {@code transfer:report}): the report's options, declared once. */
public abstract class AbstractReportingMojo extends AbstractTransferMojo {

    /** The relative-gain chart's reference, as model:scenario (e.g. deit-b16:frozen-linear); default: the report's rule. */
    @Parameter(property = "transfer.baseline")
    private String baseline;

    /**
     * The poster chart's reference: {@code model:scenario}, {@code model:classifier}, {@code model} or {@code :target};
     * default: the DeiT-B family, unfrozen-linear (docs/report.md).
     */
    @Parameter(property = "transfer.posterReference")
    private String posterReference;

    /** Models (ids or family names, comma-separated) the poster chart draws as baselines, linear only; default: DeiT, DINO, ResNet. */
    @Parameter(property = "transfer.posterBaselines")
    private String posterBaselines;

    public void setBaseline(String baseline) { this.baseline = baseline; }

    /** The report's options as configured (checked by the library). */
    protected ReportOptions reportOptions() {
        return ReportOptions.fromText(baseline, posterReference, posterBaselines);
    }
}
