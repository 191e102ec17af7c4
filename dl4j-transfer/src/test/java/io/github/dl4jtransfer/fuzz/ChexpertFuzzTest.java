package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The chexpert reader under the fuzz property ({@link DatasetTarget}); seeds and findings in ChexpertFuzzTestInputs/read/. */
class ChexpertFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        DatasetTarget.read("chexpert", data);
    }
}
