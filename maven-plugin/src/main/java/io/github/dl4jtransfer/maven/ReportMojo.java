package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Re-renders the report from a results directory (the {@code cells/*.json} a benchmark wrote) without running
 * anything: after changing report settings, after merging cells from several machines, or after an interrupted run.
 * <pre>mvn transfer:report -Dtransfer.resultsDirectory=target/transfer-benchmark</pre>
 */
@Mojo(name = "report", requiresProject = false, threadSafe = true)
public class ReportMojo extends AbstractReportingMojo {

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
        Path out = reportDirectory == null ? results : reportDirectory.toPath().toAbsolutePath().normalize();
        getLog().info("Report from " + all.size() + " cell results in " + cells);
        Reporting.write(all, out, reportOptions(), getLog());
    }
}
