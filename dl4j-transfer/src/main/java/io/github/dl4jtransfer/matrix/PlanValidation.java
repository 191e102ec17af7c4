package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.data.split.TrainSubset;
import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.config.Protocol;
import io.github.dl4jtransfer.config.RecordSettings;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.formats.Datasets;
import io.github.dl4jtransfer.model.Sidecar;
import io.github.dl4jtransfer.train.HeadKind;
import io.github.dl4jtransfer.train.Scenario;
import io.github.dl4jtransfer.train.TrainerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import static io.github.dl4jtransfer.config.ConfigException.require;

/**
 * Every check a plan gets, in one place: files and sidecars exist, names are given and unique, formats,
 * scenarios, seeds and settings parse and lie in range, overrides name cells of the plan, the DeiT classifier is
 * there when a DeiT scenario needs it. Elements are named as in the POM; the Java builder takes the same names.
 */
final class PlanValidation {

    /** A model as given: nothing checked yet. */
    record RawModel(String name, Path onnx) {
    }

    /** A dataset as given: nothing checked yet; options from Java ({@code options}) or as text by name ({@code settings}). */
    record RawDataset(String name, String format, Path path, DatasetOptions.Builder options, Map<String, String> settings) {
    }

    private static final String EXPORT = "export it with tools/export/export.py";
    private static final String DATASET_ROOT = "point it at the dataset root (docs/datasets.md lists each format's layout)";
    private static final String UNIQUE = "names must be unique";

    private PlanValidation() {
    }

    static BenchmarkPlan validate(BenchmarkPlan.Builder b) {
        require(b.protocol != null, "<protocol>", "is missing", "use study or modern");
        Protocol protocol = Protocol.parse(b.protocol);
        ProtocolSettings choices = ProtocolSettings.resolve(protocol, b.protocolSettings);
        List<ModelSpec> models = models(b.models);
        List<DatasetSpec> datasets = datasets(b.datasets, protocol);
        List<String> scenarios = scenarios(b.scenarios);
        List<Long> seeds = seeds(b.seeds);
        fileNames(models.stream().map(ModelSpec::name).toList(), "<models><model><name>", "model");
        fileNames(datasets.stream().map(DatasetSpec::name).toList(), "<datasets><dataset><name>", "dataset");
        Path tail = deitTail(b.deitTail, scenarios);
        TrainerConfig trainer = TrainerConfig.SETTINGS.apply(b.trainer, TrainerConfig.SETTINGS.parse(b.training, "<training>"), "<training>");
        List<TrainingOverride> overrides = overrides(b.overrides, trainer, models.stream().map(ModelSpec::name).toList(),
                datasets.stream().map(DatasetSpec::name).toList(), scenarios);
        for (Double r : b.grid) {
            require(r != null && r > 0 && Double.isFinite(r), "<learningRateGrid>", r + " is not a positive number",
                    "write rates such as <rate>1e-3</rate>");
        }
        require(b.outputDir != null, "<outputDirectory>", "is missing", "give the folder results go to, e.g. target/transfer-benchmark");
        Path out = directory(absolute(b.outputDir), "<outputDirectory> / -Dtransfer.outputDirectory");
        Path cache = b.cacheDir == null ? null : directory(absolute(b.cacheDir), "<cacheDirectory> / -Dtransfer.cacheDirectory");
        return new BenchmarkPlan(models, datasets, scenarios, seeds, trainer, overrides, tail, out, cache,
                b.featureCache, b.grid, b.force, protocol, choices, explicit(TrainerConfig.SETTINGS, b.trainer, TrainerConfig.defaults(), b.training),
                trainSubsets(b.trainFractions, b.shots));
    }

    private static List<ModelSpec> models(List<RawModel> raw) {
        require(!raw.isEmpty(), "<models>", "the plan has no models", "add <models><model><name>…</name><onnx>…/model.onnx</onnx></model></models>");
        Set<String> names = new LinkedHashSet<>();
        List<ModelSpec> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            RawModel m = raw.get(i);
            require(!blank(m.name()), "<models><model> #" + (i + 1), "<name> is missing", "give each model a short unique name, e.g. <name>dinov2-vitb14</name>");
            require(m.onnx() != null, "<models><model> '" + m.name() + "'", "<onnx> is missing", "point it at the model.onnx written by tools/export/export.py");
            Path onnx = absolute(m.onnx());
            require(Files.isRegularFile(onnx), "<models><model><onnx>", onnx + " does not exist (model '" + m.name() + "')", EXPORT);
            Path sidecar = Sidecar.besides(onnx);
            require(Files.isRegularFile(sidecar), "<models><model><onnx>", "no sidecar " + sidecar + " next to " + onnx + " (model '" + m.name() + "')",
                    "tools/export/export.py writes both files, keep them together");
            readable(sidecar, "<models><model><onnx>", " (model '" + m.name() + "')");
            require(names.add(m.name()), "<models><model><name>", "'" + m.name() + "' appears twice", UNIQUE);
            out.add(new ModelSpec(m.name(), onnx));
        }
        return out;
    }

    /** The settings a user gave: those written as text, and those of a typed record that differ from the defaults. */
    private static <R extends Record> Set<String> explicit(RecordSettings<R> settings, R given, R defaults, Map<String, String> text) {
        Set<String> out = new LinkedHashSet<>(text == null ? Set.of() : text.keySet());
        Map<String, Object> g = settings.values(given), d = settings.values(defaults);
        for (String n : settings.names()) if (!Objects.equals(g.get(n), d.get(n))) out.add(n);
        return out;
    }

    private static List<DatasetSpec> datasets(List<RawDataset> raw, Protocol protocol) {
        require(!raw.isEmpty(), "<datasets>", "the plan has no datasets", "add <datasets><dataset><name>…</name><format>…</format><path>…</path></dataset></datasets>");
        Set<String> names = new LinkedHashSet<>();
        List<DatasetSpec> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            RawDataset d = raw.get(i);
            require(!blank(d.name()), "<datasets><dataset> #" + (i + 1), "<name> is missing", "give each dataset a short unique name, e.g. <name>aptos</name>");
            String format = format(d);
            require(d.path() != null, "<datasets><dataset> '" + d.name() + "'", "<path> is missing", DATASET_ROOT);
            Path path = absolute(d.path());
            require(Files.exists(path), "<datasets><dataset><path>", path + " does not exist (dataset '" + d.name() + "')", DATASET_ROOT);
            DatasetOptions options = withProtocol(options(d), d, protocol);
            require(names.add(d.name()), "<datasets><dataset><name>", "'" + d.name() + "' appears twice", UNIQUE);
            DatasetSpec spec = new DatasetSpec(d.name(), format, path, options);
            Path splitFile = CellRecipe.splitFile(spec);
            require(splitFile == null || Files.exists(splitFile), "<datasets><dataset> '" + d.name() + "' <splitFile>",
                    splitFile + " does not exist", "give the split file's path relative to the dataset's root, or an absolute one");
            out.add(spec);
        }
        return out;
    }

    /** The protocol's reader options ({@link ProtocolDefaults#dataset}) where the dataset's own say nothing. */
    private static DatasetOptions withProtocol(DatasetOptions options, RawDataset d, Protocol protocol) {
        Map<String, Object> byProtocol = new LinkedHashMap<>(ProtocolDefaults.dataset(protocol));
        byProtocol.keySet().removeAll(explicit(DatasetOptions.SETTINGS, options, DatasetOptions.defaults(), d.settings()));
        return DatasetOptions.SETTINGS.apply(options, byProtocol, "<datasets><dataset> '" + d.name() + "' ");
    }

    private static DatasetOptions options(RawDataset d) {
        if (d.settings() != null) {
            String where = "<datasets><dataset> '" + d.name() + "' ";
            return DatasetOptions.SETTINGS.apply(DatasetOptions.defaults(), DatasetOptions.SETTINGS.parse(d.settings(), where), where);
        }
        try {
            return (d.options() == null ? DatasetOptions.builder() : d.options()).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("<datasets><dataset> '" + d.name() + "' <metric>", e.getMessage(), "");
        }
    }

    private static String format(RawDataset d) {
        String given = d.format() == null ? "" : d.format().trim();
        String problem = given.isEmpty() ? "missing" : "'" + d.format() + "' is not a known format";
        if (!given.isEmpty()) {
            try {
                return Datasets.reader(given).format();
            } catch (RuntimeException unknown) {
                // reported below, with the list of formats
            }
        }
        throw new ConfigException("<datasets><dataset><format>", problem + " (dataset '" + d.name() + "')", "use one of " + Datasets.formats());
    }

    private static List<String> scenarios(List<String> raw) {
        require(!raw.isEmpty(), "<scenarios>", "the plan has no scenarios", "add <scenarios><scenario>frozen-linear</scenario></scenarios>");
        Set<String> names = new LinkedHashSet<>();
        for (String s : raw) {
            Scenario parsed;
            try {
                parsed = Scenario.parse(s == null ? "" : s);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("<scenarios><scenario>", e.getMessage(), "");
            }
            require(names.add(parsed.name()), "<scenarios><scenario>", "'" + s + "' appears twice", UNIQUE);
        }
        return List.copyOf(names);
    }

    private static List<Long> seeds(List<Long> raw) {
        if (raw.isEmpty()) return List.of(1L);
        Set<Long> seen = new LinkedHashSet<>();
        for (Long s : raw) {
            require(s != null, "<seeds><seed>", "empty seed", "write a whole number, e.g. <seed>1</seed>");
            require(seen.add(s), "<seeds><seed>", s + " appears twice", "each seed runs once");
        }
        return List.copyOf(seen);
    }

    /** The label-efficiency axis: fractions in (0, 1], then shots >= 1, each once; none given: the whole set. */
    private static List<String> trainSubsets(List<Double> fractions, List<Integer> shots) {
        Set<String> out = new LinkedHashSet<>();
        for (Double f : fractions) {
            require(f != null && f > 0 && f <= 1, "<trainFractions><fraction>", (f == null ? "empty" : f) + " is not a fraction in (0, 1]",
                    "write e.g. <fraction>0.1</fraction> for 10% of each training set, 1.0 for all of it");
            require(out.add(TrainSubset.fraction(f).id()), "<trainFractions><fraction>", f + " appears twice", "each fraction runs once");
        }
        for (Integer k : shots) {
            require(k != null && k >= 1, "<shots><shot>", (k == null ? "empty" : k) + " is not a number of images per class >= 1",
                    "write e.g. <shot>5</shot> for 5 training images per class");
            require(out.add(TrainSubset.shots(k).id()), "<shots><shot>", k + " appears twice", "each shot count runs once");
        }
        return List.copyOf(out);
    }

    /** A sidecar that lacks a field fails the plan, before any cell runs (the graph checks come when a cell loads it). */
    private static void readable(Path sidecar, String element, String which) {
        try {
            Sidecar.read(sidecar);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(element, e.getMessage() + which, "");
        }
    }

    private static Path deitTail(Path given, List<String> scenarios) {
        if (given != null) {
            Path tail = absolute(given);
            require(Files.isRegularFile(tail), "<deitTail>", tail + " does not exist", EXPORT + " --family deit-tail");
            require(Files.isRegularFile(Sidecar.besides(tail)), "<deitTail>", "no sidecar " + Sidecar.besides(tail) + " next to " + tail,
                    "tools/export/export.py writes both files, keep them together");
            readable(Sidecar.besides(tail), "<deitTail>", "");
            return tail;
        }
        List<String> deit = scenarios.stream().filter(s -> Scenario.parse(s).head() == HeadKind.DEIT).toList();
        require(deit.isEmpty(), "<deitTail>", "missing, and the *-deit scenarios " + deit + " need it",
                "set it to the model.onnx written by tools/export/export.py --family deit-tail, or drop those scenarios");
        return null;
    }

    private static List<TrainingOverride> overrides(List<Function<String, TrainingOverride>> raw, TrainerConfig trainer, List<String> models, List<String> datasets,
                                                    List<String> scenarios) {
        List<TrainingOverride> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String where = "<overrides><override> #" + (i + 1);
            TrainingOverride o = raw.get(i).apply(where);
            List<String> known = switch (o.axis()) {
                case MODEL -> models;
                case DATASET -> datasets;
                case SCENARIO -> scenarios;
            };
            require(known.contains(o.value()), where + " <" + o.axis().element() + ">", "'" + o.value() + "' is not in the plan", "known: " + known);
            o.applyTo(trainer, where + " "); // range checks, naming the element
            out.add(o);
        }
        return out;
    }

    /** Room in a file name (255 bytes) for a cell id, with {@code .json} and a temporary file's prefix and suffix. */
    static final int MAX_NAME_CHARS = 80;

    /**
     * Names become parts of file names ({@code cells/<id>.json}, {@code splits/<dataset>.json}) through {@link CellKey#safe},
     * which keeps distinct names distinct; but two names differing only in case still share a file on a
     * case-insensitive file system (macOS, Windows, a results directory copied there), where the second cell would
     * overwrite the first. Refused before any work, naming both; and a name too long for a file name.
     */
    private static void fileNames(List<String> names, String element, String what) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String n : names) {
            String part = CellKey.safe(n);
            require(part.length() <= MAX_NAME_CHARS, element,
                    what + " name '" + n + "' is too long for a file name (" + part.length() + " characters in cell file names, at most "
                            + MAX_NAME_CHARS + ")", "use a shorter name");
            String previous = seen.putIfAbsent(part.toLowerCase(Locale.ROOT), n);
            require(previous == null, element, what + "s '" + previous + "' and '" + n + "' would write the same files under cells/ (names that "
                            + "differ only in case collide on case-insensitive file systems: macOS, Windows), and one's results would "
                            + "replace the other's", "rename one of them");
        }
    }

    /**
     * A folder results are written to: it, or the nearest of its parents that exists, must be a directory this
     * process can write to (a regular file in its place used to fail the first write, with no reason given).
     */
    private static Path directory(Path dir, String element) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return dir;
        String which = existing.equals(dir) ? dir.toString() : existing + " (a parent of " + dir + ")";
        require(Files.isDirectory(existing), element, which + " is a file, not a directory",
                "point it at a directory (created when missing), or move the file away");
        require(Files.isWritable(existing), element, which + " is not writable by this user", "point it at a directory you can write to");
        return dir;
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
