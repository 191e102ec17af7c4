package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.doxia.sink.Sink;
import org.apache.maven.reporting.MavenReport;
import org.apache.maven.reporting.MavenReportException;

import java.io.File;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Re-renders the report from a results directory (the {@code cells/*.json} a benchmark wrote) without running
 * anything: after changing report settings, after merging cells from several machines, or after an interrupted run.
 * <pre>mvn transfer:report -Dtransfer.resultsDirectory=target/transfer-benchmark</pre>
 * It is also a site report: declared under {@code <reporting>}, {@code mvn site} writes the report into the site
 * ({@code target/site/transfer-benchmark/report.html}) and lists it under the project's reports, as jacoco's report
 * does.
 */
@Mojo(name = "report", requiresProject = false, threadSafe = true)
public class ReportMojo extends AbstractReportingMojo implements MavenReport {

    /** The report's folder inside the site. */
    static final String SITE_FOLDER = "transfer-benchmark";

    /** The site's output directory, as the site plugin sets it (default: the project's reporting directory). */
    @Parameter(defaultValue = "${project.reporting.outputDirectory}", readonly = true)
    private File reportingDirectory;

    private File siteDirectory;

    /** The benchmark's output directory (holding {@code cells/}). */
    @Parameter(property = "transfer.resultsDirectory", defaultValue = "${project.build.directory}/transfer-benchmark")
    private File resultsDirectory;

    /** Where the report goes (default: the results directory). */
    @Parameter(property = "transfer.reportDirectory")
    private File reportDirectory;




    @Override
    protected String goal() {
        return "report";
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        List<CellResult> all = results();
        Path out = reportDirectory == null ? resultsDirectory.toPath().toAbsolutePath().normalize() : reportDirectory.toPath().toAbsolutePath().normalize();
        Reporting.write(all, out, reportOptions(), getLog());
    }

    /** The results directory's cell results; an error naming the directory when there are none. */
    private List<CellResult> results() throws MojoFailureException {
        Path results = resultsDirectory.toPath().toAbsolutePath().normalize();
        Path cells = CellResults.dirUnder(results);
        if (!Files.isDirectory(cells)) {
            throw new MojoFailureException("<resultsDirectory> / -Dtransfer.resultsDirectory: " + cells + " does not exist; "
                    + "run mvn transfer:benchmark first or point it at a benchmark's output directory");
        }
        List<CellResult> all;
        try {
            all = CellResults.readAll(cells);
        } catch (UncheckedIOException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        if (all.isEmpty()) throw new MojoFailureException("<resultsDirectory>: no cell results (*.json) in " + cells);
        getLog().info("Report from " + all.size() + " cell results in " + cells);
        return all;
    }

    // ---- the site report (MavenReport): mvn site calls these instead of execute() ----

    /** Writes the report into the site's {@value #SITE_FOLDER} folder (an external report: its own HTML pages). */
    @Override
    public void generate(Sink sink, Locale locale) throws MavenReportException {
        try {
            Reporting.write(results(), getReportOutputDirectory().toPath().resolve(SITE_FOLDER), reportOptions(), getLog());
        } catch (MojoFailureException | RuntimeException e) {
            throw new MavenReportException("transfer:report: " + e.getMessage(), e);
        }
    }

    @Override
    public String getOutputName() {
        return SITE_FOLDER + "/report";
    }

    @Override
    public String getCategoryName() {
        return CATEGORY_PROJECT_REPORTS;
    }

    @Override
    public String getName(Locale locale) {
        return "Transfer benchmark";
    }

    @Override
    public String getDescription(Locale locale) {
        return "Backbones × datasets × scenarios: relative gain, per-task results with their spread, convergence and cost.";
    }

    @Override
    public void setReportOutputDirectory(File outputDirectory) {
        this.siteDirectory = outputDirectory;
    }

    @Override
    public File getReportOutputDirectory() {
        return siteDirectory != null ? siteDirectory : reportingDirectory;
    }

    @Override
    public boolean isExternalReport() {
        return true;
    }

    /** The site shows the page only when a benchmark left results; otherwise the site plugin says it skipped it. */
    @Override
    public boolean canGenerateReport() {
        Path cells = CellResults.dirUnder(resultsDirectory.toPath().toAbsolutePath().normalize());
        try (var files = Files.list(cells)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".json"));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
