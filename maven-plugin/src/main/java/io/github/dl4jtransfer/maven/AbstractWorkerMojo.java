package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.device.GpuCheck;
import io.github.dl4jtransfer.device.NativeAllocator;
import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.BenchmarkRunner;
import io.github.dl4jtransfer.matrix.BuildRoute;
import io.github.dl4jtransfer.matrix.BuildRouter;
import io.github.dl4jtransfer.matrix.CellExecutor;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.matrix.InProcessExecutor;
import io.github.dl4jtransfer.matrix.PlanFiles;
import io.github.dl4jtransfer.matrix.WorkerPool;
import io.github.dl4jtransfer.matrix.spark.SparkDriverProcess;
import io.github.dl4jtransfer.matrix.spark.SparkRuntime;
import io.github.dl4jtransfer.matrix.WorkerMemory;
import io.github.dl4jtransfer.matrix.spark.SparkSettings;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.repository.RemoteRepository;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where and how cells run: a forked worker JVM (one reused worker by default; a crash or out-of-memory kill fails
 * the cell it was running and the next cell gets a fresh worker) on the CPU or CUDA backend, or inside Maven.
 */
public abstract class AbstractWorkerMojo extends AbstractReportingMojo {

    /**
     * {@code local} (this machine, default) or {@code spark}: the cells go to the Spark master in {@code <spark>}, one
     * task per backbone × dataset, each forking the worker JVM described below on its executor (docs/scale-out.md).
     */
    @Parameter(property = "transfer.executor", defaultValue = "local")
    private Executor executor = Executor.local;

    /** For {@code <executor>spark</executor>}: {@code <master>} and {@code <conf>} (Spark settings by name). */
    @Parameter
    private SparkElement spark;

    /** The Spark master URL ({@code local[2]}, {@code spark://host:7077}); wins over {@code <spark><master>}. */
    @Parameter(property = "transfer.spark.master")
    private String sparkMaster;

    /** Ship the models with the Spark job; wins over {@code <spark><shipModels>}. */
    @Parameter(property = "transfer.spark.shipModels")
    private Boolean shipModels;

    /** Ship the worker's jars with the Spark job; wins over {@code <spark><shipJars>}. */
    @Parameter(property = "transfer.spark.shipJars")
    private Boolean shipJars;

    /**
     * ND4J backend of the worker JVM: {@code cpu} (nd4j-native) or {@code cuda} (nd4j-cuda-11.6; CUDA 11.6, cuDNN 8,
     * compute capability 3.7 to 8.x: DL4J 1.0.0-M2.1 ships kernels up to sm_86 and no PTX, so an H100 or H200 will not
     * run it). With {@code cuda} every visible GPU is checked before any cell runs ({@link GpuCheck}).
     */
    @Parameter(property = "transfer.backend", defaultValue = "cpu")
    private Backend backend = Backend.cpu;

    /** Classifier of the nd4j-cuda-11.6 natives for {@code <backend>cuda</backend>}: {@code linux-x86_64-cudnn} or {@code linux-x86_64}. */
    @Parameter(property = "transfer.cudaClassifier", defaultValue = "linux-x86_64-cudnn")
    private String cudaClassifier;

    /**
     * The libnd4j build a CPU worker runs: {@code auto} (default: per cell, the faster build measured on this CPU, read
     * from {@code /proc/cpuinfo}: {@code onednn-avx2} where the CPU has AVX2 and FMA for cells whose backbone only runs
     * forward under a linear or kNN head and, when the workers run jemalloc ({@code <allocator>}), for training cells of
     * convolutional backbones; {@code plain} for the other cells that train inside a graph; each kind of worker after
     * the one before), or one of
     * {@code plain}, {@code avx2}, {@code avx512}, {@code onednn}, {@code onednn-avx2}, {@code onednn-avx512}. Its
     * nd4j-native jar (≈ 380 MB) is resolved from the project's repositories on first use; each worker checks the
     * build against its own CPU before loading it and falls back to {@code plain}, saying why. The embedded default's
     * tiny backbones run {@code plain} unless this is set (measured faster there than two kinds of worker).
     */
    @Parameter(property = NativeBuild.PROPERTY)
    private String nativeBuild;

    /**
     * The C allocator under the workers' native arrays: {@code auto} (default: jemalloc, preloaded into each worker of
     * a oneDNN build, where the machine has {@code libjemalloc.so.2} — Debian/Ubuntu package {@code libjemalloc2};
     * glibc's malloc otherwise and on the plain build), {@code system} (glibc's), or the path of a jemalloc library
     * (every worker). Under jemalloc a frozen ViT-B cell holds
     * a quarter of the memory on the oneDNN build, and {@code <nativeBuild>auto} trains convolutional backbones on
     * oneDNN too (docs/performance.md, "The allocator"). Each worker's provenance names the allocator it ran.
     */
    @Parameter(property = NativeAllocator.PROPERTY)
    private String allocator;

    /** Extra worker JVM arguments (appended after the heap/off-heap settings, so they win). */
    @Parameter
    private List<String> jvmArgs;

    /** Worker JVM heap ({@code -Xmx}). */
    @Parameter(property = "transfer.maxHeap", defaultValue = "2g")
    private String maxHeap = "2g";

    /** Worker off-heap limit for ND4J arrays ({@code -Dorg.bytedeco.javacpp.maxbytes}). */
    @Parameter(property = "transfer.maxOffHeap", defaultValue = "8G")
    private String maxOffHeap = "8G";

    /** Extra environment variables for the worker (OMP_NUM_THREADS, CUDA_VISIBLE_DEVICES…). */
    @Parameter
    private Map<String, String> environmentVariables;

    /** The java binary for workers (default: the one running Maven). */
    @Parameter(property = "transfer.jvm")
    private File jvm;

    /** The {@code nvidia-smi} that {@code <backend>cuda</backend>} reads the GPUs' compute capability with (a path, or a name on PATH). */
    @Parameter(property = GpuCheck.PROPERTY, defaultValue = GpuCheck.DEFAULT_NVIDIA_SMI)
    private String nvidiaSmi = GpuCheck.DEFAULT_NVIDIA_SMI;

    /** Run cells in a forked worker JVM; false runs them inside Maven (a native crash then ends the build). */
    @Parameter(property = "transfer.fork", defaultValue = "true")
    private boolean fork = true;

    /** Run cell after cell in the same worker (a new one after a crash); false starts a JVM per cell. */
    @Parameter(property = "transfer.reuseWorkers", defaultValue = "true")
    private boolean reuseWorkers = true;

    /**
     * Worker JVMs running (backbone, dataset) groups side by side on this machine, each with cores / workers threads
     * ({@code OMP_NUM_THREADS}, unless {@code <environmentVariables>} sets it). Default 1 (every core to one worker:
     * what full-size backbones want); the embedded default uses one per core (its tiny backbones run as fast on one
     * thread). Each worker has its own {@code <maxHeap>}/{@code <maxOffHeap>}.
     */
    @Parameter(property = "transfer.workers")
    private Integer workers;

    /** A cell running longer is killed and recorded as failed; 0 = no limit. */
    @Parameter(property = "transfer.cellTimeoutMinutes", defaultValue = "0")
    private long cellTimeoutMinutes;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    private PluginDescriptor plugin;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
    private RepositorySystemSession repoSession;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    private List<RemoteRepository> remoteRepositories;

    @Component
    private RepositorySystem repoSystem;

    /** Runs every cell of {@code plan} on the executor these settings describe, and stops its worker after. */
    protected List<CellResult> runCells(BenchmarkPlan plan) throws MojoFailureException {
        if (executor == Executor.spark) return runOnSpark(plan);
        CellExecutor executor = executor(plan);
        try {
            return new BenchmarkRunner(executor, line -> getLog().info(line)).run(plan);
        } finally {
            if (executor instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    getLog().warn("could not stop the worker JVM: " + e.getMessage());
                }
            }
        }
    }

    /**
     * {@code <executor>spark</executor>}: the Spark driver runs in a JVM of its own ({@link SparkDriverProcess}), with
     * Spark resolved on demand and Spark's Java 17 options, so that Maven's JVM never loads Spark; it commits the
     * results, this goal reads them.
     */
    private List<CellResult> runOnSpark(BenchmarkPlan plan) throws MojoFailureException {
        ConfigException.require(workers == null, "<workers>", "applies to <executor>local</executor>",
                "on Spark each task runs one worker; give executors more cores or more executors (spark.executor.cores)");
        ConfigException.require(fork, "<fork>false</fork>", "cannot run with <executor>spark</executor>",
                "Spark tasks always fork a worker JVM on their executor; drop <fork>");
        SparkSettings settings = sparkSettings();
        ForkedExecutor worker = workerFor(plan);
        String driverClasspath = WorkerClasspath.sparkDriver(plugin.getArtifacts(), repoSystem, repoSession, remoteRepositories);
        getLog().info("Spark driver JVM: " + SparkRuntime.coordinates() + ", master " + settings.master());
        return new SparkDriverProcess(java(), driverClasspath, settings, worker).run(plan, line -> getLog().info(line));
    }

    /**
     * The {@code spark-submit} command for a plan written to {@code planFile}: this plugin's copy of the library as the
     * application jar, the worker's other jars as {@code --jars}, the {@code <spark>} settings, the worker settings.
     */
    protected String sparkSubmitCommand(Path planFile) throws MojoFailureException {
        String app = null;
        List<String> jars = new ArrayList<>();
        for (var a : plugin.getArtifacts()) {
            if (a.getFile() == null || !"jar".equals(a.getType())) continue;
            if (a.getArtifactId().equals("dl4j-transfer")) app = a.getFile().getAbsolutePath();
            else jars.add(a.getFile().getAbsolutePath());
        }
        SparkSettings settings = sparkMaster == null && (spark == null || spark.getMaster() == null)
                ? new SparkSettings("spark://MASTER:7077", null, spark == null ? null : spark.getConf()) : sparkSettings();
        return SparkDriverProcess.shellLine(new SparkDriverProcess(java(), "", settings, workerFor(PlanFiles.read(planFile))).submitCommand(app, jars, planFile));
    }

    /** Workers when {@code <workers>} is not set: 1; a goal that knows its cells are small may say more. */
    protected int defaultWorkers() {
        return 1;
    }

    private CellExecutor executor(BenchmarkPlan plan) throws MojoFailureException {
        ConfigException.require(workers == null || workers >= 1, "<workers>", workers + " must be >= 1",
                "the number of worker JVMs side by side, e.g. 2 on a 2-core machine for small backbones");
        if (!fork) {
            ConfigException.require(workers == null || workers == 1, "<workers>", workers + " needs <fork>true</fork>",
                    "workers are forked JVMs; drop <fork>false</fork> or <workers>");
            ConfigException.require(backend == Backend.cpu, "<backend>cuda</backend>", "needs <fork>true</fork>",
                    "the CUDA backend is put on the forked worker's classpath; inside Maven only the plugin's CPU backend is loaded");
            ConfigException.require(isAuto() || NativeBuild.named(nativeBuild()) == NativeBuild.PLAIN,
                    "<nativeBuild>" + nativeBuild() + "</nativeBuild>", "needs <fork>true</fork>",
                    "inside Maven the plugin's own plain build is loaded; drop <fork>false</fork> or <nativeBuild>");
            getLog().warn("<fork>false</fork>: cells run inside Maven's JVM (plain libnd4j build); a native crash ends the whole build");
            return new InProcessExecutor();
        }
        int n = workers != null ? workers : defaultWorkers();
        if (backend == Backend.cuda) return pool(worker((NativeBuild) null), n);
        // <nativeBuild>auto may give cells that train inside a graph another build than the rest (BuildRoute);
        // one pool per build, in the order BuildRoute gives (forward-only cells first)
        Map<String, NativeBuild> byCell = new LinkedHashMap<>();
        Map<NativeBuild, WorkerPool> pools = new LinkedHashMap<>();
        boolean jemalloc = NativeAllocator.resolveHere(allocator).isPresent();
        for (Map.Entry<String, NativeBuild> e : BuildRoute.buildsHere(plan, nativeBuild(), jemalloc).entrySet()) {
            NativeBuild b = cpuBuild(e.getValue());
            byCell.put(e.getKey(), b);
            if (!pools.containsKey(b)) pools.put(b, pool(worker(b), n));
        }
        if (pools.size() == 1) return pools.values().iterator().next();
        getLog().info("<nativeBuild>auto: " + pools.keySet().stream().map(b -> b.classifier() + " for " + byCell.entrySet().stream()
                        .filter(e -> e.getValue() == b).map(Map.Entry::getKey).sorted().toList()).toList()
                + " (model|scenario; the faster build for each, measured: docs/performance.md); each kind starts when the one before is done");
        return new BuildRouter(pools, key -> byCell.get(BuildRoute.kind(key)));
    }

    private WorkerPool pool(ForkedExecutor worker, int n) {
        WorkerPool pool = WorkerPool.of(worker, n, Runtime.getRuntime().availableProcessors());
        if (n > 1) getLog().info(n + " workers side by side, " + pool.environments().get(0).get(WorkerPool.THREADS_VARIABLE)
                + " thread(s) each (" + WorkerPool.THREADS_VARIABLE + "); <workers> / -Dtransfer.workers changes it");
        return pool;
    }

    /** {@code build}, or the plain build where its jar cannot be resolved under {@code auto} (then said once, as a warning). */
    private NativeBuild cpuBuild(NativeBuild build) throws MojoFailureException {
        if (build == NativeBuild.PLAIN) return build;
        if (!resolvedBuilds.containsKey(build)) resolvedBuilds.put(build, cpuClasspath(build));
        return resolvedBuilds.get(build) != null ? build : NativeBuild.PLAIN;
    }

    /** Worker classpaths by build, resolved once per goal (null: could not be resolved under auto). */
    private final Map<NativeBuild, String> resolvedBuilds = new HashMap<>();

    /**
     * The Spark path's one worker kind for the whole plan: a graph trains anywhere in it, or none does. The executors'
     * machines need not have jemalloc, so {@code auto} does not count on it there.
     */
    private ForkedExecutor workerFor(BenchmarkPlan plan) throws MojoFailureException {
        return worker(backend == Backend.cuda ? null : cpuBuild(NativeBuild.resolveHere(nativeBuild(), BuildRoute.anyTrainsInGraph(plan), false)));
    }

    /** The forked worker JVM these settings describe (CUDA, or the CPU with libnd4j {@code build}: classpath, heap, environment). */
    private ForkedExecutor worker(NativeBuild build) throws MojoFailureException {
        ConfigException.require(jvm == null || jvm.canExecute(), "<jvm>", jvm + " is not an executable java binary", "point it at a JDK's bin/java");
        ConfigException.require(cellTimeoutMinutes >= 0, "<cellTimeoutMinutes>", cellTimeoutMinutes + " must be >= 0", "0 means no limit");
        List<String> args = new ArrayList<>(new WorkerMemory(maxHeap, maxOffHeap).jvmArgs());
        if (backend == Backend.cuda) {
            // Before resolving hundreds of MB of CUDA natives and before any cell: a GPU without kernels fails here.
            // On Spark the GPUs are the executors': each worker checks its own there, before its first cell.
            if (executor == Executor.local) {
                getLog().info(new GpuCheck(nvidiaSmi).check(GpuCheck.workerEnvironment(environmentVariables)).summary());
            }
            args.add("-D" + GpuCheck.WORKER_BACKEND_PROPERTY + "=cuda");
            args.add("-D" + GpuCheck.PROPERTY + "=" + nvidiaSmi);
        }
        String classpath;
        String libnd4j = "";
        if (backend == Backend.cuda) {
            classpath = WorkerClasspath.cuda(plugin.getArtifacts(), cudaClassifier, repoSystem, repoSession, remoteRepositories);
        } else {
            classpath = build == NativeBuild.PLAIN ? WorkerClasspath.cpu(plugin.getArtifacts()) : resolvedBuilds.get(build);
            args.add("-D" + NativeBuild.PROPERTY + "=" + build.setting());
            libnd4j = ", libnd4j " + build.classifier();
        }
        String workerAllocator = NativeAllocator.forWorker(allocator, build);
        String alloc = NativeAllocator.resolveHere(workerAllocator).map(p -> "jemalloc " + p).orElse("glibc malloc");
        args.add("-D" + NativeAllocator.PROPERTY + "=" + workerAllocator);
        if (jvmArgs != null) for (String a : jvmArgs) if (a != null && !a.isBlank()) args.add(a.trim());
        getLog().info("Worker JVM: " + backend + " backend" + libnd4j + ", " + alloc + ", " + String.join(" ", args)
                + (reuseWorkers ? " (reused across cells)" : " (one per cell)"));
        return new ForkedExecutor(java(), classpath, args, environmentVariables, cellTimeoutMinutes, reuseWorkers);
    }

    /**
     * The CPU worker's classpath with {@code build}'s jar; null where that jar cannot be resolved under {@code auto}
     * (offline, say): the plain build runs then, with a warning. A build named in the POM must resolve.
     */
    private String cpuClasspath(NativeBuild build) throws MojoFailureException {
        if (build != NativeBuild.PLAIN && repoSystem == null) {
            getLog().warn("<nativeBuild>: no repository system to resolve " + build.classifier() + " from (not run by Maven); the plain build runs");
            return null;
        }
        try {
            return WorkerClasspath.cpu(plugin.getArtifacts(), build, repoSystem, repoSession, remoteRepositories);
        } catch (MojoFailureException e) {
            if (!isAuto()) throw e;
            getLog().warn(e.getMessage() + " Running the plain build instead.");
            return null;
        }
    }

    private boolean isAuto() {
        return NativeBuild.isAuto(nativeBuild());
    }

    /** {@code <nativeBuild>} as configured, else this goal's default. */
    private String nativeBuild() {
        return nativeBuild != null ? nativeBuild : defaultNativeBuild();
    }

    /** The libnd4j build when {@code <nativeBuild>} is not set: {@code auto}; a goal that knows its cells may say otherwise. */
    protected String defaultNativeBuild() {
        return NativeBuild.AUTO;
    }

    private String java() {
        return jvm != null ? jvm.getAbsolutePath() : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code <spark>} and {@code -Dtransfer.spark.master} as the library's settings. */
    SparkSettings sparkSettings() {
        String master = sparkMaster != null && !sparkMaster.isBlank() ? sparkMaster : spark == null ? null : spark.getMaster();
        ConfigException.require(master != null && !master.isBlank(), "<spark><master>", "is not set for <executor>spark</executor>",
                "give the master URL: <spark><master>spark://host:7077</master></spark>, local[4] for this machine, "
                        + "or -Dtransfer.spark.master=...");
        boolean ship = shipModels != null ? shipModels : spark != null && spark.isShipModels();
        boolean jars = shipJars != null ? shipJars : spark != null && spark.isShipJars();
        return new SparkSettings(master, spark == null ? null : spark.getAppName(), spark == null ? null : spark.getConf(), ship, jars);
    }

    public void setBackend(Backend backend) { this.backend = backend; }
    public void setNativeBuild(String nativeBuild) { this.nativeBuild = nativeBuild; }

    public void setAllocator(String allocator) { this.allocator = allocator; }
    public void setExecutor(Executor executor) { this.executor = executor; }
    public void setSpark(SparkElement spark) { this.spark = spark; }
    public void setSparkMaster(String sparkMaster) { this.sparkMaster = sparkMaster; }
    public void setFork(boolean fork) { this.fork = fork; }
    public void setWorkers(Integer workers) { this.workers = workers; }
    public void setMaxHeap(String maxHeap) { this.maxHeap = maxHeap; }
    public void setMaxOffHeap(String maxOffHeap) { this.maxOffHeap = maxOffHeap; }
    public void setCellTimeoutMinutes(long minutes) { this.cellTimeoutMinutes = minutes; }
    public void setNvidiaSmi(String nvidiaSmi) { this.nvidiaSmi = nvidiaSmi; }
    public void setEnvironmentVariables(Map<String, String> environmentVariables) { this.environmentVariables = environmentVariables; }
}
