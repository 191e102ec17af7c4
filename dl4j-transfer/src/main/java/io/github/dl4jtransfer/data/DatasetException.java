package io.github.dl4jtransfer.data;

import java.nio.file.Path;

/**
 * Bad or unreadable data: a missing file or column, an unknown label, a corrupt image. The message
 * always names the file and, where there is one, the line and column, what was expected and the fix.
 */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * "file, line 18, column 'diagnosis': problem. fix" — lines are 1-based physical lines, so the
     * header of a CSV is line 1 and an editor jumps straight to the row.
     */
    public static DatasetException at(Path file, int line, String column, String problem, String fix) {
        StringBuilder m = new StringBuilder().append(file);
        if (line > 0) m.append(", line ").append(line);
        if (column != null) m.append(", column '").append(column).append('\'');
        m.append(": ").append(problem);
        if (fix != null && !fix.isEmpty()) m.append(". ").append(fix);
        return new DatasetException(m.toString());
    }
}
