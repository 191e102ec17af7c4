package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;

import java.nio.file.Path;

/**
 * A file under {@code cells/} that is not a usable cell result: not JSON, missing what a result needs, or holding
 * another cell's result. Named after the file, with the fix (delete it and the cell runs again), where a bare
 * NullPointerException named nothing. A {@link ConfigException} so the plugin reports it as it reports the other
 * problems a user must fix, element first.
 */
public final class CellFileException extends ConfigException {

    private final transient Path file;

    public CellFileException(Path file, String problem, String fix, Throwable cause) {
        super("cell result " + file, problem, fix);
        this.file = file;
        if (cause != null) initCause(cause);
    }

    public Path file() {
        return file;
    }
}
