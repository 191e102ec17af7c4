package io.github.dl4jtransfer.train;

import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A SameDiff session memory manager that frees an array's native buffer the moment the session releases
 * it, and counts the bytes the session holds.
 *
 * <p>M2.1's default, {@code ArrayCacheMemoryMgr}, keeps released buffers for reuse up to a quarter of
 * JavaCPP's {@code maxbytes} (2.25 GiB with the 9 GiB our workers run with): useful for a forward pass
 * that repeats shapes, dead weight during a training step where that memory is wanted for the activations
 * the backward pass still needs. ND4J's CPU buffers are not counted by JavaCPP, so nothing else would give
 * them back before the garbage collector ran.
 */
final class ReleasingMemoryMgr extends AbstractMemoryMgr {

    private final AtomicLong live = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong allocated = new AtomicLong();

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return counted(Nd4j.createUninitializedDetached(dataType, shape));
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            INDArray empty = Nd4j.create(descriptor);
            return detached ? empty.detach() : empty;
        }
        return counted(Nd4j.createUninitializedDetached(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape()));
    }

    @Override
    public void release(INDArray array) {
        if (array.closeable()) {
            live.addAndGet(-bytes(array));
            array.close();
        }
    }

    @Override
    public void close() {
        // nothing pooled
    }

    /** Bytes allocated by the session and not yet released (arrays it returned to the caller stay counted). */
    long liveBytes() {
        return live.get();
    }

    /** The most bytes the session held at once since the last {@link #resetPeak()}. */
    long peakBytes() {
        return peak.get();
    }

    void resetPeak() {
        peak.set(live.get());
    }

    /** Bytes allocated through this manager since it was made, released or not. */
    long allocatedBytes() {
        return allocated.get();
    }

    private INDArray counted(INDArray a) {
        allocated.addAndGet(bytes(a));
        long now = live.addAndGet(bytes(a));
        peak.accumulateAndGet(now, Math::max);
        return a;
    }

    private static long bytes(INDArray a) {
        return a.data() == null ? 0 : a.data().length() * a.dataType().width();
    }
}
