package io.github.dl4jtransfer.train;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Puts a {@link ReleasingMemoryMgr} into the calling thread's session of a SameDiff graph (a gradient
 * function). M2.1 offers no per-graph setting: a graph makes one session per thread through a process-wide
 * factory, and a gradient function has its sessions already when we first see it ({@code createGradFunction}
 * associates arrays, which makes one). So the session is looked up in the graph's private session map — the
 * one reflective access to ND4J in this project, pinned to 1.0.0-M2.1. If the field is missing (another
 * ND4J), the graph keeps M2.1's default manager and a warning says so: the numbers stay right, only the
 * memory is higher.
 */
final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final Field SESSIONS = sessionsField();
    private static final Map<SameDiff, ReleasingMemoryMgr> MANAGERS = Collections.synchronizedMap(new WeakHashMap<>());

    private Sessions() {
    }

    /** The releasing manager now in use by {@code sd}'s session on this thread (made on first use). */
    static ReleasingMemoryMgr releasing(SameDiff sd) {
        ReleasingMemoryMgr mmgr = MANAGERS.computeIfAbsent(sd, k -> new ReleasingMemoryMgr());
        if (SESSIONS == null) return mmgr;
        try {
            @SuppressWarnings("unchecked")
            Map<Long, InferenceSession> sessions = (Map<Long, InferenceSession>) SESSIONS.get(sd);
            InferenceSession s = sessions.computeIfAbsent(Thread.currentThread().getId(), k -> SameDiff.getInferenceFactory().create(sd));
            if (s.getMmgr() != mmgr) s.setMmgr(mmgr);
        } catch (IllegalAccessException | ClassCastException e) {
            LOG.warn("cannot set the gradient session's memory manager ({}); training keeps ND4J's default", e.toString());
        }
        return mmgr;
    }

    private static Field sessionsField() {
        try {
            Field f = SameDiff.class.getDeclaredField("sessions");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(Sessions.class).warn("SameDiff has no sessions field ({}): gradient sessions keep ND4J's default memory manager", e.toString());
            return null;
        }
    }
}
