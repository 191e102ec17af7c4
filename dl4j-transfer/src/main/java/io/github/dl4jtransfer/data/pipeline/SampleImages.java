package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.Sample;
import io.github.dl4jtransfer.data.image.ImageDecoder;
import io.github.dl4jtransfer.data.image.RgbImage;

/** Decodes a sample's image; a failure names the sample and where the dataset lists it, so the user can find the file. */
final class SampleImages {

    private SampleImages() {
    }

    static RgbImage decode(Dataset dataset, Sample s) {
        try {
            return ImageDecoder.decode(s.image());
        } catch (RuntimeException e) {
            String origin = dataset.origin(s.id());
            throw new DatasetException(e.getMessage() + " [sample '" + s.id() + "'"
                    + (origin != null ? ", listed at " + origin : "") + "]", e);
        }
    }
}
