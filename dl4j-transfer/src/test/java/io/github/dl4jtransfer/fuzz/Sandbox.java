package io.github.dl4jtransfer.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The folders one fuzz input lives in: {@code in/} holds the files the input describes, {@code out/} is the only
 * place a parse may write. {@link #close()} checks that nothing was written anywhere else it can see — the sandbox's
 * own root, the input files (a reader must not change a dataset) and the test's working directory — and deletes
 * the case. Writes elsewhere (an absolute path named by the input) are outside what this can see; the readers
 * under test write nothing at all, which {@code in/} staying unchanged shows.
 */
final class Sandbox implements AutoCloseable {

    private static final Path ROOT;
    private static final Path CWD = Path.of("").toAbsolutePath();

    static {
        try {
            ROOT = Files.createTempDirectory("dl4j-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final Path dir;
    final Path in;
    final Path out;
    private final Set<String> cwdBefore;
    private Map<String, Long> inputs;

    Sandbox() {
        try {
            dir = Files.createDirectory(ROOT.resolve("case"));
            in = Files.createDirectory(dir.resolve("in"));
            out = Files.createDirectory(dir.resolve("out"));
        } catch (IOException e) {
            throw new UncheckedIOException("the previous case was not cleaned up", e);
        }
        cwdBefore = names(CWD);
    }

    /** Writes {@code bytes} to {@code relative} under {@code in/}; null (nothing written) for a path leaving it or unusable. */
    Path write(String relative, byte[] bytes) {
        try {
            Path p = in.resolve(relative).normalize();
            if (!p.startsWith(in) || p.equals(in)) return null;
            Files.createDirectories(p.getParent());
            return Files.write(p, bytes);
        } catch (IOException | RuntimeException e) {
            return null; // a name the file system refuses (NUL, too long, a file where a folder must go): not written
        }
    }

    /** Marks the inputs complete: from here on they must not change. */
    Sandbox seal() {
        inputs = tree(in);
        return this;
    }

    @Override
    public void close() {
        try {
            if (!names(ROOT).equals(Set.of("case"))) throw new AssertionError("wrote outside the output folder: " + names(ROOT));
            Set<String> top = names(dir);
            if (!Set.of("in", "out").containsAll(top)) throw new AssertionError("wrote outside the output folder: " + top);
            if (inputs != null && !tree(in).equals(inputs)) throw new AssertionError("changed the input files: " + tree(in).keySet());
            if (!names(CWD).equals(cwdBefore)) throw new AssertionError("wrote into the working directory: " + names(CWD));
        } finally {
            delete(dir);
        }
    }

    /** Entries of {@code d}, but the JVM's own attach handshake files (a Jazzer agent attaching to a JVM beside this one). */
    private static Set<String> names(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".attach_pid"))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Long> tree(Path d) {
        Map<String, Long> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(d)) {
            s.forEach(p -> {
                try {
                    m.put(d.relativize(p).toString(), Files.isDirectory(p) ? -1L : Files.size(p) * 31 + Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    private static void delete(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
