package io.github.dl4jtransfer.data.synth;

import java.nio.file.Path;
import java.util.List;

/**
 * One synthmed copy under target/ for every test that only reads it: generation is idempotent, so it
 * runs once per clean build instead of once per test class.
 */
final class SharedSynthMed {

    static final Path ROOT = Path.of("target", "test-synthmed");
    private static List<SynthMed.Entry> entries;

    private SharedSynthMed() {
    }

    static synchronized List<SynthMed.Entry> entries() {
        if (entries == null) entries = SynthMed.generate(ROOT, SynthMed.DEFAULT_SEED);
        return entries;
    }
}
