package io.github.dl4jtransfer.data;

/**
 * An image left out under {@code skipBadImages}: which sample, which file (and list/CSV line), and why.
 * The count goes into the run's result record so a result on fewer images never passes silently.
 */
public record SkippedImage(String id, String file, int line, String reason) {
}
