package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.BenchmarkRunner;
import io.github.dl4jtransfer.matrix.CellExecutor;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.DatasetSpec;
import io.github.dl4jtransfer.matrix.ForkedExecutor;
import io.github.dl4jtransfer.matrix.InProcessExecutor;
import io.github.dl4jtransfer.matrix.TrainingOverride;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.Datasets;
import io.github.dl4jtransfer.data.UncertaintyPolicy;
import io.github.dl4jtransfer.model.Sidecar;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.repository.RemoteRepository;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs a benchmark matrix — models × datasets × scenarios × seeds — and writes one JSON result per cell
 * plus the report into {@code outputDirectory}. Reruns resume: finished cells are skipped unless
 * {@code -Dtransfer.force}; a failed cell is recorded with its error and the others go on.
 * <p>
 * With nothing configured it runs the <b>embedded default</b>: the tiny random-weight fixtures of the study's
 * eight backbone families × the four synthetic synthmed tasks × the four scenarios, one seed, one epoch.
 * An axis left empty ({@code <models>}, {@code <datasets>}, {@code <scenarios>}, {@code <seeds>}) takes the
 * embedded default's (set {@code <useEmbeddedDefault>false</useEmbeddedDefault>} to require them).
 * <p>
 * Cells run in a forked worker JVM (one reused worker by default; a crash or out-of-memory kill fails the cell
 * it was running and the next cell gets a fresh worker). {@code <backend>cuda</backend>} puts
 * {@code org.nd4j:nd4j-cuda-11.6} on the worker's classpath instead of nd4j-native: it needs CUDA 11.6 and
 * cuDNN 8.x installed, Linux x86_64, and a GPU of compute capability ≤ 8.6 (Kepler…Ampere; DL4J 1.0.0-M2.1 ships
 * no Hopper/Ada kernels, so an H100 or RTX 40xx will not run it).
 * <pre>mvn transfer:benchmark -Dtransfer.models=dinov2-vitb14 -Dtransfer.scenarios=frozen-linear</pre>
 */
@Mojo(name = "benchmark", requiresProject = false, threadSafe = false)
public class BenchmarkMojo extends AbstractMojo {

    /** Backbones: {@code <model><name>…</name><onnx>…/model.onnx</onnx></model>}. Empty: the eight embedded tiny fixtures. */
    @Parameter
    private List<Model> models;

    /** Datasets: {@code <dataset><name>…</name><format>…</format><path>…</path></dataset>}. Empty: the four synthmed tasks. */
    @Parameter
    private List<Dataset> datasets;

    /** Scenarios ({@code frozen-linear}, {@code unfrozen-linear}, {@code frozen-deit}, {@code unfrozen-deit}, {@code last<k>-linear|deit}). Empty: the four study scenarios. */
    @Parameter
    private List<String> scenarios;

    /** Training seeds, one cell per seed. Empty: {@code 1}. */
    @Parameter
    private List<Long> seeds;

    /** Per-model, -dataset or -scenario training settings: {@code <override><scenario>unfrozen-linear</scenario><learningRate>1e-5</learningRate></override>}. */
    @Parameter
    private List<TrainingOverrideConfig> overrides;

    /** Maximum epochs per cell (default 100, the study's; 1 for the embedded default). */
    @Parameter(property = "transfer.epochs")
    private Integer epochs;

    /** AdamW peak learning rate (default 1e-4; 1e-3 for the embedded default). */
    @Parameter(property = "transfer.learningRate")
    private Double learningRate;

    /** Batch size (default 64). */
    @Parameter(property = "transfer.batchSize")
    private Integer batchSize;

    /** AdamW weight decay (default 1e-5). */
    @Parameter(property = "transfer.weightDecay")
    private Double weightDecay;

    /** Linear warm-up epochs (default 5, capped at 1000 iterations; 0 for the embedded default). */
    @Parameter(property = "transfer.warmupEpochs")
    private Integer warmupEpochs;

    /** Early stopping after this many epochs without validation improvement; 0 = off (default). */
    @Parameter(property = "transfer.patience")
    private Integer patience;

    /**
     * Gradient accumulation: each batch's gradient computed in slices of this many images, one optimiser step
     * per batch (the update of {@code <batchSize>} at the activation memory of a slice); 0 = off (default).
     */
    @Parameter(property = "transfer.microBatchSize")
    private Integer microBatchSize;

    /** The DeiT classifier export ({@code tools/export/export.py --family deit-tail}); required for *-deit scenarios with your own models. */
    @Parameter(property = "transfer.deitTail")
    private File deitTail;

    /** Where cell results, split manifests, the plan and the report go. */
    @Parameter(property = "transfer.outputDirectory", defaultValue = "${project.build.directory}/transfer-benchmark")
    private File outputDirectory;

    /** Frozen-backbone feature cache, shared by cells and reruns (default: {@code outputDirectory/feature-cache}). */
    @Parameter(property = "transfer.cacheDirectory")
    private File cacheDirectory;

    /** Run frozen backbones once per image and train frozen-linear cells on cached features. */
    @Parameter(property = "transfer.featureCache", defaultValue = "true")
    private boolean featureCache;

    /** Frozen-linear cells train one head per learning rate on the cached features and keep the best on validation. */
    @Parameter
    private List<Double> learningRateGrid;

    /** ND4J backend of the worker JVM: {@code cpu} (nd4j-native) or {@code cuda} (nd4j-cuda-11.6; CUDA 11.6, cuDNN 8, compute capability ≤ 8.6). */
    @Parameter(property = "transfer.backend", defaultValue = "cpu")
    private String backend;

    /** Classifier of the nd4j-cuda-11.6 natives for {@code <backend>cuda</backend>}: {@code linux-x86_64-cudnn} or {@code linux-x86_64}. */
    @Parameter(property = "transfer.cudaClassifier", defaultValue = "linux-x86_64-cudnn")
    private String cudaClassifier;

    /** Extra worker JVM arguments (appended after the heap/off-heap settings, so they win). */
    @Parameter
    private List<String> jvmArgs;

    /** Worker JVM heap ({@code -Xmx}). */
    @Parameter(property = "transfer.maxHeap", defaultValue = "2g")
    private String maxHeap;

    /** Worker off-heap limit for ND4J arrays ({@code -Dorg.bytedeco.javacpp.maxbytes}). */
    @Parameter(property = "transfer.maxOffHeap", defaultValue = "8G")
    private String maxOffHeap;

    /** Extra environment variables for the worker (OMP_NUM_THREADS, CUDA_VISIBLE_DEVICES…). */
    @Parameter
    private Map<String, String> environmentVariables;

    /** The java binary for workers (default: the one running Maven). */
    @Parameter(property = "transfer.jvm")
    private File jvm;

    /** Run cells in a forked worker JVM; false runs them inside Maven (a native crash then ends the build). */
    @Parameter(property = "transfer.fork", defaultValue = "true")
    private boolean fork;

    /** Run cell after cell in the same worker (a new one after a crash); false starts a JVM per cell. */
    @Parameter(property = "transfer.reuseWorkers", defaultValue = "true")
    private boolean reuseWorkers;

    /** A cell running longer is killed and recorded as failed; 0 = no limit. */
    @Parameter(property = "transfer.cellTimeoutMinutes", defaultValue = "0")
    private long cellTimeoutMinutes;

    /** Fill axes left empty (models, datasets, DeiT tail) with the embedded tiny fixtures and synthmed tasks. */
    @Parameter(property = "transfer.useEmbeddedDefault", defaultValue = "true")
    private boolean useEmbeddedDefault;

    /** Where the embedded fixtures are extracted and synthmed is generated. */
    @Parameter(property = "transfer.embeddedDirectory", defaultValue = "${project.build.directory}/transfer-embedded")
    private File embeddedDirectory;

    /** Only these models (comma-separated names). */
    @Parameter(property = "transfer.models")
    private String modelFilter;

    /** Only these datasets (comma-separated names). */
    @Parameter(property = "transfer.datasets")
    private String datasetFilter;

    /** Only these scenarios (comma-separated names). */
    @Parameter(property = "transfer.scenarios")
    private String scenarioFilter;

    /** Skip the goal. */
    /** The relative-gain chart's reference, as model:scenario (e.g. deit-b16:frozen-linear); default: the report's rule. */
    @Parameter(property = "transfer.baseline")
    private String baseline;

    @Parameter(property = "transfer.skip", defaultValue = "false")
    private boolean skip;

    /** Re-run cells whose result already exists. */
    @Parameter(property = "transfer.force", defaultValue = "false")
    private boolean force;

    /** Fail the build (after the report is written) when a cell failed. */
    @Parameter(property = "transfer.failOnCellFailure", defaultValue = "true")
    private boolean failOnCellFailure;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    private PluginDescriptor plugin;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
    private RepositorySystemSession repoSession;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    private List<RemoteRepository> remoteRepositories;

    @Component
    private RepositorySystem repoSystem;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("transfer:benchmark skipped (transfer.skip)");
            return;
        }
        BenchmarkPlan plan = plan();
        Set<String> onlyModels = list(modelFilter), onlyDatasets = list(datasetFilter), onlyScenarios = list(scenarioFilter);
        try {
            plan = plan.filter(onlyModels, onlyDatasets, onlyScenarios);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("-Dtransfer.models / -Dtransfer.datasets / -Dtransfer.scenarios: " + e.getMessage(), e);
        }
        int cells = plan.cells().size();
        getLog().info("Benchmark: " + plan.models().size() + " models × " + plan.datasets().size() + " datasets × "
                + plan.scenarios().size() + " scenarios × " + plan.seeds().size() + " seeds = " + cells + " cells → " + plan.outputDir());
        CellExecutor executor = executor();
        List<CellResult> results;
        try {
            results = new BenchmarkRunner(executor, line -> getLog().info(line)).run(plan);
        } finally {
            if (executor instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    getLog().warn("could not stop the worker JVM: " + e.getMessage());
                }
            }
        }
        Reporting.write(results, plan.outputDir(), baseline, getLog());
        List<CellResult> failed = results.stream().filter(r -> !r.isDone()).toList();
        if (!failed.isEmpty()) {
            StringBuilder sb = new StringBuilder(failed.size() + " of " + results.size() + " cells failed (their errors are in "
                    + plan.cellsDir() + "; a rerun retries only them):");
            for (CellResult r : failed) {
                String first = r.error() == null ? "" : r.error().lines().findFirst().orElse("");
                sb.append("\n  ").append(r.key().describe()).append(": ").append(first);
            }
            if (failOnCellFailure) throw new MojoFailureException(sb.toString());
            getLog().warn(sb.toString());
        }
    }

    /** The POM configuration translated into the library's plan; invalid configuration names its element. */
    BenchmarkPlan plan() throws MojoFailureException {
        Path out = outputDirectory.toPath().toAbsolutePath().normalize();
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(out);
        boolean embeddedModels = isEmpty(models);
        boolean embeddedDatasets = isEmpty(datasets);
        if (!useEmbeddedDefault && (embeddedModels || embeddedDatasets)) {
            throw new MojoFailureException((embeddedModels ? "<models>" : "<datasets>") + " is empty and <useEmbeddedDefault> is false: "
                    + "add <models><model><name>…</name><onnx>…/model.onnx</onnx></model></models> and "
                    + "<datasets><dataset><name>…</name><format>…</format><path>…</path></dataset></datasets>, or drop <useEmbeddedDefault>");
        }
        List<String> scen = isEmpty(scenarios) ? EmbeddedDefault.SCENARIOS : scenarios;
        Set<String> scenarioNames = new LinkedHashSet<>();
        boolean needsTail = false;
        for (String s : scen) {
            Scenario parsed;
            try {
                parsed = Scenario.parse(s == null ? "" : s);
            } catch (IllegalArgumentException e) {
                throw new MojoFailureException("<scenarios><scenario>: " + e.getMessage(), e);
            }
            if (!scenarioNames.add(parsed.name())) throw new MojoFailureException("<scenarios><scenario>: '" + s + "' appears twice");
            needsTail |= parsed.head() == HeadKind.DEIT;
            b.addScenario(parsed.name());
        }
        Path embedded = embeddedDirectory.toPath().toAbsolutePath().normalize();
        Set<String> modelNames = new LinkedHashSet<>();
        if (embeddedModels) {
            getLog().info("No <models> configured: using the embedded tiny fixtures of the eight study backbones (random weights; "
                    + "point <models> at real exports for real numbers)");
            EmbeddedDefault.models(embedded.resolve("models")).forEach((name, onnx) -> {
                b.addModel(name, onnx);
                modelNames.add(name);
            });
        } else {
            for (int i = 0; i < models.size(); i++) {
                Model m = models.get(i);
                String where = "<models><model> #" + (i + 1);
                if (m == null || blank(m.getName())) throw new MojoFailureException(where + ": <name> is missing; give each model a short unique name, e.g. <name>dinov2-vitb14</name>");
                where = "<models><model> '" + m.getName() + "'";
                if (m.getOnnx() == null) throw new MojoFailureException(where + ": <onnx> is missing; point it at the model.onnx written by tools/export/export.py");
                Path onnx = m.getOnnx().toPath().toAbsolutePath().normalize();
                if (!Files.isRegularFile(onnx)) {
                    throw new MojoFailureException("<models><model><onnx>: " + onnx + " does not exist (model '" + m.getName()
                            + "'); export it with tools/export/export.py");
                }
                Path sidecar = Sidecar.besides(onnx);
                if (!Files.isRegularFile(sidecar)) {
                    throw new MojoFailureException("<models><model><onnx>: no sidecar " + sidecar + " next to " + onnx + " (model '"
                            + m.getName() + "'); tools/export/export.py writes both files, keep them together");
                }
                if (!modelNames.add(m.getName())) throw new MojoFailureException("<models><model><name>: '" + m.getName() + "' appears twice; names must be unique");
                b.addModel(m.getName(), onnx);
            }
        }
        Set<String> datasetNames = new LinkedHashSet<>();
        if (embeddedDatasets) {
            getLog().info("No <datasets> configured: using the four synthetic synthmed tasks (generated under " + embedded.resolve("synthmed") + ")");
            for (DatasetSpec d : EmbeddedDefault.datasets(embedded.resolve("synthmed"))) {
                b.addDataset(d);
                datasetNames.add(d.name());
            }
        } else {
            for (int i = 0; i < datasets.size(); i++) {
                DatasetSpec d = dataset(datasets.get(i), i);
                if (!datasetNames.add(d.name())) throw new MojoFailureException("<datasets><dataset><name>: '" + d.name() + "' appears twice; names must be unique");
                b.addDataset(d);
            }
        }
        if (deitTail != null) {
            Path tail = deitTail.toPath().toAbsolutePath().normalize();
            if (!Files.isRegularFile(tail)) {
                throw new MojoFailureException("<deitTail>: " + tail + " does not exist; export it with tools/export/export.py --family deit-tail");
            }
            b.optDeitTail(tail);
        } else if (needsTail) {
            if (!embeddedModels) {
                throw new MojoFailureException("<deitTail> is required for the *-deit scenarios " + scenarioNames.stream().filter(x -> x.endsWith("deit")).toList()
                        + ": set it to the model.onnx written by tools/export/export.py --family deit-tail, or drop those scenarios");
            }
            b.optDeitTail(EmbeddedDefault.deitTail(embedded.resolve("models")));
        }
        Set<Long> seedSet = new HashSet<>();
        for (Long s : isEmpty(seeds) ? List.of(1L) : seeds) {
            if (s == null) throw new MojoFailureException("<seeds><seed>: empty seed; write a whole number, e.g. <seed>1</seed>");
            if (!seedSet.add(s)) throw new MojoFailureException("<seeds><seed>: " + s + " appears twice");
            b.addSeed(s);
        }
        b.optTrainer(trainer(embeddedModels));
        if (embeddedModels && epochs == null && isEmpty(overrides) && scenarioNames.contains("frozen-linear")) {
            // Frozen-linear cells train a linear head on cached features, which costs milliseconds per epoch:
            // give them enough epochs to converge, so the embedded report's baseline row means something.
            b.addOverride(new TrainingOverride("scenario", "frozen-linear", EmbeddedDefault.FROZEN_LINEAR_EPOCHS, null, null, null, null, null, null));
            if (learningRateGrid == null || learningRateGrid.isEmpty()) b.optLearningRateGrid(EmbeddedDefault.FROZEN_LINEAR_GRID);
        }
        if (overrides != null) {
            for (int i = 0; i < overrides.size(); i++) b.addOverride(override(overrides.get(i), i, modelNames, datasetNames, scenarioNames));
        }
        if (cacheDirectory != null) b.optCacheDir(cacheDirectory.toPath().toAbsolutePath().normalize());
        b.optFeatureCache(featureCache);
        if (learningRateGrid != null && !learningRateGrid.isEmpty()) {
            for (Double r : learningRateGrid) {
                if (r == null || !(r > 0)) throw new MojoFailureException("<learningRateGrid><learningRateGrid>: " + r + " is not a positive number");
            }
            b.optLearningRateGrid(learningRateGrid);
        }
        b.optForce(force);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("invalid benchmark configuration: " + e.getMessage(), e);
        }
    }

    private TrainerConfig trainer(boolean embedded) throws MojoFailureException {
        TrainerConfig.Builder t = TrainerConfig.builder();
        if (embedded) {
            t.optEpochs(EmbeddedDefault.EPOCHS).optBatchSize(EmbeddedDefault.BATCH_SIZE).optLearningRate(EmbeddedDefault.LEARNING_RATE)
                    .optWarmupEpochs(EmbeddedDefault.WARMUP_EPOCHS);
        }
        if (epochs != null) t.optEpochs(positive(epochs, "<epochs>"));
        if (learningRate != null) t.optLearningRate(positive(learningRate, "<learningRate>"));
        if (batchSize != null) t.optBatchSize(positive(batchSize, "<batchSize>"));
        if (weightDecay != null) t.optWeightDecay(nonNegative(weightDecay, "<weightDecay>"));
        if (warmupEpochs != null) t.optWarmupEpochs((int) nonNegative(warmupEpochs, "<warmupEpochs>"));
        if (patience != null) t.optPatience((int) nonNegative(patience, "<patience>"));
        if (microBatchSize != null) t.optMicroBatchSize((int) nonNegative(microBatchSize, "<microBatchSize>"));
        try {
            return t.build();
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("training settings: " + e.getMessage(), e);
        }
    }

    private DatasetSpec dataset(Dataset d, int i) throws MojoFailureException {
        String where = "<datasets><dataset> #" + (i + 1);
        if (d == null || blank(d.getName())) throw new MojoFailureException(where + ": <name> is missing; give each dataset a short unique name, e.g. <name>aptos</name>");
        where = "<datasets><dataset> '" + d.getName() + "'";
        List<String> formats = Datasets.formats();
        if (blank(d.getFormat()) || !formats.contains(d.getFormat().trim().toLowerCase(Locale.ROOT))) {
            throw new MojoFailureException("<datasets><dataset><format>: " + (blank(d.getFormat()) ? "missing" : "'" + d.getFormat() + "' is not a known format")
                    + " (dataset '" + d.getName() + "'); use one of " + formats);
        }
        if (d.getPath() == null) throw new MojoFailureException(where + ": <path> is missing; point it at the dataset root (docs/datasets.md lists each format's layout)");
        Path path = d.getPath().toPath().toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new MojoFailureException("<datasets><dataset><path>: " + path + " does not exist (dataset '" + d.getName()
                    + "'); point it at the dataset root (docs/datasets.md lists each format's layout)");
        }
        DatasetOptions.Builder o = DatasetOptions.builder().optSkipBadImages(d.isSkipBadImages()).optVerifyImages(d.isVerifyImages())
                .optBlankAsUncertain(d.isBlankAsUncertain()).optHashImageBytes(d.isHashImageBytes()).optTaskName(d.getTaskName());
        if (!blank(d.getUncertainty())) {
            try {
                o.optUncertainty(UncertaintyPolicy.valueOf(d.getUncertainty().trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new MojoFailureException("<datasets><dataset><uncertainty>: '" + d.getUncertainty() + "' (dataset '" + d.getName()
                        + "'); use one of " + Arrays.toString(UncertaintyPolicy.values()));
            }
        }
        if (!blank(d.getMetric())) o.optMetric(d.getMetric().trim());
        try {
            return new DatasetSpec(d.getName(), d.getFormat().trim().toLowerCase(Locale.ROOT), path, o.build());
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<datasets><dataset><metric>: " + e.getMessage() + " (dataset '" + d.getName() + "')", e);
        }
    }

    private static TrainingOverride override(TrainingOverrideConfig o, int i, Set<String> models, Set<String> datasets,
                                             Set<String> scenarios) throws MojoFailureException {
        String where = "<overrides><override> #" + (i + 1);
        if (o == null) throw new MojoFailureException(where + " is empty");
        int named = (blank(o.getModel()) ? 0 : 1) + (blank(o.getDataset()) ? 0 : 1) + (blank(o.getScenario()) ? 0 : 1);
        if (named != 1) {
            throw new MojoFailureException(where + ": name exactly one of <model>, <dataset> or <scenario> (the cells it applies to), "
                    + "e.g. <override><scenario>unfrozen-linear</scenario><learningRate>1e-5</learningRate></override>");
        }
        String axis, value;
        Set<String> known;
        if (!blank(o.getModel())) {
            axis = "model";
            value = o.getModel().trim();
            known = models;
        } else if (!blank(o.getDataset())) {
            axis = "dataset";
            value = o.getDataset().trim();
            known = datasets;
        } else {
            axis = "scenario";
            value = o.getScenario().trim().toLowerCase(Locale.ROOT);
            known = scenarios;
        }
        if (!known.contains(value)) {
            throw new MojoFailureException(where + " <" + axis + ">: '" + value + "' is not in the plan; known: " + known);
        }
        if (o.getEpochs() != null) positive(o.getEpochs(), where + " <epochs>");
        if (o.getLearningRate() != null) positive(o.getLearningRate(), where + " <learningRate>");
        if (o.getBatchSize() != null) positive(o.getBatchSize(), where + " <batchSize>");
        if (o.getWeightDecay() != null) nonNegative(o.getWeightDecay(), where + " <weightDecay>");
        if (o.getWarmupEpochs() != null) nonNegative(o.getWarmupEpochs(), where + " <warmupEpochs>");
        if (o.getPatience() != null) nonNegative(o.getPatience(), where + " <patience>");
        if (o.getMicroBatchSize() != null) nonNegative(o.getMicroBatchSize(), where + " <microBatchSize>");
        return new TrainingOverride(axis, value, o.getEpochs(), o.getLearningRate(), o.getBatchSize(), o.getWeightDecay(),
                o.getWarmupEpochs(), o.getPatience(), o.getMicroBatchSize());
    }

    private CellExecutor executor() throws MojoFailureException {
        String be = backend == null ? "cpu" : backend.trim().toLowerCase(Locale.ROOT);
        if (!be.equals("cpu") && !be.equals("cuda")) {
            throw new MojoFailureException("<backend>: '" + backend + "' is not a backend; use cpu (nd4j-native, default) or cuda (nd4j-cuda-11.6)");
        }
        if (!fork) {
            if (be.equals("cuda")) {
                throw new MojoFailureException("<backend>cuda</backend> needs <fork>true</fork>: the CUDA backend is put on the forked worker's "
                        + "classpath; inside Maven only the plugin's CPU backend is loaded");
            }
            getLog().warn("<fork>false</fork>: cells run inside Maven's JVM; a native crash ends the whole build");
            return new InProcessExecutor();
        }
        String classpath = be.equals("cuda")
                ? WorkerClasspath.cuda(plugin.getArtifacts(), cudaClassifier, repoSystem, repoSession, remoteRepositories)
                : WorkerClasspath.cpu(plugin.getArtifacts());
        String java = jvm != null ? jvm.getAbsolutePath() : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (jvm != null && !jvm.canExecute()) throw new MojoFailureException("<jvm>: " + jvm + " is not an executable java binary");
        List<String> args = new ArrayList<>();
        args.add("-Xmx" + maxHeap);
        args.add("-Dorg.bytedeco.javacpp.maxbytes=" + maxOffHeap);
        if (jvmArgs != null) for (String a : jvmArgs) if (!blank(a)) args.add(a.trim());
        if (cellTimeoutMinutes < 0) throw new MojoFailureException("<cellTimeoutMinutes>: " + cellTimeoutMinutes + " must be >= 0 (0 = no limit)");
        getLog().info("Worker JVM: " + be + " backend, " + String.join(" ", args) + (reuseWorkers ? " (reused across cells)" : " (one per cell)"));
        return new ForkedExecutor(java, classpath, args, environmentVariables, cellTimeoutMinutes, reuseWorkers);
    }

    private static Set<String> list(String csv) {
        if (csv == null || csv.isBlank()) return null;
        Set<String> out = new LinkedHashSet<>();
        for (String s : csv.split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    private static int positive(int v, String element) throws MojoFailureException {
        if (v < 1) throw new MojoFailureException(element + ": " + v + " must be at least 1");
        return v;
    }

    private static double positive(double v, String element) throws MojoFailureException {
        if (!(v > 0) || Double.isInfinite(v)) throw new MojoFailureException(element + ": " + v + " must be a positive number");
        return v;
    }

    private static double nonNegative(double v, String element) throws MojoFailureException {
        if (!(v >= 0) || Double.isInfinite(v)) throw new MojoFailureException(element + ": " + v + " must be >= 0");
        return v;
    }

    private static boolean isEmpty(List<?> l) {
        return l == null || l.isEmpty();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
