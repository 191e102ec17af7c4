package io.github.dl4jtransfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The library's packages form layers: no package depends, directly or through others, on a package that
 * depends on it. A cycle means neither side can be understood, tested or moved without the other (a reader
 * registry in {@code data} that lists the readers built on {@code data}, say), and it tends to grow.
 *
 * <p>The package graph is read from the main sources rather than from bytecode, because javac inlines
 * constants (a dependency invisible to jdeps) and drops unused imports: every {@code import} and
 * {@code import static} of a project type, and every fully-qualified {@code io.github.dl4jtransfer.x.Y} in
 * code, is an edge from the file's package to {@code x}. Comments and string literals are ignored. References
 * to a type of the file's own package need no import and are no edge, which is also why a type moved to
 * another package shows up here only through the imports its former neighbours then need.
 */
class ArchitectureTest {

    static final String ROOT = "io.github.dl4jtransfer";
    static final Path MAIN = Path.of("src", "main", "java");

    /** An edge's evidence: the first place (file and line) a package uses the other. */
    record Use(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    @Test
    void mainSourcesHaveNoPackageCycles() throws IOException {
        Map<String, Map<String, Use>> graph = dependencies(MAIN);
        // Guards against a vacuous pass (wrong folder, a parser that finds nothing).
        assertTrue(graph.keySet().containsAll(List.of("data", "data.image", "model", "train", "matrix", "report")), graph.keySet().toString());
        assertTrue(graph.get("matrix").containsKey("train"), "matrix uses train: " + graph.get("matrix"));
        List<List<String>> cycles = cycles(graph);
        if (!cycles.isEmpty()) fail(describe(cycles, graph));
    }

    @Test
    void findsCyclesThroughImportsStaticImportsAndQualifiedNamesButNotCommentsOrStrings(@TempDir Path src) throws IOException {
        write(src, "a/A.java", """
                package io.github.dl4jtransfer.a;

                import io.github.dl4jtransfer.b.B;

                public class A { public static int X; }
                """);
        write(src, "b/B.java", """
                package io.github.dl4jtransfer.b;

                public class B {
                    Object x = new io.github.dl4jtransfer.c.C();
                }
                """);
        write(src, "c/C.java", """
                package io.github.dl4jtransfer.c;

                import static io.github.dl4jtransfer.a.A.X;

                /** Not an edge: {@link io.github.dl4jtransfer.d.D}. */
                public class C {
                    // nor this: io.github.dl4jtransfer.d.D
                    String s = "nor this io.github.dl4jtransfer.d.D", t = \"""
                            io.github.dl4jtransfer.d.D
                            \""";
                }
                """);
        write(src, "d/D.java", """
                package io.github.dl4jtransfer.d;

                import io.github.dl4jtransfer.a.*;

                public class D { }
                """);
        Map<String, Map<String, Use>> graph = dependencies(src);
        assertEquals(Map.of("b", new Use("a/A.java", 3)), graph.get("a"));
        assertEquals(Map.of("c", new Use("b/B.java", 4)), graph.get("b"));
        assertEquals(Map.of("a", new Use("c/C.java", 3)), graph.get("c"));
        assertEquals(Set.of("a"), graph.get("d").keySet());
        List<List<String>> cycles = cycles(graph);
        assertEquals(List.of(List.of("a", "b", "c", "a")), cycles);
        String message = describe(cycles, graph);
        assertTrue(message.contains("a -> b -> c -> a") && message.contains("c -> a: c/C.java:3"), message);

        // Breaking one edge breaks the cycle.
        write(src, "c/C.java", "package io.github.dl4jtransfer.c;\npublic class C { }\n");
        assertEquals(List.of(), cycles(dependencies(src)));
    }

    // ------------------------------------------------------------------------------------------ graph

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A project type (capitalised) or a wildcard, after its lower-case package segments. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\b" + Pattern.quote(ROOT) + "((?:\\s*\\.\\s*[a-z_][\\w]*)*)\\s*\\.\\s*(?:[A-Z]|\\*)");

    /** Package (relative to {@value #ROOT}, "" for the root) → packages it uses → the first use. */
    static Map<String, Map<String, Use>> dependencies(Path sourceRoot) throws IOException {
        assertTrue(Files.isDirectory(sourceRoot), "no sources at " + sourceRoot.toAbsolutePath());
        Map<String, Map<String, Use>> graph = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            String code = codeOnly(Files.readString(file, StandardCharsets.UTF_8));
            Matcher pm = PACKAGE.matcher(code);
            if (!pm.find() || !(pm.group(1) + ".").startsWith(ROOT + ".")) continue;
            String from = relative(pm.group(1));
            Map<String, Use> uses = graph.computeIfAbsent(from, k -> new TreeMap<>());
            String name = sourceRoot.relativize(file).toString().replace('\\', '/');
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
                if (m.start() >= pm.start() && m.end() <= pm.end()) continue; // the package declaration itself
                String to = relative(ROOT + m.group(1).replaceAll("\\s", ""));
                if (!to.equals(from)) uses.putIfAbsent(to, new Use(name, lineOf(code, m.start())));
            }
        }
        return graph;
    }

    private static String relative(String pkg) {
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    /** {@code source} with comments, string, text-block and char literals blanked (line breaks kept). */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0, n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') i = blank(source, i, out);
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                while (i < end) i = blank(source, i, out);
            } else if (source.startsWith("\"\"\"", i)) {
                int end = i + 3;
                while (end < n && !source.startsWith("\"\"\"", end)) end += source.charAt(end) == '\\' ? 2 : 1;
                end = Math.min(n, end + 3);
                while (i < end) i = blank(source, i, out);
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') end += source.charAt(end) == '\\' ? 2 : 1;
                end = Math.min(n, end + 1);
                while (i < end) i = blank(source, i, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int blank(String s, int i, StringBuilder out) {
        out.append(s.charAt(i) == '\n' ? '\n' : ' ');
        return i + 1;
    }

    // ------------------------------------------------------------------------------------------ cycles

    /**
     * The cycles among packages: strongly connected components of more than one package (Tarjan), and in
     * each the shortest cycle through every member, e.g. [data, data.formats, data], sorted.
     */
    static List<List<String>> cycles(Map<String, Map<String, Use>> graph) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) strongConnect(v, graph, index, low, stack, onStack, components, counter);
        }
        // A component can hold several cycles (two wrong arrows into one layer): the shortest through each of
        // its packages, each written from its first package in name order, names every one of them.
        Set<List<String>> cycles = new TreeSet<>((a, b) -> String.join(" ", a).compareTo(String.join(" ", b)));
        for (Set<String> comp : components) {
            if (comp.size() < 2) continue;
            for (String start : comp) cycles.add(rotated(shortestCycle(start, comp, graph)));
        }
        return List.copyOf(cycles);
    }

    private static void strongConnect(String v, Map<String, Map<String, Use>> graph, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                      List<Set<String>> components, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, components, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> comp = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                comp.add(w);
            } while (!w.equals(v));
            components.add(comp);
        }
    }

    /** The same cycle, starting (and ending) at its first package in name order. */
    private static List<String> rotated(List<String> cycle) {
        List<String> open = cycle.subList(0, cycle.size() - 1);
        int first = open.indexOf(open.stream().min(String::compareTo).orElseThrow());
        List<String> out = new ArrayList<>(open.subList(first, open.size()));
        out.addAll(open.subList(0, first));
        out.add(out.get(0));
        return out;
    }

    /** Breadth-first from {@code start} back to it, inside {@code comp}. */
    private static List<String> shortestCycle(String start, Set<String> comp, Map<String, Map<String, Use>> graph) {
        Map<String, String> parent = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String v = queue.poll();
            for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
                if (!comp.contains(w)) continue;
                if (w.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String x = v; !x.equals(start); x = parent.get(x)) path.add(1, x);
                    path.add(start);
                    return path;
                }
                if (!parent.containsKey(w)) {
                    parent.put(w, v);
                    queue.add(w);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start + " in " + comp);
    }

    static String describe(List<List<String>> cycles, Map<String, Map<String, Use>> graph) {
        StringBuilder m = new StringBuilder("package cycles (each package must sit above the ones it uses; move the type "
                + "that points the wrong way):");
        for (List<String> cycle : cycles) {
            m.append("\n  ").append(cycle.stream().map(p -> p.isEmpty() ? "(root)" : p).collect(Collectors.joining(" -> ")));
            for (int i = 0; i + 1 < cycle.size(); i++) {
                m.append("\n    ").append(cycle.get(i)).append(" -> ").append(cycle.get(i + 1)).append(": ")
                        .append(graph.get(cycle.get(i)).get(cycle.get(i + 1)));
            }
        }
        return m.toString();
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }
}
