package io.github.dl4jtransfer.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an ONNX tensor name stands for while a graph is translated. Keeping these apart is what lets
 * the importer fold shape arithmetic and constants at import time while the batch stays dynamic.
 */
public sealed interface Value permits Value.Const, Value.Sym, Value.Init, Value.Tensor {

    Dim[] shape();

    DataType dataType();

    /** A value known at import time that is not a model weight (Constant nodes, folded results). */
    record Const(INDArray array) implements Value {
        public Dim[] shape() {
            return Dim.ofStatic(array.shape());
        }

        public DataType dataType() {
            return array.dataType();
        }
    }

    /**
     * An integer vector (or scalar) of possibly batch-dependent dimensions: the result of
     * {@code Shape} and the arithmetic torch's exporter builds on it.
     */
    record Sym(Dim[] elems, boolean scalar) implements Value {
        public Dim[] shape() {
            return scalar ? new Dim[0] : new Dim[]{Dim.of(elems.length)};
        }

        public DataType dataType() {
            return DataType.INT64;
        }

        public boolean isStatic() {
            return Dim.allStatic(elems);
        }
    }

    /** An ONNX initializer: a weight that becomes a named SameDiff variable where the graph uses it. */
    record Init(String onnxName, INDArray array) implements Value {
        public Dim[] shape() {
            return Dim.ofStatic(array.shape());
        }

        public DataType dataType() {
            return array.dataType();
        }
    }

    /** A value computed by the imported graph at run time. */
    record Tensor(SDVariable var, Dim[] shape, DataType dataType) implements Value {
        public int rank() {
            return shape.length;
        }
    }
}
