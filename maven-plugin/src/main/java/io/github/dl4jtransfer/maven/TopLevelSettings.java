package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.ProtocolSettings;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

import java.util.ArrayList;
import java.util.List;

/**
 * Training settings written at the top of {@code <configuration>} — where versions before {@code <training>} read
 * them. Maven drops configuration it has no parameter for without a word, so a POM from then would run with the
 * study's defaults instead of its own settings: fail instead, saying where the element goes. Read from the
 * project's model because the execution's configuration has the unknown elements already filtered out.
 */
final class TopLevelSettings {

    private TopLevelSettings() {
    }

    static void reject(MavenProject project, MojoExecution execution) {
        if (project == null || execution == null) return;
        Plugin plugin = project.getPlugin(execution.getGroupId() + ":" + execution.getArtifactId());
        if (plugin == null) return;
        List<Object> configurations = new ArrayList<>();
        configurations.add(plugin.getConfiguration());
        PluginExecution pe = plugin.getExecutionsAsMap().get(execution.getExecutionId());
        if (pe != null) configurations.add(pe.getConfiguration());
        for (Object c : configurations) {
            if (!(c instanceof Xpp3Dom dom)) continue;
            for (Xpp3Dom child : dom.getChildren()) {
                String n = child.getName();
                ConfigException.require(!TrainerConfig.SETTINGS.names().contains(n), "<" + n + ">", "a training setting at the top level is not read",
                        "move it into <training><" + n + ">…</" + n + "></training>");
                ConfigException.require(!ProtocolSettings.SETTINGS.names().contains(n), "<" + n + ">", "a protocol setting at the top level is not read",
                        "move it into <protocolSettings><" + n + ">…</" + n + "></protocolSettings>");
            }
        }
    }
}
