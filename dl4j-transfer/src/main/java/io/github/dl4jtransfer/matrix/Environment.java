package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.device.GpuCheck;
import io.github.dl4jtransfer.device.NativeBuild;
import io.github.dl4jtransfer.device.NativeAllocator;
import io.github.dl4jtransfer.device.OpenBlasCore;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about the running process for provenance: versions, backend, host, peak memory. */
public final class Environment {

    private Environment() {
    }

    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        String own = Environment.class.getPackage().getImplementationVersion();
        v.put("dl4j-transfer", own == null ? "0.1.0-SNAPSHOT" : own);
        String nd4j = Nd4j.class.getPackage().getImplementationVersion();
        v.put("nd4j", nd4j == null ? "1.0.0-M2.1" : nd4j);
        if (!GpuCheck.cudaBackendHere()) {
            v.put("libnd4j", NativeBuild.loadedClassifier());
            String core = System.getenv(OpenBlasCore.VARIABLE);
            v.put("openblasCoretype", core == null || core.isBlank() ? "detected" : core);
            v.put("allocator", NativeAllocator.describeHere());
        }
        v.put("java", System.getProperty("java.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return v;
    }

    public static String backend() {
        try {
            String name = Nd4j.getBackend().getClass().getSimpleName();
            return name.replace("Backend", "") + " (" + Nd4j.getEnvironment().maxMasterThreads() + " threads)";
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    public static String host() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = "unknown";
        }
        return name + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    /** Peak resident set size of this process (Linux VmHWM), or 0 where /proc is not available. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown rather than guess from the heap
        }
        return 0;
    }
}
