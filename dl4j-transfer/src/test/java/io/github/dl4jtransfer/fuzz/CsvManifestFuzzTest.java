package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The csv reader under the fuzz property ({@link DatasetTarget}); seeds and findings in CsvManifestFuzzTestInputs/read/. */
class CsvManifestFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        DatasetTarget.read("csv", data);
    }
}
