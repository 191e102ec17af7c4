package io.github.dl4jtransfer.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of a configuration record, read from the record itself: each component is a setting of that
 * name ({@code learningRate}), its type says how text parses, and the record's own constructor says which
 * values are valid. So a setting is defined once — as a record component — and the POM element, the
 * {@code -Dtransfer.*} property, the per-cell override, the provenance map and the documentation check all
 * follow from it.
 * <p>
 * Values are typed by the component: {@code int}, {@code long}, {@code double}, {@code boolean}, enums
 * (case-insensitive, {@code -} for {@code _}) and {@code String} (trimmed; blank means unset, null).
 *
 * @param <R> the configuration record
 */
public final class RecordSettings<R extends Record> {

    private final Class<R> type;
    private final Map<String, RecordComponent> components = new LinkedHashMap<>();
    private final Set<String> fixed;
    private final Constructor<R> canonical;

    private RecordSettings(Class<R> type, Set<String> fixed) {
        this.type = type;
        this.fixed = Set.copyOf(fixed);
        RecordComponent[] rc = type.getRecordComponents();
        for (RecordComponent c : rc) components.put(c.getName(), c);
        try {
            canonical = type.getDeclaredConstructor(Arrays.stream(rc).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
        for (String f : fixed) {
            if (!components.containsKey(f)) throw new IllegalArgumentException(type.getSimpleName() + " has no component " + f);
        }
    }

    /**
     * @param fixed components that are not user settings (set by the caller, e.g. the seed of a cell): they
     *              appear in {@link #values} but cannot be parsed or patched
     */
    public static <R extends Record> RecordSettings<R> of(Class<R> type, String... fixed) {
        return new RecordSettings<>(type, Set.of(fixed));
    }

    /** The settable names, in the record's order. */
    public List<String> names() {
        return components.keySet().stream().filter(n -> !fixed.contains(n)).toList();
    }

    /** The Java type of a setting. */
    public Class<?> typeOf(String name) {
        return component(name, "").getType();
    }

    /**
     * Text values (from XML elements or properties) as typed values. Unknown names and unparsable values fail
     * naming {@code where<name>}.
     */
    public Map<String, Object> parse(Map<String, String> raw, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((name, text) -> out.put(name, parseOne(name, text, where)));
        return out;
    }

    /** The settings given as properties {@code prefix + name} (e.g. {@code -Dtransfer.epochs=3}), as text by name. */
    public Map<String, String> fromProperties(Properties properties, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : names()) {
            String v = properties.getProperty(prefix + n);
            if (v != null) out.put(n, v);
        }
        return out;
    }

    /** One text value as the setting's type. */
    public Object parseOne(String name, String text, String where) {
        Class<?> t = component(name, where).getType();
        String element = where + "<" + name + ">";
        String s = text == null ? "" : text.trim();
        try {
            if (t == int.class) return Integer.parseInt(s);
            if (t == long.class) return Long.parseLong(s);
            if (t == double.class) return Double.parseDouble(s);
            if (t == boolean.class) {
                if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) throw new NumberFormatException();
                return Boolean.parseBoolean(s);
            }
            if (t.isEnum()) return enumValue(t, s, element);
            if (t == String.class) return s.isEmpty() ? null : s;
        } catch (NumberFormatException e) {
            throw new ConfigException(element, "'" + s + "' is not " + describe(t), "write e.g. <" + name + ">" + example(t) + "</" + name + ">");
        }
        throw new IllegalStateException(type.getSimpleName() + "." + name + " has an unsupported type " + t);
    }

    /**
     * Already-typed values (from Java code, or numbers as JSON reads them back) coerced to each setting's exact
     * type; enum names may be given as text.
     */
    public Map<String, Object> typed(Map<String, ?> values, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((name, v) -> {
            Class<?> t = component(name, where).getType();
            Object typed;
            if (v instanceof Number n && t == int.class && n.doubleValue() == n.intValue()) typed = n.intValue();
            else if (v instanceof Number n && t == long.class && n.doubleValue() == n.longValue()) typed = n.longValue();
            else if (v instanceof Number n && t == double.class) typed = n.doubleValue();
            else if (v instanceof Boolean && t == boolean.class) typed = v;
            else if (t.isEnum() && t.isInstance(v)) typed = v;
            else if (t == String.class && (v == null || v instanceof String)) typed = v;
            else typed = parseOne(name, String.valueOf(v), where);
            out.put(name, typed);
        });
        return out;
    }

    /**
     * {@code base} with {@code values} set. Each value is applied alone, in order, so the record's own check names
     * the setting at fault; its {@link ConfigException} comes back placed {@code within(where)}.
     */
    public R apply(R base, Map<String, ?> values, String where) {
        List<String> order = List.copyOf(components.keySet());
        R r = base;
        for (Map.Entry<String, ?> e : typed(values, where).entrySet()) {
            R current = r;
            Object[] args = components.values().stream().map(c -> read(c, current)).toArray();
            args[order.indexOf(e.getKey())] = e.getValue();
            r = construct(args, where, e.getKey());
        }
        return r;
    }

    /** Every component's value (fixed ones too), in the record's order: what provenance records. */
    public Map<String, Object> values(R r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : components.values()) {
            Object v = read(c, r);
            out.put(c.getName(), v instanceof Enum<?> en ? en.name().toLowerCase(Locale.ROOT) : v);
        }
        return out;
    }

    private R construct(Object[] args, String where, String name) {
        try {
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof ConfigException ce) throw ce.within(where);
            if (e.getCause() instanceof IllegalArgumentException iae) throw new ConfigException(where + "<" + name + ">", iae.getMessage(), "");
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private RecordComponent component(String name, String where) {
        RecordComponent c = components.get(name);
        if (c == null || fixed.contains(name)) {
            throw new ConfigException(where + "<" + name + ">", "is not a setting", "use one of " + names());
        }
        return c;
    }

    private static Object read(RecordComponent c, Object r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> t, String s, String element) {
        String key = s.toUpperCase(Locale.ROOT).replace('-', '_');
        for (Object c : t.getEnumConstants()) if (((Enum) c).name().equals(key)) return c;
        throw new ConfigException(element, "'" + s + "' is not one of " + enumNames(t), "write one of them, e.g. " + example(t));
    }

    private static List<String> enumNames(Class<?> t) {
        return Arrays.stream(t.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).toList();
    }

    private static String describe(Class<?> t) {
        if (t == int.class || t == long.class) return "a whole number";
        if (t == double.class) return "a number";
        return "true or false";
    }

    private static String example(Class<?> t) {
        if (t == int.class || t == long.class) return "10";
        if (t == double.class) return "1e-4";
        if (t.isEnum()) return enumNames(t).get(0);
        return "true";
    }
}
