package io.github.dl4jtransfer.device;

import io.github.dl4jtransfer.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Can the CUDA backend run on this machine's GPUs? Asked before any cell runs, so that a GPU the backend has no
 * kernels for fails in a second with the GPU's name and the fix, not with a kernel-launch error an hour into a matrix.
 *
 * <p>It runs {@code nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader} ({@link #query()}), keeps the
 * GPUs {@code CUDA_VISIBLE_DEVICES} leaves visible ({@link #visible}), and holds each one's compute capability to
 * {@link #runs(Capability)}. Everything that can go wrong ({@code nvidia-smi} missing or failing, no GPU, a
 * capability without kernels, a {@code CUDA_VISIBLE_DEVICES} naming no GPU) is a {@link ConfigException} on
 * {@value #ELEMENT}. The parsing and the rule are pure functions; the runner executes whatever {@code nvidia-smi}
 * it is given, so tests point it at a script.
 *
 * <p><b>The rule.</b> nd4j-cuda-11.6 1.0.0-M2.1's libnd4j is built with
 * {@code -Dlibnd4j.compute='3.7 5.0 5.2 6.0 6.1 7.0 7.5 8.0 8.6'} (DL4J's release workflow
 * {@code .github/workflows/build-deploy-linux-cuda-11.6.yml}, the same list from the 1.0.0-M2 to the 1.0.0-M3 release
 * branches); {@code libnd4j/blas/CMakeLists.txt} turns such a list into {@code CUDA_SELECT_NVCC_ARCH_FLAGS}, which
 * emits a cubin per entry and PTX only for entries marked {@code +PTX} (none are). So the library carries cubins
 * for sm_37 … sm_86 and no PTX that a newer driver could compile. NVIDIA's compatibility rule: a cubin runs on GPUs of
 * the same major compute capability and the same or a higher minor (the Ada compatibility guide: "a cubin generated
 * for compute capability 8.6 is supported to run on a GPU with compute capability 8.9; … a cubin generated with
 * compute capability 8.x is not supported to run on a GPU with compute capability 9.0"). Hence: 3.7, 5.x, 6.x, 7.x and
 * 8.x (Ada's 8.9 included: RTX 40xx, L4, L40 run the sm_86 cubins) run; below 3.7 (Kepler K40 and older) and 9.0
 * and up (Hopper H100/H200, Blackwell) do not.
 *
 * <p><b>Standalone</b> (no ND4J needed, only this library's classes), e.g. on the GPU machine before a long run:
 * <pre>
 * java -cp dl4j-transfer/target/classes io.github.dl4jtransfer.device.GpuCheck [--nvidia-smi /path/to/nvidia-smi]
 * </pre>
 * (or {@code -cp dl4j-transfer-0.1.0-SNAPSHOT.jar}). It prints each GPU with its verdict and the overall verdict, and
 * exits 0 when the CUDA backend can run, 1 when it cannot, 2 on a bad argument. It honours {@code CUDA_VISIBLE_DEVICES}
 * and {@code CUDA_DEVICE_ORDER} from its environment and {@code -D}{@value #PROPERTY}{@code =/path} like the plugin.
 */
public final class GpuCheck {

    /** System property (and plugin parameter) naming the {@code nvidia-smi} binary; default {@value #DEFAULT_NVIDIA_SMI}. */
    public static final String PROPERTY = "transfer.nvidiaSmi";
    public static final String DEFAULT_NVIDIA_SMI = "nvidia-smi";
    /** Worker JVM property saying which backend it runs ({@code -Dtransfer.backend=cuda}); a CUDA worker checks its GPUs first. */
    public static final String WORKER_BACKEND_PROPERTY = "transfer.backend";
    /** A class of nd4j-cuda: on a worker's classpath it means the CUDA backend, whatever the properties say. */
    static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";
    /** The element every failure names. */
    public static final String ELEMENT = "<backend>cuda</backend>";
    /** The arguments {@code nvidia-smi} is run with. */
    public static final List<String> QUERY = List.of("--query-gpu=index,name,compute_cap", "--format=csv,noheader");
    /** The backend the rule is about, as users name it. */
    public static final String BACKEND = "nd4j-cuda-11.6 1.0.0-M2.1";
    /** Compute capabilities nd4j-cuda-11.6 1.0.0-M2.1 ships cubins for (no PTX); see the class comment for the source. */
    public static final List<Capability> SHIPPED_CUBINS = List.of(cap(3, 7), cap(5, 0), cap(5, 2), cap(6, 0), cap(6, 1),
            cap(7, 0), cap(7, 5), cap(8, 0), cap(8, 6));

    static final long TIMEOUT_SECONDS = 60;

    private final String nvidiaSmi;

    /** @param nvidiaSmi the {@code nvidia-smi} binary: a path, or a name looked up on PATH; null or blank: {@value #DEFAULT_NVIDIA_SMI} */
    public GpuCheck(String nvidiaSmi) {
        this.nvidiaSmi = nvidiaSmi == null || nvidiaSmi.isBlank() ? DEFAULT_NVIDIA_SMI : nvidiaSmi.trim();
    }

    /** The binary named by {@code -D}{@value #PROPERTY}, else {@value #DEFAULT_NVIDIA_SMI} on PATH. */
    public static GpuCheck fromSystemProperties() {
        return new GpuCheck(System.getProperty(PROPERTY));
    }

    public String nvidiaSmi() {
        return nvidiaSmi;
    }

    // ------------------------------------------------------------------------------------------ types

    /** A compute capability, {@code major.minor}. */
    public record Capability(int major, int minor) implements Comparable<Capability> {

        /** {@code "9.0"} → 9.0; anything else is null. */
        static Capability parse(String text) {
            String t = text.trim();
            int dot = t.indexOf('.');
            if (dot <= 0 || dot == t.length() - 1) return null;
            try {
                int major = Integer.parseInt(t.substring(0, dot)), minor = Integer.parseInt(t.substring(dot + 1));
                return major < 0 || minor < 0 ? null : new Capability(major, minor);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** The nvcc target name: {@code sm_90}. */
        public String sm() {
            return "sm_" + major + minor;
        }

        @Override
        public int compareTo(Capability o) {
            return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
        }

        @Override
        public String toString() {
            return major + "." + minor;
        }
    }

    /** One GPU as {@code nvidia-smi} reports it; {@code capability} is null where it reports none ({@code [N/A]}). */
    public record Gpu(int index, String name, Capability capability) {
        @Override
        public String toString() {
            return "GPU " + index + " (" + name + ", compute capability " + (capability == null ? "unknown" : capability) + ")";
        }
    }

    /** A passed check: every GPU {@code nvidia-smi} reported, and the ones CUDA will see (all of which run the backend). */
    public record Result(List<Gpu> all, List<Gpu> visible) {
        public Result {
            all = List.copyOf(all);
            visible = List.copyOf(visible);
        }

        /** One line for a log: {@code CUDA backend can run on GPU 0 (NVIDIA A100, compute capability 8.0; sm_80 kernels)}. */
        public String summary() {
            return BACKEND + " can run on " + visible.stream()
                    .map(g -> "GPU " + g.index() + " (" + g.name() + ", compute capability " + g.capability() + "; "
                            + cubinFor(g.capability()).orElseThrow().sm() + " kernels)")
                    .collect(Collectors.joining(", "));
        }
    }

    private static Capability cap(int major, int minor) {
        return new Capability(major, minor);
    }

    // ------------------------------------------------------------------------------------------ the rule

    /** The shipped cubin a GPU of capability {@code c} runs: the highest of the same major with a minor ≤ c's. */
    public static Optional<Capability> cubinFor(Capability c) {
        if (c == null) return Optional.empty();
        return SHIPPED_CUBINS.stream().filter(s -> s.major() == c.major() && s.minor() <= c.minor()).max(Capability::compareTo);
    }

    /** Whether {@value #BACKEND} has kernels that run on a GPU of capability {@code c}. */
    public static boolean runs(Capability c) {
        return cubinFor(c).isPresent();
    }

    // ------------------------------------------------------------------------------------------ parsing (pure)

    /**
     * {@code nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader} output → GPUs, one per non-blank line
     * ({@code 0, NVIDIA H200, 9.0}). The name may hold commas (the index is the first field, the capability the last).
     * A capability of {@code [N/A]} or similar becomes null; a line of another shape fails, quoting it.
     */
    public static List<Gpu> parse(String output) {
        List<Gpu> gpus = new ArrayList<>();
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            int first = line.indexOf(','), last = line.lastIndexOf(',');
            Integer index = null;
            if (first > 0 && last > first) {
                try {
                    index = Integer.parseInt(line.substring(0, first).trim());
                } catch (NumberFormatException e) {
                    index = null;
                }
            }
            if (index == null) {
                throw new ConfigException(ELEMENT, "cannot read the GPU list: nvidia-smi printed '" + line
                        + "' where 'index, name, compute capability' was expected", driverFix());
            }
            gpus.add(new Gpu(index, line.substring(first + 1, last).trim(), Capability.parse(line.substring(last + 1))));
        }
        return gpus;
    }

    /**
     * The GPUs CUDA will see under {@code CUDA_VISIBLE_DEVICES}, in its order: all of them when it is unset (null);
     * as CUDA reads it, a comma-separated list of indices, ending at the first entry that names no GPU (or repeats one).
     * Entries given as UUIDs ({@code GPU-…}, {@code MIG-…}) cannot be matched to this query's indices: then every GPU
     * is kept, so the check errs on the strict side.
     */
    public static List<Gpu> visible(List<Gpu> all, String cudaVisibleDevices) {
        if (cudaVisibleDevices == null) return all;
        Map<Integer, Gpu> byIndex = new HashMap<>();
        for (Gpu g : all) byIndex.put(g.index(), g);
        Set<Gpu> out = new LinkedHashSet<>();
        for (String raw : cudaVisibleDevices.split(",", -1)) {
            String entry = raw.trim();
            String upper = entry.toUpperCase(Locale.ROOT);
            if (upper.startsWith("GPU-") || upper.startsWith("MIG-")) return all;
            Gpu g;
            try {
                g = byIndex.get(Integer.parseInt(entry));
            } catch (NumberFormatException e) {
                g = null;
            }
            if (g == null || !out.add(g)) break;
        }
        return List.copyOf(out);
    }

    /**
     * Holds {@code all} (every GPU {@code nvidia-smi} reported) and the environment the CUDA process will have to the
     * rule: passes with the visible GPUs, or throws naming each GPU the backend cannot run on and the fix.
     */
    public static Result verdict(List<Gpu> all, Map<String, String> environment) {
        Map<String, String> env = environment == null ? Map.of() : environment;
        if (all.isEmpty()) {
            throw new ConfigException(ELEMENT, "nvidia-smi reports no GPU", "check that the GPU is installed and the NVIDIA driver "
                    + "is loaded (nvidia-smi lists it), or use <backend>cpu</backend>");
        }
        String cvd = env.get("CUDA_VISIBLE_DEVICES");
        List<Gpu> visible = visible(all, cvd);
        if (visible.isEmpty()) {
            throw new ConfigException(ELEMENT, "CUDA_VISIBLE_DEVICES='" + cvd + "' leaves CUDA no GPU; nvidia-smi reports "
                    + all.stream().map(Gpu::toString).collect(Collectors.joining(", ")),
                    "set CUDA_VISIBLE_DEVICES (<environmentVariables>) to the index of a GPU of compute capability "
                            + SHIPPED_CUBINS.get(0) + " to 8.x, or unset it");
        }
        List<Gpu> bad = visible.stream().filter(g -> !runs(g.capability())).toList();
        List<Gpu> good = all.stream().filter(g -> runs(g.capability())).toList();
        if (!bad.isEmpty()) {
            throw new ConfigException(ELEMENT, problem(bad, good), fix(bad, good));
        }
        // Selected by index while some GPU of the machine cannot run the backend: the index must mean the same GPU to
        // CUDA as to nvidia-smi, which numbers by PCI bus; CUDA does so only under CUDA_DEVICE_ORDER=PCI_BUS_ID (its
        // default, FASTEST_FIRST, could put the unsupported GPU at the index that was checked here as a supported one).
        boolean subset = visible.size() < all.size();
        boolean pciOrder = "PCI_BUS_ID".equalsIgnoreCase(String.valueOf(env.get("CUDA_DEVICE_ORDER")).trim());
        if (subset && !pciOrder && good.size() < all.size()) {
            throw new ConfigException(ELEMENT, "CUDA_VISIBLE_DEVICES='" + cvd + "' selects " + list(visible)
                    + " by nvidia-smi's index, but CUDA numbers GPUs fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID, so it may pick "
                    + list(all.stream().filter(g -> !runs(g.capability())).toList()) + ", which " + BACKEND + " cannot run on",
                    "add <CUDA_DEVICE_ORDER>PCI_BUS_ID</CUDA_DEVICE_ORDER> to <environmentVariables> (CUDA then numbers GPUs as nvidia-smi does)");
        }
        return new Result(all, visible);
    }

    private static String problem(List<Gpu> bad, List<Gpu> good) {
        StringBuilder p = new StringBuilder(list(bad)).append(bad.size() == 1 ? " has" : " have").append(" no kernels in ")
                .append(BACKEND).append(": it ships cubins for compute capability ")
                .append(SHIPPED_CUBINS.stream().map(Capability::toString).collect(Collectors.joining(", ")))
                .append(" and no PTX, and a cubin runs only on GPUs of its major version with the same or a higher minor");
        List<String> why = new ArrayList<>();
        for (Gpu g : bad) {
            Capability c = g.capability();
            if (c == null) {
                why.add("nvidia-smi reports no compute capability for GPU " + g.index());
            } else if (c.compareTo(SHIPPED_CUBINS.get(SHIPPED_CUBINS.size() - 1)) > 0) {
                why.add("GPU " + g.index() + " needs " + c.sm() + " kernels" + (c.major() == 9 ? " (Hopper)" : c.major() >= 10 ? " (Blackwell or newer)" : ""));
            } else {
                why.add("GPU " + g.index() + " is older than the oldest kernels shipped (" + SHIPPED_CUBINS.get(0).sm() + ")");
            }
        }
        p.append(" — ").append(String.join(", ", why));
        if (!good.isEmpty()) p.append("; ").append(list(good)).append(" can run it");
        return p.toString();
    }

    private static String fix(List<Gpu> bad, List<Gpu> good) {
        StringBuilder f = new StringBuilder("use <backend>cpu</backend>");
        if (!good.isEmpty()) {
            f.append(", or run on ").append(good.size() == 1 ? "that GPU" : "those GPUs").append(": <environmentVariables><CUDA_VISIBLE_DEVICES>")
                    .append(good.stream().map(g -> Integer.toString(g.index())).collect(Collectors.joining(",")))
                    .append("</CUDA_VISIBLE_DEVICES><CUDA_DEVICE_ORDER>PCI_BUS_ID</CUDA_DEVICE_ORDER></environmentVariables>");
        }
        Set<String> sms = bad.stream().map(Gpu::capability).filter(c -> c != null && c.compareTo(SHIPPED_CUBINS.get(0)) > 0)
                .map(Capability::sm).collect(Collectors.toCollection(LinkedHashSet::new));
        if (!sms.isEmpty()) {
            f.append(", or a libnd4j build with ").append(String.join("/", sms)).append(" kernels (nd4j-cuda built from source with ")
                    .append("-Dlibnd4j.compute=<capability>; sm_90 needs CUDA 11.8 or later) installed in the local repository as org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1");
        }
        if (bad.stream().anyMatch(g -> g.capability() == null)) f.append("; ").append(driverFix());
        return f.toString();
    }

    private static String list(List<Gpu> gpus) {
        return gpus.stream().map(Gpu::toString).collect(Collectors.joining(", "));
    }

    private static String driverFix() {
        return "nvidia-smi reports compute_cap from NVIDIA driver 510 on: update the driver, or use <backend>cpu</backend>";
    }

    // ------------------------------------------------------------------------------------------ running nvidia-smi

    /** Runs {@code nvidia-smi} and parses what it prints; fails naming the fix when it is missing, fails or reports no GPU. */
    public List<Gpu> query() {
        List<String> cmd = new ArrayList<>(List.of(nvidiaSmi));
        cmd.addAll(QUERY);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new ConfigException(ELEMENT, "cannot run '" + nvidiaSmi + "' to read the GPUs' compute capability (" + e.getMessage() + ")",
                    "install the NVIDIA driver (it ships nvidia-smi) and put nvidia-smi on PATH or name it with -D" + PROPERTY
                            + "=/path/to/nvidia-smi, or use <backend>cpu</backend>");
        }
        try {
            p.getOutputStream().close(); // nvidia-smi reads nothing
        } catch (IOException ignored) {
            // already gone: its exit status says why
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        int exit;
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ConfigException(ELEMENT, "'" + String.join(" ", cmd) + "' did not answer within " + TIMEOUT_SECONDS + " s",
                        "check the NVIDIA driver (a hung nvidia-smi usually means a GPU in a bad state), or use <backend>cpu</backend>");
            }
            exit = p.exitValue();
            String stdout = out.get(10, TimeUnit.SECONDS), stderr = err.get(10, TimeUnit.SECONDS);
            String said = (stdout + "\n" + stderr).strip();
            if (exit != 0) {
                if (said.contains("compute_cap")) {
                    throw new ConfigException(ELEMENT, "'" + nvidiaSmi + "' cannot report compute_cap (exit " + exit + "): " + oneLine(said), driverFix());
                }
                if (said.toLowerCase(Locale.ROOT).contains("no devices")) {
                    throw new ConfigException(ELEMENT, "nvidia-smi reports no GPU: " + oneLine(said), "check that the GPU is installed and "
                            + "the NVIDIA driver is loaded, or use <backend>cpu</backend>");
                }
                throw new ConfigException(ELEMENT, "'" + String.join(" ", cmd) + "' failed (exit " + exit + "): " + oneLine(said),
                        "install or load the NVIDIA driver (nvidia-smi must list the GPUs), or use <backend>cpu</backend>");
            }
            return parse(stdout);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ConfigException(ELEMENT, "interrupted while running '" + nvidiaSmi + "'", "");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ConfigException(ELEMENT, "cannot read the output of '" + nvidiaSmi + "': " + e.getMessage(), "use <backend>cpu</backend>");
        }
    }

    /** {@link #query()} then {@link #verdict}: passes with the GPUs CUDA will use, or throws naming the GPU and the fix. */
    public Result check(Map<String, String> environment) {
        return verdict(query(), environment);
    }

    /**
     * Whether this JVM runs the CUDA backend: {@code -D}{@value #WORKER_BACKEND_PROPERTY}{@code =cuda}, or nd4j-cuda on
     * the classpath. Asked without loading ND4J (the class is looked up, not initialised).
     */
    public static boolean cudaBackendHere() {
        if ("cuda".equalsIgnoreCase(System.getProperty(WORKER_BACKEND_PROPERTY, "").trim())) return true;
        try {
            Class.forName(CUDA_BACKEND_CLASS, false, GpuCheck.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** This process's environment with {@code extra} (a worker's configured variables) laid over it: what a forked worker gets. */
    public static Map<String, String> workerEnvironment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (extra != null) extra.forEach((k, v) -> {
            if (k != null && v != null) env.put(k, v);
        });
        return env;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s*\\R\\s*", " / ").strip();
        return t.isEmpty() ? "(no output)" : t.length() > 400 ? t.substring(0, 400) + "…" : t;
    }

    // ------------------------------------------------------------------------------------------ standalone

    /** See the class comment: prints the GPUs and the verdict; exit 0 (can run), 1 (cannot), 2 (bad argument). */
    public static void main(String[] args) {
        String smi = System.getProperty(PROPERTY);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--nvidia-smi") && i + 1 < args.length) {
                smi = args[++i];
            } else {
                System.err.println("usage: java -cp <dl4j-transfer classes or jar> " + GpuCheck.class.getName()
                        + " [--nvidia-smi /path/to/nvidia-smi]   (also -D" + PROPERTY + "=..., CUDA_VISIBLE_DEVICES, CUDA_DEVICE_ORDER)");
                System.exit(2);
            }
        }
        System.exit(run(new GpuCheck(smi), System.getenv(), System.out));
    }

    /** The standalone run, printing to {@code out}: 0 when the backend can run, 1 when not. */
    static int run(GpuCheck check, Map<String, String> env, java.io.PrintStream out) {
        out.println("CUDA backend check for " + BACKEND + " (kernels for compute capability "
                + SHIPPED_CUBINS.stream().map(Capability::toString).collect(Collectors.joining(" ")) + "; no PTX)");
        out.println("nvidia-smi: " + check.nvidiaSmi() + "; CUDA_VISIBLE_DEVICES=" + env.getOrDefault("CUDA_VISIBLE_DEVICES", "(unset)")
                + "; CUDA_DEVICE_ORDER=" + env.getOrDefault("CUDA_DEVICE_ORDER", "(unset)"));
        List<Gpu> all;
        try {
            all = check.query();
        } catch (ConfigException e) {
            out.println("FAIL: " + e.getMessage());
            return 1;
        }
        for (Gpu g : all) {
            Optional<Capability> cubin = cubinFor(g.capability());
            out.println("  " + g + ": " + cubin.map(c -> "runs the " + c.sm() + " kernels")
                    .orElse("no kernels" + (g.capability() == null ? "" : " (needs " + g.capability().sm() + ")")));
        }
        try {
            out.println("OK: " + verdict(all, env).summary());
            return 0;
        } catch (ConfigException e) {
            out.println("FAIL: " + e.getMessage());
            return 1;
        }
    }
}
