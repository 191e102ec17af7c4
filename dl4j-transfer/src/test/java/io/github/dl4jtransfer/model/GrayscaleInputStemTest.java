package io.github.dl4jtransfer.model;

import io.github.dl4jtransfer.data.image.ChannelStats;
import io.github.dl4jtransfer.data.image.GrayscaleInput;
import io.github.dl4jtransfer.data.image.ImageDecoder;
import io.github.dl4jtransfer.data.image.Preprocessing;
import io.github.dl4jtransfer.data.image.ResizeMode;
import io.github.dl4jtransfer.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study's one-channel input for gray datasets, end to end against torch: its first layer cut to the red filters
 * ({@code weight.repeat(1, 4, 1, 1)[:, :1]}) on its one-channel input equals our exported three-channel model on the
 * {@link GrayscaleInput#R_CHANNEL} input, for a ResNet-like stem (7×7/2, zero padding) and a ViT-like patch
 * embedding, on a gray PNG and on an RGB PNG that PIL's {@code convert('L')} turns gray. Fixtures from
 * {@code tools/reference/make_gray_stem_fixtures.py}.
 */
class GrayscaleInputStemTest {

    static final Path DIR = Fixtures.ROOT.resolve("gray_stem");
    static final double TOLERANCE = 1e-5;
    static final List<String> IMAGES = List.of("gray", "rgb");
    static final List<String> MODELS = List.of("resnet_stem", "vit_patch");

    /** The study's transform at the fixture's geometry (squash 40, crop 32, PIL arithmetic, CheXpert's statistics). */
    static Preprocessing preprocessing(GrayscaleInput input) {
        ChannelStats chexpert = ChannelStats.study("chexpert").orElseThrow().broadcast(3);
        return Preprocessing.builder(32).optResize(40).optResizeMode(ResizeMode.SQUASH).optPilFixedPoint(true)
                .optMean(chexpert.mean()).optStd(chexpert.std()).optGrayscaleInput(input).build();
    }

    static INDArray input(String image, GrayscaleInput mode) {
        Preprocessing p = preprocessing(mode);
        float[] out = new float[p.tensorSize()];
        p.apply(ImageDecoder.read(Fixtures.ROOT.resolve("study_pipeline/input_" + image + ".png")), out, 0);
        return Nd4j.create(out, new long[]{1, 3, 32, 32}, 'c');
    }

    @Test
    void theOneChannelInputIsTheStudysConvertLThenNormalisedInChannelZeroAndZerosElsewhere() {
        for (String image : IMAGES) {
            INDArray x = input(image, GrayscaleInput.R_CHANNEL);
            INDArray study = Fixtures.npy(DIR.resolve("x_" + image + ".npy")); // (1, 1, 32, 32)
            double worst = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))
                    .sub(study).amaxNumber().doubleValue();
            // One 8-bit step is 1/255/0.292 = 0.013 here: 1e-6 means every pixel, luma and resampling included, is PIL's.
            assertTrue(worst <= 1e-6, image + ": max |ours - study| = " + worst);
            assertEquals(0.0, x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3))
                    .amaxNumber().doubleValue(), 0.0, "channels 1 and 2 are zero");
        }
    }

    @Test
    void theExportedThreeChannelModelOnTheRChannelInputIsTheStudysOneChannelModel() {
        for (String model : MODELS) {
            Backbone g = BackboneLoader.load(DIR.resolve(model).resolve("model.onnx"), null);
            for (String image : IMAGES) {
                INDArray expected = Fixtures.npy(DIR.resolve(model).resolve("y_" + image + ".npy"));
                double err = Fixtures.relativeL2(g.forward(input(image, GrayscaleInput.R_CHANNEL)).get("y"), expected);
                assertTrue(err < TOLERANCE, model + ", " + image + ": relative L2 " + err);
                double replicated = Fixtures.relativeL2(g.forward(input(image, GrayscaleInput.REPLICATE)).get("y"), expected);
                assertTrue(replicated > 1e-2, model + ", " + image + ": the replicated input must not match, relative L2 " + replicated);
                System.out.printf("%s, %s image: R_CHANNEL relative L2 %.2e, REPLICATE %.3f%n", model, image, err, replicated);
            }
        }
    }
}
