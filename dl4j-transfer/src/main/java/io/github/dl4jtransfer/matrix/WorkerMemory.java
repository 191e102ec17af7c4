package io.github.dl4jtransfer.matrix;

import io.github.dl4jtransfer.config.ConfigException;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker JVM's memory limits, checked before any worker starts: a value the JVM or JavaCPP cannot parse made every
 * cell fail with "native crash?", the real cause ({@code Invalid maximum heap size}) only inside each cell's JSON.
 *
 * @param maxHeap    {@code -Xmx}: a whole number with an optional k, m, g or t (the JVM's syntax: no fractions, no "b")
 * @param maxOffHeap {@code -Dorg.bytedeco.javacpp.maxbytes}: a whole number with an optional k, m, g or t and an
 *                   optional b, or a percentage of the heap (JavaCPP's {@code Pointer.parseBytes})
 */
public record WorkerMemory(String maxHeap, String maxOffHeap) {

    /** Smaller heaps cannot hold ND4J's start-up and a model's graph; the JVM itself refuses below a few MB. */
    public static final long MIN_HEAP_BYTES = 64L << 20;

    private static final Pattern HEAP = Pattern.compile("(\\d{1,15})([kmgt]?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern OFF_HEAP = Pattern.compile("(\\d{1,15})\\s*(%|[kmgt]b?|b?)", Pattern.CASE_INSENSITIVE);

    public WorkerMemory {
        maxHeap = maxHeap == null ? "" : maxHeap.trim();
        maxOffHeap = maxOffHeap == null ? "" : maxOffHeap.trim();
        Matcher h = HEAP.matcher(maxHeap);
        ConfigException.require(h.matches(), "<maxHeap> / -Dtransfer.maxHeap", "'" + maxHeap + "' is not a heap size the JVM reads",
                "write a whole number with k, m, g or t, e.g. 4g or 1536m (no fractions: 1.5g is not read)");
        ConfigException.require(bytes(h) >= MIN_HEAP_BYTES, "<maxHeap> / -Dtransfer.maxHeap", "'" + maxHeap + "' is too small for a worker",
                "give at least 64m; 2g (the default) or more for real backbones");
        Matcher o = OFF_HEAP.matcher(maxOffHeap);
        ConfigException.require(o.matches(),
                "<maxOffHeap> / -Dtransfer.maxOffHeap", "'" + maxOffHeap + "' is not a size JavaCPP reads",
                "write a whole number with k, m, g or t, e.g. 8G, or a percentage of the heap, e.g. 400%");
    }

    /** The worker JVM's arguments for these limits. */
    public List<String> jvmArgs() {
        return List.of("-Xmx" + maxHeap, "-Dorg.bytedeco.javacpp.maxbytes=" + maxOffHeap);
    }

    /** The heap limit in bytes. */
    public long heapBytes() {
        Matcher h = HEAP.matcher(maxHeap);
        h.matches();
        return bytes(h);
    }

    private static long bytes(Matcher m) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        return n > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : n << shift;
    }
}
