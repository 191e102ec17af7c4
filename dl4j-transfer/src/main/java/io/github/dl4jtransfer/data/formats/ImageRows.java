package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.Dataset;
import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;
import io.github.dl4jtransfer.data.SkippedImage;
import io.github.dl4jtransfer.data.image.ImageDecoder;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image check every reader applies to a row: exists (always), header and end marker readable (verifyImages),
 * the whole image decodes (skipBadImages: an image skipped as bad must be every image that would fail in training,
 * not only those with a bad header, or a damaged image with a good header fails the cell despite skipBadImages).
 */
final class ImageRows {

    private ImageRows() {
    }

    /**
     * True when {@code image} may be used. A bad image is an error naming the list file, line and column,
     * or, under {@code skipBadImages}, a {@link SkippedImage} recorded in {@code b} and false.
     */
    static boolean accept(Dataset.Builder b, DatasetOptions opts, String id, Path image, Path listFile, int line, String column) {
        String problem = !Files.isRegularFile(image) ? "missing file"
                : opts.skipBadImages() ? ImageDecoder.decodeProblem(image)
                : opts.verifyImages() ? ImageDecoder.headerProblem(image) : null;
        if (problem == null) {
            b.origin(id, listFile, line);
            return true;
        }
        if (opts.skipBadImages()) {
            b.skip(new SkippedImage(id, image.toString(), line, problem));
            return false;
        }
        throw DatasetException.at(listFile, line, column, "image " + image + ": " + problem,
                "Fix the path or the file, or read with skipBadImages to skip and count such rows");
    }
}
