package io.github.dl4jtransfer.graph;

/**
 * An ONNX file that cannot be imported. The message names the file, and where it applies the node
 * (op type and name) and what to do about it.
 */
public class OnnxImportException extends RuntimeException {

    private final String opType;
    private final String nodeName;
    private final String file;

    public OnnxImportException(String message, String opType, String nodeName, String file, Throwable cause) {
        super(compose(message, opType, nodeName, file), cause);
        this.opType = opType;
        this.nodeName = nodeName;
        this.file = file;
    }

    public OnnxImportException(String message, String file, Throwable cause) {
        this(message, null, null, file, cause);
    }

    private static String compose(String message, String opType, String nodeName, String file) {
        StringBuilder sb = new StringBuilder();
        if (opType != null) {
            sb.append("ONNX node '").append(nodeName).append("' (op ").append(opType).append(")");
            sb.append(" in ").append(file).append(": ");
        } else {
            sb.append(file).append(": ");
        }
        return sb.append(message).toString();
    }

    public String opType() {
        return opType;
    }

    public String nodeName() {
        return nodeName;
    }

    public String file() {
        return file;
    }
}
