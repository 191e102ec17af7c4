package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The ddsm reader under the fuzz property ({@link DatasetTarget}); seeds and findings in DdsmFuzzTestInputs/read/. */
class DdsmFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        DatasetTarget.read("ddsm", data);
    }
}
