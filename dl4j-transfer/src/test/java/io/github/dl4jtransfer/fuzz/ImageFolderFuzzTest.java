package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The imagefolder reader under the fuzz property ({@link DatasetTarget}); seeds and findings in ImageFolderFuzzTestInputs/read/. */
class ImageFolderFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        DatasetTarget.read("imagefolder", data);
    }
}
