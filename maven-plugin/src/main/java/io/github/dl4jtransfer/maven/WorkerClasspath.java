package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.matrix.spark.SparkRuntime;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoFailureException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.util.artifact.JavaScopes;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The forked worker's classpath: this plugin's own runtime artifacts (dl4j-transfer and its dependencies,
 * which carry the CPU backend nd4j-native for linux-x86_64), with the ND4J backend swapped for CUDA when
 * {@code <backend>cuda</backend>}: nd4j-native and OpenBLAS out, nd4j-cuda-11.6 (+ its native classifier) in,
 * resolved from the project's repositories; on the CPU, another libnd4j build of the same version ({@link NativeBuild})
 * is added beside the plain one.
 */
final class WorkerClasspath {

    static final String CUDA_ARTIFACT = "nd4j-cuda-11.6";

    private WorkerClasspath() {
    }

    static String cpu(List<Artifact> pluginArtifacts) {
        return join(jars(pluginArtifacts));
    }

    /**
     * The CPU worker's classpath with {@code build}'s nd4j-native jar added (the plain one stays: it carries the Java
     * classes and is JavaCPP's fallback), resolved from the project's repositories. The worker picks the build by
     * {@link NativeBuild#EXTENSION_PROPERTY}.
     *
     * @throws MojoFailureException where the jar cannot be resolved (offline, not in the local repository)
     */
    static String cpu(List<Artifact> pluginArtifacts, NativeBuild build, RepositorySystem repoSystem,
                      RepositorySystemSession session, List<RemoteRepository> repositories) throws MojoFailureException {
        if (build == NativeBuild.PLAIN) return cpu(pluginArtifacts);
        Map<String, File> byKey = new LinkedHashMap<>();
        for (Artifact a : pluginArtifacts) {
            if (a.getFile() != null && "jar".equals(a.getType())) byKey.put(key(a.getGroupId(), a.getArtifactId(), a.getClassifier()), a.getFile());
        }
        CollectRequest collect = new CollectRequest();
        collect.addDependency(new Dependency(new DefaultArtifact("org.nd4j", "nd4j-native", build.classifier(), "jar",
                nd4jVersion(pluginArtifacts)), JavaScopes.RUNTIME));
        return join(resolveAfter(byKey, collect, repoSystem, session, repositories, e -> new MojoFailureException(
                "<nativeBuild>" + build.setting() + "</nativeBuild>: cannot resolve org.nd4j:nd4j-native:" + nd4jVersion(pluginArtifacts)
                        + ":" + build.classifier() + ": " + e.getMessage() + ". Run once online (or install it into the local "
                        + "repository), or use <nativeBuild>plain</nativeBuild>.", e)));
    }

    private static List<File> jars(List<Artifact> pluginArtifacts) {
        List<File> files = new ArrayList<>();
        for (Artifact a : pluginArtifacts) {
            if (a.getFile() != null && "jar".equals(a.getType())) files.add(a.getFile());
        }
        return files;
    }

    private static String nd4jVersion(List<Artifact> pluginArtifacts) {
        return pluginArtifacts.stream().filter(a -> a.getGroupId().equals("org.nd4j") && a.getArtifactId().equals("nd4j-api"))
                .map(Artifact::getVersion).findFirst().orElse("1.0.0-M2.1");
    }

    static String cuda(List<Artifact> pluginArtifacts, String cudaClassifier, RepositorySystem repoSystem,
                       RepositorySystemSession session, List<RemoteRepository> repositories) throws MojoFailureException {
        String nd4jVersion = nd4jVersion(pluginArtifacts);
        Map<String, File> byKey = new LinkedHashMap<>();
        for (Artifact a : pluginArtifacts) {
            if (a.getFile() == null || !"jar".equals(a.getType())) continue;
            boolean cpuBackend = (a.getGroupId().equals("org.nd4j") && a.getArtifactId().equals("nd4j-native"))
                    || (a.getGroupId().equals("org.bytedeco") && a.getArtifactId().equals("openblas"));
            if (!cpuBackend) byKey.put(key(a.getGroupId(), a.getArtifactId(), a.getClassifier()), a.getFile());
        }
        CollectRequest collect = new CollectRequest();
        collect.addDependency(new Dependency(new DefaultArtifact("org.nd4j", CUDA_ARTIFACT, "", "jar", nd4jVersion), JavaScopes.RUNTIME));
        collect.addDependency(new Dependency(new DefaultArtifact("org.nd4j", CUDA_ARTIFACT, cudaClassifier, "jar", nd4jVersion), JavaScopes.RUNTIME));
        return join(resolveAfter(byKey, collect, repoSystem, session, repositories, e -> new MojoFailureException(
                "<backend>cuda</backend>: cannot resolve org.nd4j:" + CUDA_ARTIFACT + ":" + nd4jVersion
                        + " (classifier " + cudaClassifier + ") and its dependencies: " + e.getMessage()
                        + ". Run once online (or install them into the local repository), fix <cudaClassifier>, "
                        + "or use <backend>cpu</backend>.", e)));
    }

    /**
     * The forked Spark driver's classpath: the CPU worker's (this plugin's artifacts, which win where Spark asks for
     * another version of the same library) plus {@code spark-core} and its dependencies, resolved on demand from the
     * project's repositories: Spark is on no classpath of users who never ask for it. Spark's Jackson Scala module
     * is held to the plugin's Jackson version (a 2.15 module refuses to start next to databind 2.17).
     */
    static String sparkDriver(List<Artifact> pluginArtifacts, RepositorySystem repoSystem, RepositorySystemSession session,
                              List<RemoteRepository> repositories) throws MojoFailureException {
        Map<String, File> byKey = new LinkedHashMap<>();
        String jackson = null;
        CollectRequest collect = new CollectRequest();
        collect.addDependency(new Dependency(new DefaultArtifact(SparkRuntime.coordinates()), JavaScopes.RUNTIME));
        for (Artifact a : pluginArtifacts) {
            if (a.getFile() == null || !"jar".equals(a.getType())) continue;
            byKey.put(key(a.getGroupId(), a.getArtifactId(), a.getClassifier()), a.getFile());
            if (a.getGroupId().equals("com.fasterxml.jackson.core") && a.getArtifactId().equals("jackson-databind")) jackson = a.getVersion();
            // Where Spark asks for a library the plugin has, the plugin's version is the one used: resolve that one
            // (already local) rather than download a version that would be dropped anyway.
            collect.addManagedDependency(new Dependency(new DefaultArtifact(a.getGroupId(), a.getArtifactId(),
                    a.getClassifier() == null ? "" : a.getClassifier(), "jar", a.getVersion()), JavaScopes.RUNTIME));
        }
        if (jackson != null) {
            collect.addManagedDependency(new Dependency(new DefaultArtifact("com.fasterxml.jackson.module", "jackson-module-scala_2.12",
                    "jar", jackson), JavaScopes.RUNTIME));
        }
        return join(resolveAfter(byKey, collect, repoSystem, session, repositories, e -> new MojoFailureException(
                "<executor>spark</executor>: cannot resolve " + SparkRuntime.coordinates() + " and its dependencies: " + e.getMessage()
                        + ". Run once online (or install them into the local repository), or use <executor>local</executor>.", e)));
    }

    /**
     * Resolves {@code collect} from {@code repositories} and appends what it brings after the jars already in
     * {@code byKey} (those win: one jar per group:artifact:classifier); a failure becomes {@code failure}'s error.
     */
    private static List<File> resolveAfter(Map<String, File> byKey, CollectRequest collect, RepositorySystem repoSystem,
                                           RepositorySystemSession session, List<RemoteRepository> repositories,
                                           Function<DependencyResolutionException, MojoFailureException> failure)
            throws MojoFailureException {
        collect.setRepositories(repositories);
        List<ArtifactResult> resolved;
        try {
            resolved = repoSystem.resolveDependencies(session, new DependencyRequest(collect, null)).getArtifactResults();
        } catch (DependencyResolutionException e) {
            throw failure.apply(e);
        }
        Map<String, File> out = new LinkedHashMap<>(byKey);
        for (ArtifactResult r : resolved) {
            org.eclipse.aether.artifact.Artifact a = r.getArtifact();
            if (a == null || a.getFile() == null) continue;
            out.putIfAbsent(key(a.getGroupId(), a.getArtifactId(), a.getClassifier()), a.getFile());
        }
        return new ArrayList<>(out.values());
    }

    private static String key(String g, String a, String c) {
        return g + ":" + a + ":" + (c == null ? "" : c);
    }

    private static String join(List<File> files) {
        StringBuilder sb = new StringBuilder();
        for (File f : files) {
            if (sb.length() > 0) sb.append(File.pathSeparatorChar);
            sb.append(f.getAbsolutePath());
        }
        return sb.toString();
    }
}
