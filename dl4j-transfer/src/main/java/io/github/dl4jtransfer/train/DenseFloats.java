package io.github.dl4jtransfer.train;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * A float32 array's elements as a {@link FloatBuffer} over its own native memory (no copy), for loops that would
 * otherwise be a dozen ND4J ops, each a native call and a pass over memory. Only for arrays whose elements are
 * the whole buffer in row-major order; anything else (views, other orders and types) gets {@code null}.
 */
final class DenseFloats {

    private DenseFloats() {
    }

    static FloatBuffer of(INDArray a) {
        if (a == null || a.dataType() != DataType.FLOAT || a.isView() || a.ordering() != 'c' || a.isEmpty()
                || a.length() > Integer.MAX_VALUE || a.data().length() != a.length() || a.data().offset() != 0) {
            return null;
        }
        int n = (int) a.length();
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        return p.capacity(n).limit(n).asBuffer();
    }
}
