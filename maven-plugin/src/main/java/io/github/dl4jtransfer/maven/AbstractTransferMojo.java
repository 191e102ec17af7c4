package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.config.ConfigException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What every goal of this plugin shares: {@code -Dtransfer.skip}, and turning the library's configuration errors
 * (element, problem, fix) into Maven failures. Each goal only maps its parameters onto library types.
 */
public abstract class AbstractTransferMojo extends AbstractMojo {

    /** Skip the goal: nothing runs, nothing is written, and the configuration is not even read. */
    @Parameter(property = "transfer.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("transfer:" + goal() + " skipped (transfer.skip)");
            return;
        }
        try {
            run();
        } catch (ConfigException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /** The goal's name, for log lines. */
    protected abstract String goal();

    /** The goal's work; a {@link ConfigException} from the library becomes the build failure as it is worded. */
    protected abstract void run() throws MojoExecutionException, MojoFailureException;

    public void setSkip(boolean skip) {
        this.skip = skip;
    }
}
