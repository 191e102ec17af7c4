package io.github.dl4jtransfer.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Groups weights by module: a parameter belongs to the block its name matches ({@code blocks.3},
 * {@code layer4.2}); other parameters belong to their top-level module ({@code patch_embed}, {@code norm}).
 * Scenarios freeze and unfreeze by group.
 */
public final class ParameterGroups {

    private final Map<String, List<String>> groups = new LinkedHashMap<>();
    private final List<String> blocks = new ArrayList<>();

    public ParameterGroups(Collection<String> parameterNames, String blockPattern) {
        Pattern block = blockPattern == null || blockPattern.isEmpty() ? null : Pattern.compile(blockPattern);
        for (String name : parameterNames) {
            String group = groupOf(name, block);
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(name);
            if (block != null && block.matcher(group).matches() && !blocks.contains(group)) blocks.add(group);
        }
    }

    static String groupOf(String name, Pattern block) {
        if (block != null) {
            Matcher m = block.matcher(name);
            if (m.find() && (m.start() == 0 || name.charAt(m.start() - 1) == '.')) {
                return name.substring(0, m.end());
            }
        }
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** Group name → parameter names, in graph order. */
    public Map<String, List<String>> groups() {
        return groups;
    }

    /** The block groups in graph order (input side first): LAST_K freezing takes the tail of this list. */
    public List<String> blocks() {
        return blocks;
    }

    public String groupOf(String parameterName) {
        for (Map.Entry<String, List<String>> e : groups.entrySet()) {
            if (e.getValue().contains(parameterName)) return e.getKey();
        }
        throw new IllegalArgumentException("no parameter named '" + parameterName + "'");
    }
}
