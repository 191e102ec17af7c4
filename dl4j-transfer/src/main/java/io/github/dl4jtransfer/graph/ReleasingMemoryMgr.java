package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;


/**
 * A SameDiff session memory manager that frees an array's native buffer the moment the session releases
 * it, and counts the bytes the session holds.
 *
 * <p>M2.1's default, {@code ArrayCacheMemoryMgr}, keeps released buffers for reuse up to a quarter of
 * JavaCPP's {@code maxbytes} (the -Xmx when unset): 2.25 GiB in a 9 GiB worker, dead weight in a training
 * step, where that memory is wanted for the activations the backward pass still needs, and half the peak
 * of a ViT-B forward. ND4J's CPU buffers are not counted by JavaCPP, so nothing else would give them back
 * before the garbage collector ran. Freeing at once costs a ViT-B forward at batch 8 about a tenth of its
 * speed (fresh buffers instead of warm ones) and halves its memory (docs/performance.md).
 */
public final class ReleasingMemoryMgr extends AbstractMemoryMgr {

    private long live;
    private long peak;
    private long allocated;

    @Override
    public synchronized INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return counted(Nd4j.createUninitializedDetached(dataType, shape));
    }

    @Override
    public synchronized INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            INDArray empty = Nd4j.create(descriptor);
            return detached ? empty.detach() : empty;
        }
        return counted(Nd4j.createUninitializedDetached(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape()));
    }

    @Override
    public synchronized void release(INDArray array) {
        if (!array.closeable() || array.wasClosed()) return; // views and shared buffers belong to someone else
        live -= bytes(array);
        array.close();
    }

    @Override
    public void close() {
        // nothing pooled
    }

    /** Bytes allocated by the session and not yet released (arrays it returned to the caller stay counted). */
    public synchronized long liveBytes() {
        return live;
    }

    /** The most bytes the session held at once since the last {@link #resetPeak()}. */
    public synchronized long peakBytes() {
        return peak;
    }

    public synchronized void resetPeak() {
        peak = live;
    }

    /** Bytes allocated through this manager since it was made, released or not. */
    public synchronized long allocatedBytes() {
        return allocated;
    }

    private INDArray counted(INDArray a) {
        long b = bytes(a);
        allocated += b;
        live += b;
        peak = Math.max(peak, live);
        return a;
    }

    private static long bytes(INDArray a) {
        return a.data() == null ? 0 : a.data().length() * a.dataType().width();
    }
}
