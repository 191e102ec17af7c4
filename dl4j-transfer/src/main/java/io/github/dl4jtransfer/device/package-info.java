/**
 * The machine a CUDA worker will run on, checked before any long work: {@link io.github.dl4jtransfer.device.GpuCheck}
 * reads each visible GPU's compute capability from {@code nvidia-smi} and fails, naming the GPU and the fix, where
 * the nd4j-cuda build this project runs on ships no kernel for it.
 *
 * <p>It uses only {@code config} (for {@code ConfigException}) and the JDK, never ND4J, so the check runs in a JVM
 * that has not loaded (and could not load) the CUDA backend, and stands alone with the library's classes.
 */
package io.github.dl4jtransfer.device;
