package io.github.dl4jtransfer.graph;

/** Thrown inside an op rule for a form of an op (attribute, rank, data type) the importer cannot map. */
public class UnsupportedOpException extends RuntimeException {
    public UnsupportedOpException(String message) {
        super(message);
    }
}
