package io.github.dl4jtransfer.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * One batch as the trainer consumes it.
 *
 * @param images NCHW float images, preprocessed for the backbone
 * @param labels class indices (B) for single-label tasks, or multi-hot (B, L) for multi-label tasks
 * @param ids    sample ids, in batch order
 */
public record Batch(INDArray images, INDArray labels, List<String> ids) {
    public int size() {
        return (int) images.size(0);
    }
}
