package io.github.dl4jtransfer.maven;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <datasets><dataset>}: one task of the matrix, as written in the POM (the library checks it).
 * <pre>
 * &lt;dataset&gt;
 *   &lt;name&gt;aptos&lt;/name&gt;
 *   &lt;format&gt;aptos2019&lt;/format&gt;
 *   &lt;path&gt;/data/aptos2019&lt;/path&gt;
 *   &lt;skipBadImages&gt;true&lt;/skipBadImages&gt;
 * &lt;/dataset&gt;
 * </pre>
 * {@code name}, {@code format} and {@code path} place the dataset; every other child is a reader option, named as
 * the library's {@code DatasetOptions} names it (docs/configuration.md lists them). A map, not a bean, so that a
 * new reader option needs no change here.
 */
public class DatasetElement extends LinkedHashMap<String, String> {

    static final String NAME = "name", FORMAT = "format", PATH = "path";

    String name() {
        return get(NAME);
    }

    String format() {
        return get(FORMAT);
    }

    /** The path, relative ones against {@code basedir} (as Maven resolves a File parameter); null when absent. */
    Path path(Path basedir) {
        String p = get(PATH);
        return p == null || p.isBlank() ? null : basedir.resolve(p.trim());
    }

    /** The reader options: every child but name, format and path. */
    Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>(this);
        o.keySet().removeAll(java.util.List.of(NAME, FORMAT, PATH));
        return o;
    }
}
