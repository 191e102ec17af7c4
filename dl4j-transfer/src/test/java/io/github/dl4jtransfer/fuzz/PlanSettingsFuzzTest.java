package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.matrix.BenchmarkPlan;
import io.github.dl4jtransfer.matrix.CellKey;
import io.github.dl4jtransfer.matrix.PlanFiles;
import io.github.dl4jtransfer.matrix.WorkerMemory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POM-level settings under the fuzz property, through the library's plan validation as the plugin fills it. The input
 * is {@code key=value} lines, one per POM element or property:
 * <pre>
 * model=dinov2            (a model of that name; its ONNX is a real fixture)
 * dataset=aptos,aptos2019 (name, format; its root is an existing folder)
 * dataset.skipBadImages=true   (a reader option of the last dataset: DatasetOptions.SETTINGS)
 * scenario=last2-deit     seed=3     grid=1e-3     protocol=modern     protocolSetting.splits=study
 * training.epochs=3       (TrainerConfig.SETTINGS)
 * override.scenario=frozen-linear   override.learningRate=1e-2   (one override per "override.model|dataset|scenario")
 * filter.models=,,        maxHeap=4g     maxOffHeap=80%    deitTail=yes    output=sub/dir
 * </pre>
 * Everything either makes a plan (then filtered, expanded into cells with their settings, written to plan.json and
 * read back) or fails with a {@link ConfigException} naming the element.
 */
class PlanSettingsFuzzTest {

    private static final Path ONNX = Path.of("src/test/resources/fixtures/tiny/deit-b16/model.onnx").toAbsolutePath();
    private static final Path TAIL = Path.of("src/test/resources/fixtures/tiny/deit-tail/model.onnx").toAbsolutePath();

    @FuzzTest
    void build(byte[] data) {
        try (Sandbox box = new Sandbox()) {
            box.seal();
            Map<String, String> filters = new LinkedHashMap<>();
            String[] memory = new String[2];
            BenchmarkPlan.Builder b = builder(new String(data, StandardCharsets.UTF_8), box, filters, memory);
            FuzzContract.check(FuzzContract.Named.of(null, List.of(ConfigException.class)), () -> {
                if (memory[0] != null || memory[1] != null) new WorkerMemory(memory[0], memory[1]).jvmArgs();
                BenchmarkPlan plan = b.build().filterByNames(filters.get("models"), filters.get("datasets"), filters.get("scenarios"));
                for (CellKey k : plan.cells()) plan.trainerFor(k);
                PlanFiles.read(PlanFiles.write(plan, box.out.resolve("plan.json"))).cells();
            });
        }
    }

    private static BenchmarkPlan.Builder builder(String text, Sandbox box, Map<String, String> filters, String[] memory) {
        Path out = box.out.resolve("results");
        for (String line : text.split("\n")) {
            Path p = line.startsWith("output=") ? inside(box.out, line.substring(7)) : null;
            if (p != null) out = p;
        }
        BenchmarkPlan.Builder b = BenchmarkPlan.builder(out);
        List<Double> grid = new ArrayList<>();
        Map<String, String> training = new LinkedHashMap<>(), protocolSettings = new LinkedHashMap<>();
        List<Map<String, String>> overrides = new ArrayList<>();
        List<String[]> datasets = new ArrayList<>();
        List<Map<String, String>> datasetOptions = new ArrayList<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String k = line.substring(0, eq), v = line.substring(eq + 1);
            switch (k) {
                case "model" -> b.addModel(v, ONNX);
                case "dataset" -> {
                    int comma = v.indexOf(',');
                    datasets.add(new String[]{comma < 0 ? v : v.substring(0, comma), comma < 0 ? "" : v.substring(comma + 1)});
                    datasetOptions.add(new LinkedHashMap<>());
                }
                case "scenario" -> b.addScenario(v);
                case "seed" -> b.addSeed(parseLong(v));
                case "grid" -> grid.add(parseDouble(v));
                case "protocol" -> b.optProtocol(v);
                case "deitTail" -> b.optDeitTail(TAIL);
                case "maxHeap" -> memory[0] = v;
                case "maxOffHeap" -> memory[1] = v;
                default -> {
                    if (k.startsWith("training.")) training.put(k.substring(9), v);
                    else if (k.startsWith("protocolSetting.")) protocolSettings.put(k.substring(16), v);
                    else if (k.startsWith("filter.")) filters.put(k.substring(7), v);
                    else if (k.startsWith("dataset.") && !datasetOptions.isEmpty()) datasetOptions.get(datasetOptions.size() - 1).put(k.substring(8), v);
                    else if (k.startsWith("override.")) {
                        String name = k.substring(9);
                        if (overrides.isEmpty() || List.of("model", "dataset", "scenario").contains(name)) overrides.add(new LinkedHashMap<>());
                        overrides.get(overrides.size() - 1).put(name, v);
                    }
                }
            }
        }
        for (int i = 0; i < datasets.size(); i++) b.addDataset(datasets.get(i)[0], datasets.get(i)[1], box.in, datasetOptions.get(i));
        overrides.forEach(b::addOverride);
        if (!grid.isEmpty()) b.optLearningRateGrid(grid);
        return b.optTraining(training).optProtocolSettings(protocolSettings);
    }

    /** A seed as Maven converts {@code <seed>} text: a number or nothing (an empty element). */
    private static Long parseLong(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseDouble(String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code rel} under {@code dir}, or null when it leaves it (an output folder elsewhere is the user's choice, not a finding). */
    private static Path inside(Path dir, String rel) {
        try {
            Path p = dir.resolve(rel).normalize();
            return p.startsWith(dir) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
