package io.github.dl4jtransfer.data.pipeline;

import io.github.dl4jtransfer.data.Batch;

import java.util.Iterator;
import java.util.function.UnaryOperator;

/** Batches for one epoch; a training source reshuffles per epoch from its seed, an evaluation source does not. */
public interface BatchSource {

    Iterable<Batch> epoch(int epoch);

    int sampleCount();

    int batchCount();

    /** The same batches, each transformed once as it is read (e.g. converted once for several consumers). */
    default BatchSource map(UnaryOperator<Batch> f) {
        BatchSource source = this;
        return new BatchSource() {
            @Override
            public Iterable<Batch> epoch(int epoch) {
                return () -> {
                    Iterator<Batch> it = source.epoch(epoch).iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Batch next() {
                            return f.apply(it.next());
                        }
                    };
                };
            }

            @Override
            public int sampleCount() {
                return source.sampleCount();
            }

            @Override
            public int batchCount() {
                return source.batchCount();
            }
        };
    }
}
