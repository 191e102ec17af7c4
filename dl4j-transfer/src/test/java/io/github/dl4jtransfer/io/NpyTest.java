package io.github.dl4jtransfer.io;

import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reference outputs are .npy files written by numpy; Fortran-ordered ones must not be scrambled. */
class NpyTest {

    static final Path DIR = Fixtures.ROOT.resolve("npy");

    @Test
    void readsCAndFortranOrderAlike() {
        INDArray expected = Nd4j.arange(24).castTo(DataType.FLOAT).reshape(2, 3, 4);
        assertEquals(expected, Npy.read(DIR.resolve("c_f4.npy")));
        assertEquals(expected, Npy.read(DIR.resolve("fortran_f4.npy")));
    }

    @Test
    void readsATransposedBatchOfOneAsNumpyMeantIt() {
        INDArray t = Npy.read(DIR.resolve("transposed_b1.npy"));
        assertArrayEquals(new long[]{1, 6, 4}, t.shape());
        // element [0, i, j] of arange(24).reshape(1, 4, 6).transpose(0, 2, 1) is j * 6 + i
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) assertEquals(j * 6 + i, t.getFloat(0, i, j), 0);
        }
    }

    @Test
    void readsIntegersAndScalars() {
        INDArray i = Npy.read(DIR.resolve("i8.npy"));
        assertEquals(DataType.INT64, i.dataType());
        assertEquals(5L, i.getLong(1, 2));
        INDArray s = Npy.read(DIR.resolve("f8_scalar.npy"));
        assertEquals(0, s.rank());
        assertEquals(2.5, s.getDouble(0), 0);
    }

    @Test
    void rejectsOtherFiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.read(Fixtures.tiny("deit-b16").resolveSibling("model.json")));
        assertEquals(true, e.getMessage().contains("model.json"));
    }
}
