package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;
import io.github.dl4jtransfer.train.TrainerConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Training settings for the cells of one model, dataset or scenario (e.g. fewer epochs for a large dataset, a
 * smaller learning rate for unfrozen scenarios): a patch of {@link TrainerConfig#SETTINGS}, the same settings as
 * the plan's {@code <training>}. Overrides apply in plan order, so a later one wins.
 *
 * @param axis     which cells it applies to
 * @param value    the model, dataset or scenario name on that axis
 * @param settings setting name → value, typed as {@link TrainerConfig}'s component (unset settings keep the plan's)
 */
public record TrainingOverride(Axis axis, String value, Map<String, Object> settings) {

    /** The axis an override selects cells by; its POM element is the lower-case name. */
    public enum Axis {
        MODEL, DATASET, SCENARIO;

        public String element() {
            return name().toLowerCase(Locale.ROOT);
        }

        String of(CellKey key) {
            return switch (this) {
                case MODEL -> key.model();
                case DATASET -> key.dataset();
                case SCENARIO -> key.scenario();
            };
        }
    }

    public TrainingOverride {
        Objects.requireNonNull(axis, "override axis");
        Objects.requireNonNull(value, "override value");
        settings = Collections.unmodifiableMap(TrainerConfig.SETTINGS.typed(settings == null ? Map.of() : settings, "<overrides><override> "));
    }

    /** An override of one setting, e.g. {@code of(Axis.SCENARIO, "frozen-linear", "epochs", 30)}. */
    public static TrainingOverride of(Axis axis, String value, String setting, Object v) {
        return new TrainingOverride(axis, value, Map.of(setting, v));
    }

    /**
     * An override as written in a POM {@code <override>}: exactly one of {@code model}, {@code dataset},
     * {@code scenario} names the cells; every other entry is a training setting as text.
     *
     * @param where the element for messages, e.g. {@code <overrides><override> #2}
     */
    public static TrainingOverride parse(Map<String, String> entries, String where) {
        Axis axis = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            Axis a = axisNamed(e.getKey());
            if (a == null) {
                settings.put(e.getKey(), e.getValue());
            } else if (e.getValue() != null && !e.getValue().isBlank()) {
                if (axis != null) throw new ConfigException(where, "names both <" + axis.element() + "> and <" + a.element() + ">", NAME_ONE);
                axis = a;
            }
        }
        if (axis == null) throw new ConfigException(where, "names none of <model>, <dataset>, <scenario>", NAME_ONE);
        String value = entries.get(axis.element()).trim();
        if (axis == Axis.SCENARIO) value = value.toLowerCase(Locale.ROOT);
        return new TrainingOverride(axis, value, TrainerConfig.SETTINGS.parse(settings, where + " "));
    }

    private static final String NAME_ONE = "name exactly one (the cells it applies to), "
            + "e.g. <override><scenario>unfrozen-linear</scenario><learningRate>1e-5</learningRate></override>";

    private static Axis axisNamed(String element) {
        for (Axis a : Axis.values()) if (a.element().equals(element)) return a;
        return null;
    }

    public boolean appliesTo(CellKey key) {
        return value.equals(axis.of(key));
    }

    /** {@code c} with this override's settings; a bad value fails naming {@code where<setting>}. */
    public TrainerConfig applyTo(TrainerConfig c, String where) {
        return TrainerConfig.SETTINGS.apply(c, settings, where);
    }

    /** {@code c} with this override's settings (the plan checked them when it was built). */
    public TrainerConfig applyTo(TrainerConfig c) {
        return applyTo(c, "<overrides><override> ");
    }
}
