package io.github.dl4jtransfer.graph;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session memory managers: what they free, what they reuse, and that a buffer in use is never handed out twice. */
class ReleasingMemoryMgrTest {

    @Test
    void aReleasedBufferGoesToTheNextRequestOfItsShapeInANewArray() {
        ReleasingMemoryMgr m = ReleasingMemoryMgr.reusing();
        m.resetPeak();
        INDArray a = m.allocate(false, DataType.FLOAT, 2, 3);
        m.release(a);
        INDArray b = m.allocate(false, DataType.FLOAT, 2, 3);
        assertNotSame(a, b, "a new array object: M2.1's session keys freed arrays by id");
        assertSame(a.data(), b.data());
        assertFalse(b.wasClosed());
        INDArray other = m.allocate(false, DataType.FLOAT, 3, 2);
        assertNotSame(a.data(), other.data(), "only the same shape reuses");
        assertEquals(24, m.reusedBytes());
    }

    @Test
    void aLateSecondReleaseDoesNotGiveAwayABufferInUse() {
        // an Identity op passes its input through: M2.1's session may release the same array twice
        ReleasingMemoryMgr m = ReleasingMemoryMgr.reusing();
        m.resetPeak();
        INDArray a = m.allocate(false, DataType.FLOAT, 4);
        m.release(a);
        INDArray b = m.allocate(false, DataType.FLOAT, 4); // a's buffer, in use again
        m.release(a);                                        // the late release of the old array
        INDArray c = m.allocate(false, DataType.FLOAT, 4);
        assertNotSame(b.data(), c.data(), "b's buffer was handed out a second time while b is live");
        assertEquals(32, m.liveBytes());
    }

    @Test
    void thePoolHoldsNoMoreThanOneCallHeldLive() {
        ReleasingMemoryMgr m = ReleasingMemoryMgr.reusing();
        m.resetPeak();
        INDArray a = m.allocate(false, DataType.FLOAT, 100), b = m.allocate(false, DataType.FLOAT, 50);
        m.release(a);
        m.release(b);
        assertEquals(600, m.poolLimit());
        assertEquals(600, m.pooledBytes());
        m.resetPeak();
        INDArray c = m.allocate(false, DataType.FLOAT, 200); // fresh: no 200-float buffer kept
        m.release(c); // would make 1,400 pooled bytes: freed instead
        assertTrue(c.wasClosed());
        assertEquals(800, m.poolLimit());
        assertEquals(600, m.pooledBytes());
        m.close();
        assertEquals(0, m.pooledBytes());
    }

    @Test
    void aFreeingManagerKeepsNothingAndCountsThePeak() {
        ReleasingMemoryMgr m = ReleasingMemoryMgr.releasing();
        m.resetPeak();
        INDArray a = m.allocate(false, DataType.FLOAT, 10);
        INDArray b = m.allocate(false, DataType.DOUBLE, 10);
        m.release(a);
        assertTrue(a.wasClosed());
        INDArray c = m.allocate(false, DataType.FLOAT, 10);
        assertNotSame(a.data(), c.data());
        assertEquals(0, m.pooledBytes());
        assertEquals(120, m.peakBytes());
        assertEquals(120, m.liveBytes());
        m.resetPeak();
        assertEquals(0, m.liveBytes(), "what earlier calls returned is their callers'");
        m.release(b); // not handed out in this call: not the session's to free
        assertFalse(b.wasClosed());
    }
}
