package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Arrays;

/**
 * ONNX import of a fixture damaged byte by byte ({@link OnnxTarget}): the input is an edit script the fuzzer
 * mutates — set a byte, flip bits, insert or delete a run, cut the file short — applied to the seed model. Edits
 * rather than the whole file as input keep the corpus small (the model is 424 KB) and let coverage feedback steer
 * edits towards the protobuf's tags, lengths and dims rather than the weights' bytes.
 */
class OnnxBytesFuzzTest {

    @FuzzTest
    void load(FuzzedDataProvider edits) {
        byte[] b = OnnxTarget.SEED.clone();
        int n = edits.consumeInt(0, 6);
        for (int i = 0; i < n && b.length > 0; i++) {
            int at = edits.consumeInt(0, b.length - 1);
            switch (edits.consumeInt(0, 4)) {
                case 0 -> b[at] = edits.consumeByte();
                case 1 -> b[at] ^= (byte) (1 << edits.consumeInt(0, 7));
                case 2 -> b = splice(b, at, 0, edits.consumeBytes(16));
                case 3 -> b = splice(b, at, edits.consumeInt(1, 64), new byte[0]);
                default -> b = Arrays.copyOf(b, at);
            }
        }
        OnnxTarget.load(b);
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        int end = Math.min(b.length, at + remove);
        byte[] out = new byte[at + insert.length + b.length - end];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, end, out, at + insert.length, b.length - end);
        return out;
    }
}
