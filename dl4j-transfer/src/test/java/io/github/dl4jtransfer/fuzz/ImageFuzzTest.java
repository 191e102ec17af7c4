package io.github.dl4jtransfer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.image.ImageDecoder;

import java.nio.file.Path;
import java.util.List;

/**
 * Image decoding under the fuzz property: the input is an image file's bytes (seeds: PNG 8/16-bit, gray, palette,
 * alpha, JPEG, BMP, GIF). {@link ImageDecoder#read} gives pixels or a {@link DatasetException} naming the file; the
 * checks {@code verifyImages} and {@code skipBadImages} use ({@link ImageDecoder#headerProblem},
 * {@link ImageDecoder#decodeProblem}) answer with a verdict and never throw.
 */
class ImageFuzzTest {

    @FuzzTest
    void decode(byte[] data) {
        try (Sandbox box = new Sandbox()) {
            Path file = box.write("image.png", data);
            box.seal();
            FuzzContract.check(FuzzContract.Named.of(file.toString(), List.of()), () -> {
                ImageDecoder.headerProblem(file);
                ImageDecoder.decodeProblem(file);
            });
            FuzzContract.check(FuzzContract.Named.of(file.toString(), List.of(DatasetException.class)), () -> ImageDecoder.read(file));
        }
    }
}
