package io.github.dl4jtransfer.device;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenBLAS kernels a worker asks for ({@code OPENBLAS_CORETYPE}), by the CPU's flags. ND4J 1.0.0-M2.1 bundles
 * OpenBLAS 0.3.19 (December 2021), whose run-time detection does not know CPUs released after it: on an AMD EPYC of
 * the Zen 5 family it falls back to generic kernels, and an {@code OPENBLAS_CORETYPE=Haswell} left in the environment
 * caps it at AVX2. Measured on that machine, one thread, 2048² sgemm: 51 GFLOP/s detected, 108 with Haswell's
 * kernels, 181 with SkylakeX's (docs/performance.md, "Native builds"). So a CPU with AVX-512 gets {@code SKYLAKEX},
 * one with AVX2 and FMA {@code HASWELL} (the kernels those flags run), any other is left to OpenBLAS.
 *
 * <p>Read at library load, so it must be in the worker's environment: {@code ForkedExecutor} sets it when it starts a
 * worker, on the machine the worker runs on (a Spark executor's CPU, not the driver's), over whatever the inherited
 * environment says, and under {@code <environmentVariables>}, which wins.
 */
public final class OpenBlasCore {

    public static final String VARIABLE = "OPENBLAS_CORETYPE";

    private OpenBlasCore() {
    }

    /** The core type for a CPU with these {@code /proc/cpuinfo} flags; empty where OpenBLAS should decide. */
    public static Optional<String> forFlags(Set<String> flags) {
        if (NativeBuild.AVX512.runsOn(flags)) return Optional.of("SKYLAKEX");
        if (NativeBuild.AVX2.runsOn(flags)) return Optional.of("HASWELL");
        return Optional.empty();
    }

    /** {@link #forFlags} for this machine ({@code /proc/cpuinfo}, or {@value NativeBuild#CPUINFO_PROPERTY}). */
    public static Optional<String> forThisMachine() {
        return forFlags(NativeBuild.flagsHere());
    }

    /** Sets {@value #VARIABLE} in a child's environment for this machine's CPU (before the configured variables are laid over it). */
    public static void apply(Map<String, String> childEnvironment) {
        forThisMachine().ifPresent(t -> childEnvironment.put(VARIABLE, t));
    }

    /** Prints the core type this machine's workers get (empty when none is set), for the perf scripts. */
    public static void main(String[] args) {
        System.out.println(forThisMachine().orElse(""));
    }
}
