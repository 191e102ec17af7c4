package io.github.dl4jtransfer.data.formats;

import io.github.dl4jtransfer.data.DatasetException;
import io.github.dl4jtransfer.data.DatasetOptions;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Small parsing helpers the readers share. */
final class Readers {

    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private Readers() {
    }

    static String name(DatasetOptions opts, String dflt) {
        return opts.taskName() != null ? opts.taskName() : dflt;
    }

    static String metric(DatasetOptions opts, String dflt) {
        return opts.metric() != null ? opts.metric() : dflt;
    }

    /** A class index written as "3", "3.0" or " 3 "; -1 when it is not a non-negative integer. */
    static int parseIndex(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            return d >= 0 && d == Math.rint(d) && d < Integer.MAX_VALUE ? (int) d : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && !n.startsWith(".") && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@code p} relative to {@code base}, with forward slashes on every OS (ids must be portable). */
    static String relativeId(Path base, Path p) {
        return base.relativize(p).toString().replace('\\', '/');
    }

    /**
     * The image a list row names, {@code name} resolved against {@code dir}. A name the file system cannot hold (a NUL
     * byte from a damaged or binary file) is an error naming the list, line and column (it was an
     * InvalidPathException naming nothing).
     */
    static Path image(Path dir, String name, Path listFile, int line, String column) {
        try {
            return dir.resolve(name);
        } catch (InvalidPathException e) {
            throw DatasetException.at(listFile, line, column, "'" + name.replace("\0", "\\0")
                    + "' is not a usable file name (" + e.getReason() + ")", "Fix the row; is the file damaged, or not text?");
        }
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
