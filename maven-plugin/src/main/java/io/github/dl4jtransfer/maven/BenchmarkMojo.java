package io.github.dl4jtransfer.maven;

import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.config.RecordSettings;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.ProtocolSettings;
import io.github.dl4jtransfer.matrix.CellResult;
import io.github.dl4jtransfer.matrix.CellResults;
import io.github.dl4jtransfer.matrix.PlanFiles;
import io.github.dl4jtransfer.report.ReportOptions;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.TrainerConfig;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a benchmark matrix — models × datasets × scenarios × seeds — and writes one JSON result per cell plus the
 * report into {@code outputDirectory}. Reruns resume: finished cells are skipped unless {@code -Dtransfer.force}; a
 * failed cell is recorded with its error and the others go on.
 * <p>
 * With nothing configured it runs the <b>embedded default</b>, a demo in which every scenario learns: the tiny
 * random-weight fixtures of the study's eight backbone families × the four synthetic synthmed tasks × the four
 * scenarios and the kNN probe × two seeds × 10% and all of each training set. With the embedded backbones, an axis
 * left empty ({@code <datasets>}, {@code <scenarios>}, {@code <seeds>}, {@code <trainFractions>}) takes the
 * embedded default's.
 * <p>
 * This mojo only maps the POM onto {@code BenchmarkPlan.Builder}; the library checks everything and names the
 * element at fault. Training settings live in {@code <training>} and {@code <override>}, as defined by
 * {@code TrainerConfig}: every one is also a {@code -Dtransfer.<name>} property (which wins over the POM).
 * <pre>mvn transfer:benchmark -Dtransfer.models=dinov2-vitb14 -Dtransfer.scenarios=frozen-linear -Dtransfer.epochs=3</pre>
 */
@Mojo(name = "benchmark", requiresProject = false, threadSafe = false)
public class BenchmarkMojo extends AbstractWorkerMojo {

    /** Backbones: {@code <model><name>…</name><onnx>…/model.onnx</onnx></model>}. Empty: the eight embedded tiny fixtures. */
    @Parameter
    private List<ModelElement> models;

    /** Datasets: {@code <dataset><name>…</name><format>…</format><path>…</path></dataset>}. Empty: the four synthmed tasks. */
    @Parameter
    private List<DatasetElement> datasets;

    /** Scenarios ({@code frozen-linear}, {@code frozen-knn}, {@code unfrozen-linear}, {@code frozen-deit}, {@code unfrozen-deit}, {@code last<k>-linear|deit}). Empty: the four study scenarios and {@code frozen-knn}. */
    @Parameter
    private List<String> scenarios;

    /** Training seeds, one cell per seed. Empty: {@code 1} (the embedded default: 1 and 2). */
    @Parameter
    private List<Long> seeds;

    /**
     * The label-efficiency axis: fractions of each training set to train on ({@code <fraction>0.01</fraction>}…;
     * 1.0 is all of it), stratified and nested per seed. Empty (with no {@code <shots>}): the whole training set
     * (the embedded default: 0.1 and 1.0).
     */
    @Parameter(property = "transfer.trainFractions")
    private List<Double> trainFractions;

    /** The label-efficiency axis in images per class: {@code <shot>1</shot><shot>5</shot>}; nested per seed. */
    @Parameter(property = "transfer.shots")
    private List<Integer> shots;

    /** Training settings by name ({@code <epochs>}, {@code <learningRate>}…; docs/configuration.md lists them). Unset: the study's. */
    @Parameter
    private Map<String, String> training;

    /**
     * {@code study} (the study's code as it ran: its feature taps, splits, preprocessing, schedule, labels) or
     * {@code modern} (our recommendation); docs/scenarios.md tabulates both.
     */
    @Parameter(property = "transfer.protocol", defaultValue = "study")
    private String protocol = "study";

    /** Single choices of the protocol changed by name ({@code <splits>modern</splits>}…; docs/scenarios.md lists them). */
    @Parameter
    private Map<String, String> protocolSettings;

    /** Per-model, -dataset or -scenario training settings: {@code <override><scenario>unfrozen-linear</scenario><learningRate>1e-5</learningRate></override>}. */
    @Parameter
    private List<OverrideElement> overrides;

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
    private boolean featureCache = true;

    /** Frozen-linear cells train one head per learning rate on the cached features and keep the best on validation. */
    @Parameter
    private List<Double> learningRateGrid;

    /** Fill axes left empty (models, datasets, DeiT tail) with the embedded tiny fixtures and synthmed tasks. */
    @Parameter(property = "transfer.useEmbeddedDefault", defaultValue = "true")
    private boolean useEmbeddedDefault = true;

    /** Where the embedded fixtures are extracted and synthmed is generated. */
    @Parameter(property = "transfer.embeddedDirectory", defaultValue = "${project.build.directory}/transfer-embedded")
    private File embeddedDirectory;

    /** Only these models, datasets, scenarios (comma-separated names). */
    @Parameter(property = "transfer.models")
    private String modelFilter;
    @Parameter(property = "transfer.datasets")
    private String datasetFilter;
    @Parameter(property = "transfer.scenarios")
    private String scenarioFilter;



    /**
     * Resolve and check the plan, write it ({@code plan.json} in the output directory) with the {@code spark-submit}
     * command that runs it, and stop: no cell runs (docs/scale-out.md).
     */
    @Parameter(property = "transfer.planOnly", defaultValue = "false")
    private boolean planOnly;

    /** Re-run cells whose result already exists. */
    @Parameter(property = "transfer.force", defaultValue = "false")
    private boolean force;

    /** Fail the build (after the report is written) when a cell failed. */
    @Parameter(property = "transfer.failOnCellFailure", defaultValue = "true")
    private boolean failOnCellFailure = true;

    @Parameter(defaultValue = "${session}", readonly = true)
    private MavenSession session;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true)
    private MojoExecution execution;

    @Parameter(defaultValue = "${project}", readonly = true)
    private MavenProject project;

    /** Set by {@link #plan()}: the embedded tiny backbones are in the matrix. */
    private boolean embeddedModelsUsed;

    @Override
    protected String goal() {
        return "benchmark";
    }

    @Override
    protected int defaultWorkers() {
        return embeddedModelsUsed ? EmbeddedDefault.workers(Runtime.getRuntime().availableProcessors()) : 1;
    }

    @Override
    protected String defaultNativeBuild() {
        return embeddedModelsUsed ? EmbeddedDefault.NATIVE_BUILD : super.defaultNativeBuild();
    }

    @Override
    protected void run() throws MojoFailureException {
        BenchmarkPlan plan = plan().filterByNames(modelFilter, datasetFilter, scenarioFilter);
        ReportOptions report = reportOptions();
        report.requireIn(plan); // a baseline the run cannot produce fails now, not after every cell ran
        getLog().info("Benchmark: " + plan.models().size() + " models × " + plan.datasets().size() + " datasets × " + plan.scenarios().size()
                + " scenarios × " + plan.seeds().size() + " seeds"
                + (plan.trainSubsets().size() > 1 || !plan.trainSubsets().get(0).equals("all")
                        ? " × " + plan.trainSubsets().size() + " training subsets " + plan.trainSubsets() : "")
                + " = " + plan.cells().size() + " cells → " + plan.outputDir());
        if (planOnly) {
            Path planFile = PlanFiles.write(plan, plan.outputDir().resolve("plan.json"));
            getLog().info("Plan written (no cell runs with -Dtransfer.planOnly): " + planFile);
            getLog().info("Run it with spark-submit:");
            getLog().info(sparkSubmitCommand(planFile));
            return;
        }
        List<CellResult> results = runCells(plan);
        Reporting.write(results, plan.outputDir(), report, getLog());
        String failures = CellResults.failureSummary(results, plan.cellsDir());
        if (failures != null && failOnCellFailure) throw new MojoFailureException(failures);
        if (failures != null) getLog().warn(failures);
    }

    /** The POM configuration as the library's plan: mapped here, checked there. */
    BenchmarkPlan plan() {
        TopLevelSettings.reject(project, execution);
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(outputDirectory.toPath());
        Path embedded = embeddedDirectory.toPath().toAbsolutePath().normalize();
        boolean embeddedModels = useEmbeddedDefault && (models == null || models.isEmpty());
        embeddedModelsUsed = embeddedModels;
        if (embeddedModels) {
            getLog().info("No <models> configured: using the embedded tiny fixtures of the eight study backbones (random weights; "
                    + "point <models> at real exports for real numbers)");
            EmbeddedDefault.models(embedded.resolve("models")).forEach(b::addModel);
        } else if (models != null) {
            for (ModelElement m : models) b.addModel(m == null ? null : m.getName(), m == null || m.getOnnx() == null ? null : m.getOnnx().toPath());
        }
        if (useEmbeddedDefault && (datasets == null || datasets.isEmpty())) {
            getLog().info("No <datasets> configured: using the four synthetic synthmed tasks (generated under " + embedded.resolve("synthmed") + ")");
            EmbeddedDefault.datasets(embedded.resolve("synthmed")).forEach(b::addDataset);
        } else if (datasets != null) {
            Path basedir = project == null || project.getBasedir() == null ? Path.of("") : project.getBasedir().toPath();
            for (DatasetElement d : datasets) {
                if (d == null) d = new DatasetElement();
                b.addDataset(d.name(), d.format(), d.path(basedir), d.options());
            }
        }
        List<String> scen = scenarios != null && !scenarios.isEmpty() ? scenarios
                : embeddedModels ? EmbeddedDefault.SCENARIOS : Scenario.STUDY;
        scen.forEach(b::addScenario);
        boolean noSeeds = seeds == null || seeds.isEmpty();
        boolean noSubsets = (trainFractions == null || trainFractions.isEmpty()) && (shots == null || shots.isEmpty());
        if (!noSeeds) seeds.forEach(b::addSeed);
        else if (embeddedModels) EmbeddedDefault.SEEDS.forEach(b::addSeed);
        if (trainFractions != null) trainFractions.forEach(b::addTrainFraction);
        if (shots != null) shots.forEach(b::addShots);
        if (noSubsets && embeddedModels) EmbeddedDefault.TRAIN_FRACTIONS.forEach(b::addTrainFraction);
        if (deitTail != null) b.optDeitTail(deitTail.toPath());
        else if (embeddedModels) b.optDeitTail(EmbeddedDefault.deitTail(embedded.resolve("models")));
        Map<String, String> settings = trainingSettings();
        Map<String, String> choices = withProperties(protocolSettings, ProtocolSettings.SETTINGS);
        b.optProtocol(protocol).optProtocolSettings(choices);
        if (embeddedModels) {
            boolean cached = featureCache && ProtocolSettings.resolve(Protocol.parse(protocol), choices).frozenCellsCacheable();
            EmbeddedDefault.training(b, settings, overrides == null || overrides.isEmpty(), scen, learningRateGrid, cached);
        }
        b.optTraining(settings);
        if (overrides != null) for (OverrideElement o : overrides) b.addOverride(o == null ? Map.of() : o);
        if (cacheDirectory != null) b.optCacheDir(cacheDirectory.toPath());
        if (learningRateGrid != null && !learningRateGrid.isEmpty()) b.optLearningRateGrid(learningRateGrid);
        return b.optFeatureCache(featureCache).optForce(force).build();
    }

    /** {@code <training>}, then {@code -Dtransfer.<setting>} user properties over it. */
    private Map<String, String> trainingSettings() {
        return withProperties(training, TrainerConfig.SETTINGS);
    }

    /** Settings as configured, then {@code -Dtransfer.<setting>} user properties over them. */
    private Map<String, String> withProperties(Map<String, String> configured, RecordSettings<?> settings) {
        Map<String, String> s = new LinkedHashMap<>(configured == null ? Map.of() : configured);
        if (session != null) s.putAll(settings.fromProperties(session.getUserProperties(), "transfer."));
        return s;
    }

    public void setModels(List<ModelElement> models) { this.models = models; }
    public void setDatasets(List<DatasetElement> datasets) { this.datasets = datasets; }
    public void setScenarios(List<String> scenarios) { this.scenarios = scenarios; }
    public void setSeeds(List<Long> seeds) { this.seeds = seeds; }
    public void setTrainFractions(List<Double> trainFractions) { this.trainFractions = trainFractions; }
    public void setShots(List<Integer> shots) { this.shots = shots; }
    public void setTraining(Map<String, String> training) { this.training = training; }
    public void setOverrides(List<OverrideElement> overrides) { this.overrides = overrides; }
    public void setProtocol(String protocol) { this.protocol = protocol; }
    public void setProtocolSettings(Map<String, String> protocolSettings) { this.protocolSettings = protocolSettings; }
    public void setDeitTail(File deitTail) { this.deitTail = deitTail; }
    public void setOutputDirectory(File outputDirectory) { this.outputDirectory = outputDirectory; }
    public void setEmbeddedDirectory(File embeddedDirectory) { this.embeddedDirectory = embeddedDirectory; }
    public void setLearningRateGrid(List<Double> learningRateGrid) { this.learningRateGrid = learningRateGrid; }
    public void setUseEmbeddedDefault(boolean useEmbeddedDefault) { this.useEmbeddedDefault = useEmbeddedDefault; }
    public void setPlanOnly(boolean planOnly) { this.planOnly = planOnly; }
    public void setModelFilter(String modelFilter) { this.modelFilter = modelFilter; }
}
