package io.github.dl4jtransfer.device;

import io.github.dl4jtransfer.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workers run jemalloc where the machine has it, glibc's malloc where it has not or where asked; a bad path is refused. */
class NativeAllocatorTest {

    @Test
    void autoTakesTheFirstJemallocOnTheSearchPathAndSystemKeepsGlibc(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("lib64/libjemalloc.so.2");
        Path found = Files.createDirectories(dir.resolve("lib")).resolve("libjemalloc.so.2");
        Files.writeString(found, "");
        List<Path> search = List.of(missing, found);
        assertEquals(Optional.of(found), NativeAllocator.resolve("auto", search));
        assertEquals(Optional.of(found), NativeAllocator.resolve(null, search), "unset means auto");
        assertEquals(Optional.of(found), NativeAllocator.resolve(" AUTO ", search));
        assertEquals(Optional.empty(), NativeAllocator.resolve("auto", List.of(missing)), "no jemalloc here: glibc, no error");
        assertEquals(Optional.empty(), NativeAllocator.resolve("system", search), "system: glibc even where jemalloc is installed");
        assertEquals(Optional.of(found), NativeAllocator.resolve(found.toString(), List.of()), "a path names the library");
    }

    @Test
    void aPathThatIsNoFileIsRefusedWithTheFix(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> NativeAllocator.resolve(dir.resolve("libjemalloc.so.2").toString(), List.of()));
        assertTrue(e.getMessage().contains("<allocator>") && e.getMessage().contains("apt-get install libjemalloc2")
                && e.getMessage().contains("system"), e.getMessage());
        assertThrows(ConfigException.class, () -> NativeAllocator.resolve("jemalloc-please", List.of()), "not a setting, not a file");
    }

    @Test
    void autoPreloadsJemallocIntoOneDnnWorkersOnlyAndANamedAllocatorGoesEverywhere() {
        assertEquals("auto", NativeAllocator.forWorker(null, NativeBuild.ONEDNN_AVX2));
        assertEquals("auto", NativeAllocator.forWorker(" Auto ", NativeBuild.ONEDNN_AVX512));
        assertEquals("system", NativeAllocator.forWorker("auto", NativeBuild.PLAIN), "plain build: glibc measured as fast and smaller");
        assertEquals("system", NativeAllocator.forWorker("auto", null), "the CUDA worker");
        assertEquals("/opt/libjemalloc.so.2", NativeAllocator.forWorker(" /opt/libjemalloc.so.2", NativeBuild.PLAIN));
        assertEquals("system", NativeAllocator.forWorker("system", NativeBuild.ONEDNN_AVX2));
    }

    @Test
    void theWorkersSettingTravelsInItsJvmArgumentsTheLastOneWinning() {
        assertEquals("auto", NativeAllocator.settingIn(List.of("-Xmx2g")));
        assertEquals("system", NativeAllocator.settingIn(List.of("-Dtransfer.allocator=auto", "-Xmx2g", "-Dtransfer.allocator=system")));
    }

    @Test
    void applyPreloadsTheLibraryFirstAndKeepsWhatTheUserConfigured() {
        Path lib = Path.of("/opt/je/libjemalloc.so.2");
        Map<String, String> env = new HashMap<>();
        NativeAllocator.apply(env, Optional.of(lib));
        assertEquals(lib.toString(), env.get("LD_PRELOAD"));
        assertEquals(NativeAllocator.MALLOC_CONF_DEFAULT, env.get("MALLOC_CONF"), "freed pages stay for the next batch");

        Map<String, String> configured = new HashMap<>(Map.of("LD_PRELOAD", "/x/libprofiler.so", "MALLOC_CONF", "narenas:2"));
        NativeAllocator.apply(configured, Optional.of(lib));
        assertEquals(lib + ":/x/libprofiler.so", configured.get("LD_PRELOAD"), "an existing preload is kept, after jemalloc");
        assertEquals("narenas:2", configured.get("MALLOC_CONF"), "a configured MALLOC_CONF wins");
        NativeAllocator.apply(configured, Optional.of(lib));
        assertEquals(lib + ":/x/libprofiler.so", configured.get("LD_PRELOAD"), "not preloaded twice");

        Map<String, String> glibc = new HashMap<>(Map.of("A", "b"));
        NativeAllocator.apply(glibc, Optional.empty());
        assertEquals(Map.of("A", "b"), glibc, "glibc: the environment is left alone");
    }

    @Test
    void theLoadedAllocatorIsReadFromTheProcessMaps(@TempDir Path dir) throws Exception {
        Path maps = dir.resolve("maps");
        Files.writeString(maps, "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
                + "7f02-7f03 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n");
        assertEquals(Optional.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"), NativeAllocator.describeLoaded(maps));
        Files.writeString(maps, "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n");
        assertEquals(Optional.empty(), NativeAllocator.describeLoaded(maps));
        assertEquals(Optional.empty(), NativeAllocator.describeLoaded(dir.resolve("none")), "no /proc: glibc assumed");
    }
}
