package io.github.dl4jtransfer.maven;

/**
 * The ND4J backend put on the worker JVM's classpath. Lower-case constants because Maven converts
 * {@code <backend>cpu</backend>} by the constant's exact name.
 */
public enum Backend {
    /** nd4j-native (default). */
    cpu,
    /** nd4j-cuda-11.6: CUDA 11.6, cuDNN 8, Linux x86_64, compute capability 3.7 to 8.x (no Hopper), checked before any cell runs. */
    cuda
}
