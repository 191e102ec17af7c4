package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The aptos2019 reader under the fuzz property ({@link DatasetTarget}); seeds and findings in Aptos2019FuzzTestInputs/read/. */
class Aptos2019FuzzTest {

    @FuzzTest
    void read(byte[] data) {
        DatasetTarget.read("aptos2019", data);
    }
}
