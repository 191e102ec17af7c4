package io.github.dl4jtransfer.train;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transfer scenario: how much of the backbone trains and which classifier sits on it. Names follow
 * the study: {@code frozen-linear}, {@code unfrozen-linear}, {@code frozen-deit}, {@code unfrozen-deit},
 * plus partial unfreezing {@code last<k>-linear} / {@code last<k>-deit}.
 */
public record Scenario(String name, FreezePolicy freeze, HeadKind head) {

    private static final Pattern NAME = Pattern.compile("(frozen|unfrozen|last(\\d+))-(linear|deit)");

    public static final Scenario FROZEN_LINEAR = parse("frozen-linear");
    public static final Scenario UNFROZEN_LINEAR = parse("unfrozen-linear");
    public static final Scenario FROZEN_DEIT = parse("frozen-deit");
    public static final Scenario UNFROZEN_DEIT = parse("unfrozen-deit");

    public static Scenario parse(String name) {
        Matcher m = NAME.matcher(name.trim().toLowerCase());
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; use frozen-linear, unfrozen-linear, "
                    + "frozen-deit, unfrozen-deit, or last<k>-linear / last<k>-deit (e.g. last2-linear)");
        }
        FreezePolicy freeze = switch (m.group(1)) {
            case "frozen" -> new FreezePolicy.Frozen();
            case "unfrozen" -> new FreezePolicy.Unfrozen();
            default -> new FreezePolicy.LastK(Integer.parseInt(m.group(2)));
        };
        HeadKind head = m.group(3).equals("linear") ? HeadKind.LINEAR : HeadKind.DEIT;
        return new Scenario(m.group(0), freeze, head);
    }

    /**
     * A frozen backbone can train on its cached outputs (features for a linear head, tokens for the DeiT
     * classifier): the backbone then runs once per image instead of once per image per epoch.
     */
    public boolean cacheable() {
        return freeze instanceof FreezePolicy.Frozen;
    }
}
