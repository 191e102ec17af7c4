package io.github.dl4jtransfer.graph;

import io.github.dl4jtransfer.device.NativeAllocator;
import io.github.dl4jtransfer.device.NativeBuild;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Gives a SameDiff graph's session on the calling thread a {@link ReleasingMemoryMgr}, one per graph.
 *
 * <p>M2.1 offers no per-graph setting: a graph makes one session per thread through a process-wide
 * factory, and a gradient function has its sessions already when we first see it ({@code createGradFunction}
 * associates arrays, which makes one). So the session is looked up in the graph's private session map — the
 * one reflective access to ND4J in this project, pinned to 1.0.0-M2.1. If the field is missing (another
 * ND4J), the graph keeps ND4J's default manager and a warning says so: the numbers stay right, only the
 * memory is higher.
 */
public final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final Field SESSIONS = sessionsField();
    private static final Map<SameDiff, ReleasingMemoryMgr> MANAGERS = Collections.synchronizedMap(new WeakHashMap<>());

    private Sessions() {
    }

    /**
     * Inference sessions ({@code -Dtransfer.inferenceMemory}): {@code release} (the default) frees each activation
     * after its last use — a ViT-B forward at batch 8 peaks at 1.5 GiB instead of 2.7–3.7 GiB; {@code nd4j} keeps
     * M2.1's pooling manager, the default only on a oneDNN libnd4j build ({@link NativeBuild#loaded()}) under glibc's
     * malloc, which fragments when oneDNN's buffers are freed at once (a frozen cell past 15 GiB, and slower). Under
     * jemalloc ({@link NativeAllocator#loadedHere()}) freeing at once is both the smaller and the faster
     * (docs/performance.md, "The allocator"). Gradient sessions always release ({@code train.Backprop}).
     */
    public static final String INFERENCE_MEMORY = System.getProperty("transfer.inferenceMemory",
            NativeBuild.loaded().onednn() && !NativeAllocator.loadedHere() ? "nd4j" : "release");

    /** Prepares {@code sd}'s session on this thread for a forward pass, per {@link #INFERENCE_MEMORY}. */
    public static void forInference(SameDiff sd) {
        switch (INFERENCE_MEMORY) {
            case "release" -> releasing(sd).resetPeak(); // one call: sizes the pool (ReleasingMemoryMgr)
            case "nd4j" -> { }
            default -> throw new IllegalArgumentException("-Dtransfer.inferenceMemory=" + INFERENCE_MEMORY
                    + " is not a memory mode; use release (default) or nd4j");
        }
    }

    /** The manager now in use by {@code sd}'s session on this thread, freeing at once (made on first use). */
    public static ReleasingMemoryMgr releasing(SameDiff sd) {
        return install(sd, MANAGERS.computeIfAbsent(sd, k -> ReleasingMemoryMgr.releasing()));
    }

    /** The manager now in use by a gradient function's session on this thread, reusing buffers (made on first use). */
    public static ReleasingMemoryMgr forGradients(SameDiff grad) {
        return install(grad, MANAGERS.computeIfAbsent(grad, k -> ReleasingMemoryMgr.reusing()));
    }

    /** Frees what {@code grad}'s reusing manager keeps (nothing when it has none); installs nothing. */
    public static void freeKeptBuffers(SameDiff grad) {
        ReleasingMemoryMgr mmgr = MANAGERS.get(grad);
        if (mmgr != null) mmgr.close();
    }

    private static ReleasingMemoryMgr install(SameDiff sd, ReleasingMemoryMgr mmgr) {
        if (SESSIONS == null) return mmgr;
        try {
            @SuppressWarnings("unchecked")
            Map<Long, InferenceSession> sessions = (Map<Long, InferenceSession>) SESSIONS.get(sd);
            InferenceSession s = sessions.computeIfAbsent(Thread.currentThread().getId(), k -> SameDiff.getInferenceFactory().create(sd));
            if (s.getMmgr() != mmgr) s.setMmgr(mmgr);
        } catch (IllegalAccessException | ClassCastException e) {
            LOG.warn("cannot set the session memory manager ({}); the graph keeps ND4J's default", e.toString());
        }
        return mmgr;
    }

    private static Field sessionsField() {
        try {
            Field f = SameDiff.class.getDeclaredField("sessions");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(Sessions.class).warn("SameDiff has no sessions field ({}): sessions keep ND4J's default memory manager", e.toString());
            return null;
        }
    }
}
