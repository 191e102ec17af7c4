package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The isic2019 reader under the fuzz property ({@link DatasetTarget}); seeds and findings in Isic2019FuzzTestInputs/read/. */
class Isic2019FuzzTest {

    @FuzzTest
    void read(byte[] data) {
        DatasetTarget.read("isic2019", data);
    }
}
