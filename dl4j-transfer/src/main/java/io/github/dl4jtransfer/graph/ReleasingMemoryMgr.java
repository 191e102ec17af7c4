package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;


/**
 * A SameDiff session memory manager that keeps the session's memory at its live frontier: a released buffer goes
 * to the next request for the same type and shape, or is freed at once — never parked for later beyond the pool's
 * limit — and the bytes the session holds are counted.
 *
 * <p>M2.1's default, {@code ArrayCacheMemoryMgr}, keeps released buffers for reuse up to a quarter of
 * JavaCPP's {@code maxbytes} (the -Xmx when unset): 2.25 GiB in a 9 GiB worker, dead weight in a training
 * step, where that memory is wanted for the activations the backward pass still needs, and half the peak
 * of a ViT-B forward. ND4J's CPU buffers are not counted by JavaCPP, so nothing else would give them back
 * before the garbage collector ran.
 *
 * <p>Why reuse, in gradient sessions ({@link #reusing()}): libnd4j zero-fills every buffer it allocates, and the
 * kernel zero-fills every page a fresh buffer first touches (docs/performance.md, "Training steps"). A graph asks
 * for the same shapes in the same order on every call, so a released buffer usually has a taker within the call
 * or at the start of the next. The pool holds at most {@link #poolLimit()} bytes — as much as one call has held
 * live at once — so the session stays within about its own peak; what does not fit is freed as before
 * ({@code -Dtransfer.sessionPool=false} frees everything at once). M2.1's own manager hands buffers back without
 * zero-filling them too: every op writes its whole output. Forward-only sessions free at once ({@link
 * #releasing()}): measured, reuse did not speed a ViT-B forward and added ≈ 0.1 GiB to its 1.4 GiB peak.
 *
 * <p>Why a new array object around a reused buffer, and only arrays handed out in this call accepted back: M2.1's
 * session can release one array twice (an Identity op passes its input through, so two values share it) and
 * notes an array as freed by its id after releasing it. Closing the array made a second release harmless; with
 * reuse, a late second release would give away a buffer that is in use again. So each reuse gets a fresh object
 * and a release counts only for an object this manager handed out and has not taken back.
 */
public final class ReleasingMemoryMgr extends AbstractMemoryMgr {

    /** {@code -Dtransfer.sessionPool}: reuse released buffers in {@link #reusing()} managers (default true). */
    public static final boolean POOL = Boolean.parseBoolean(System.getProperty("transfer.sessionPool", "true"));

    private final boolean reuse;
    private final Map<String, ArrayDeque<DataBuffer>> pool = new HashMap<>();
    private final Set<INDArray> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
    private long pooled;
    private long live;
    private long peak;
    private long largestCall;
    private long allocated;
    private long reused;

    private ReleasingMemoryMgr(boolean reuse) {
        this.reuse = reuse && POOL;
    }

    /** Frees each released buffer at once: for forward passes. */
    public static ReleasingMemoryMgr releasing() {
        return new ReleasingMemoryMgr(false);
    }

    /** Hands released buffers to later requests of the same shape, up to {@link #poolLimit()}: for training steps. */
    public static ReleasingMemoryMgr reusing() {
        return new ReleasingMemoryMgr(true);
    }

    @Override
    public synchronized INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return allocate(dataType, Nd4j.order(), shape);
    }

    @Override
    public synchronized INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            INDArray empty = Nd4j.create(descriptor);
            return detached ? empty.detach() : empty;
        }
        return allocate(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape());
    }

    private INDArray allocate(DataType type, char order, long[] shape) {
        DataBuffer b = take(key(type, order, shape));
        INDArray a = b == null ? Nd4j.createUninitializedDetached(type, order, shape)
                : Nd4j.create(b, shape, Nd4j.getStrides(shape, order), 0, order, type);
        long n = bytes(a);
        allocated += n;
        live += n;
        peak = Math.max(peak, live);
        largestCall = Math.max(largestCall, live);
        handedOut.add(a);
        return a;
    }

    @Override
    public synchronized void release(INDArray array) {
        if (!handedOut.remove(array) || !array.closeable() || array.wasClosed()) return; // not ours to free (any more)
        long n = bytes(array);
        live -= n;
        if (reuse && pooled + n <= largestCall) {
            pool.computeIfAbsent(key(array.dataType(), array.ordering(), array.shape()), k -> new ArrayDeque<>()).push(array.data());
            pooled += n;
        } else {
            array.close();
        }
    }

    /** Frees every pooled buffer. */
    @Override
    public synchronized void close() {
        pool.values().forEach(q -> q.forEach(DataBuffer::close));
        pool.clear();
        pooled = 0;
    }

    /** Bytes handed to the session in this call and not released (arrays it returns to the caller stay counted). */
    public synchronized long liveBytes() {
        return live;
    }

    /** The most bytes the session held at once in this call. */
    public synchronized long peakBytes() {
        return peak;
    }

    /**
     * Starts a call: what earlier calls returned belongs to their callers now (M2.1's session never releases an
     * array of an earlier call), so the count and the peak start from zero.
     */
    public synchronized void resetPeak() {
        handedOut.clear();
        live = 0;
        peak = 0;
    }

    /** Bytes handed to the session since this manager was made, fresh or reused, released or not. */
    public synchronized long allocatedBytes() {
        return allocated;
    }

    /** Of {@link #allocatedBytes()}, the bytes served from released buffers instead of fresh ones. */
    public synchronized long reusedBytes() {
        return reused;
    }

    /** Released bytes kept for reuse now. */
    public synchronized long pooledBytes() {
        return pooled;
    }

    /** The most the pool holds: the most bytes one call has held live at once. */
    public synchronized long poolLimit() {
        return largestCall;
    }

    private DataBuffer take(String key) {
        ArrayDeque<DataBuffer> q = pool.get(key);
        DataBuffer b = q == null ? null : q.poll();
        if (b == null) return null;
        long n = b.length() * b.dataType().width();
        pooled -= n;
        reused += n;
        return b;
    }

    private static String key(DataType type, char order, long[] shape) {
        return type.name() + order + Arrays.toString(shape);
    }

    private static long bytes(INDArray a) {
        return a.data() == null ? 0 : a.data().length() * a.dataType().width();
    }
}
