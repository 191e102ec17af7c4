package io.github.dl4jtransfer.device;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** OpenBLAS is told the kernels the CPU runs: bundled 0.3.19 does not recognise newer CPUs by itself. */
class OpenBlasCoreTest {

    private static Set<String> flags(String s) {
        return Set.of(s.split(" "));
    }

    @Test
    void coreTypeFollowsTheCpusVectorUnits() {
        assertEquals(Optional.of("SKYLAKEX"), OpenBlasCore.forFlags(flags(NativeBuildTest.ZEN5)));
        assertEquals(Optional.of("HASWELL"), OpenBlasCore.forFlags(flags(NativeBuildTest.HASWELL)));
        assertEquals(Optional.empty(), OpenBlasCore.forFlags(flags(NativeBuildTest.NEHALEM)), "no AVX2: OpenBLAS decides");
        assertEquals(Optional.of("HASWELL"), OpenBlasCore.forFlags(flags("avx avx2 fma avx512f")),
                "AVX-512 foundation alone is not the SkylakeX set");
    }

    @Test
    void applyOverwritesAnInheritedCoreTypeWithTheOneForThisCpu() {
        Map<String, String> env = new HashMap<>(Map.of(OpenBlasCore.VARIABLE, "PRESCOTT", "OTHER", "x"));
        OpenBlasCore.apply(env);
        assertEquals(OpenBlasCore.forThisMachine().orElse("PRESCOTT"), env.get(OpenBlasCore.VARIABLE));
        assertEquals("x", env.get("OTHER"));
    }
}
