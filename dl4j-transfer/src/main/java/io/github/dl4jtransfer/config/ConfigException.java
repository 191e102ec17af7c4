package io.github.dl4jtransfer.config;

import java.util.Objects;

/**
 * A configuration that cannot run: <em>which</em> element, <em>what</em> is wrong with it and <em>how</em> to fix it.
 * The library throws it from the one place that validates a plan, so a Java user and a POM user read the same
 * sentence; the element is written in the POM's vocabulary ({@code <datasets><dataset><path>}) because that is
 * where most users set it, and the library's builders take the same names.
 */
public class ConfigException extends IllegalArgumentException {

    private final String element;
    private final String problem;
    private final String fix;

    /**
     * @param element the element or setting at fault, e.g. {@code <training><learningRate>}
     * @param problem what is wrong with its value
     * @param fix     what to do instead; empty when the problem already says it
     */
    public ConfigException(String element, String problem, String fix) {
        super(message(element, problem, fix));
        this.element = Objects.requireNonNull(element, "element");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.fix = fix == null ? "" : fix;
    }

    private static String message(String element, String problem, String fix) {
        return element + ": " + problem + (fix == null || fix.isEmpty() ? "" : "; " + fix);
    }

    public String element() {
        return element;
    }

    public String problem() {
        return problem;
    }

    public String fix() {
        return fix;
    }

    /** The same problem, its element placed inside {@code outer} (a setting checked alone, then reported where it was set). */
    public ConfigException within(String outer) {
        return new ConfigException(outer + element, problem, fix);
    }

    /** Throws unless {@code ok}: the one-line form of a check. */
    public static void require(boolean ok, String element, String problem, String fix) {
        if (!ok) throw new ConfigException(element, problem, fix);
    }
}
