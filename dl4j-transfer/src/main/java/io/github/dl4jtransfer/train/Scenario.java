package io.github.dl4jtransfer.train;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transfer scenario: how much of the backbone trains and which classifier sits on it. Names follow
 * the study: {@code frozen-linear}, {@code unfrozen-linear}, {@code frozen-deit}, {@code unfrozen-deit},
 * plus partial unfreezing {@code last<k>-linear} / {@code last<k>-deit}, and {@code frozen-knn} (k-nearest-neighbour
 * votes on the frozen features, as MedMNIST+ and DINO evaluate backbones; nothing trains).
 */
public record Scenario(String name, FreezePolicy freeze, HeadKind head) {

    private static final Pattern NAME = Pattern.compile("(frozen|unfrozen|last(\\d+))-(linear|deit|knn)");

    public static final Scenario FROZEN_LINEAR = parse("frozen-linear");
    public static final Scenario UNFROZEN_LINEAR = parse("unfrozen-linear");
    public static final Scenario FROZEN_DEIT = parse("frozen-deit");
    public static final Scenario UNFROZEN_DEIT = parse("unfrozen-deit");
    public static final Scenario FROZEN_KNN = parse("frozen-knn");
    /** The study's four scenarios, in its order: a matrix's scenarios when none are configured. */
    public static final List<String> STUDY = List.of("frozen-linear", "unfrozen-linear", "frozen-deit", "unfrozen-deit");

    private static final String FORMS = "use frozen-linear, unfrozen-linear, frozen-deit, unfrozen-deit, frozen-knn, "
            + "or last<k>-linear / last<k>-deit (e.g. last2-linear)";

    public static Scenario parse(String name) {
        Matcher m = NAME.matcher(name.trim().toLowerCase());
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; " + FORMS);
        }
        if (m.group(3).equals("knn") && !m.group(1).equals("frozen")) {
            // Neighbours are looked up in features that nothing trains: an unfrozen backbone would never change.
            throw new IllegalArgumentException("unknown scenario '" + name + "': kNN votes on frozen features only; " + FORMS);
        }
        FreezePolicy freeze = switch (m.group(1)) {
            case "frozen" -> new FreezePolicy.Frozen();
            case "unfrozen" -> new FreezePolicy.Unfrozen();
            default -> new FreezePolicy.LastK(Integer.parseInt(m.group(2)));
        };
        HeadKind head = switch (m.group(3)) {
            case "linear" -> HeadKind.LINEAR;
            case "deit" -> HeadKind.DEIT;
            default -> HeadKind.KNN;
        };
        return new Scenario(m.group(0), freeze, head);
    }

    /**
     * A frozen backbone can train on its cached outputs (features for a linear head, tokens for the DeiT
     * classifier): the backbone then runs once per image instead of once per image per epoch.
     */
    public boolean cacheable() {
        return freeze instanceof FreezePolicy.Frozen;
    }

    /** Whether anything is fitted by gradient descent (every scenario but {@code frozen-knn}). */
    public boolean trains() {
        return head != HeadKind.KNN;
    }
}
