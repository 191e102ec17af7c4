package io.github.dl4jtransfer.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricKindTest {

    @Test
    void namesRoundTripAndLabelsAreUnique() {
        Set<String> labels = new HashSet<>();
        for (MetricKind k : MetricKind.values()) {
            assertEquals(k, MetricKind.fromName(k.metricName()));
            assertEquals(k, MetricKind.fromName(" " + k.metricName().toUpperCase() + " "));
            assertTrue(labels.add(k.label()), "duplicate label " + k.label());
            assertTrue(k.higherIsBetter());
        }
        assertEquals("roc_auc_ovr", MetricKind.MACRO_ROC_AUC_OVR.metricName());
        assertEquals("κ²", MetricKind.QUADRATIC_KAPPA.label());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricKind.fromName("auc"));
        assertTrue(e.getMessage().contains("'auc'"), e.getMessage());
        Arrays.stream(MetricKind.values()).forEach(k -> assertTrue(e.getMessage().contains(k.metricName())));
        assertThrows(IllegalArgumentException.class, () -> MetricKind.fromName(null));
    }

    @Test
    void isBetterIgnoresNaNAndKeepsTheEarliestTie() {
        MetricKind k = MetricKind.ACCURACY;
        assertTrue(k.isBetter(0.5, Double.NaN));
        assertFalse(k.isBetter(Double.NaN, 0.5));
        assertFalse(k.isBetter(Double.NaN, Double.NaN));
        assertTrue(k.isBetter(0.6, 0.5));
        assertFalse(k.isBetter(0.5, 0.5));
        assertTrue(MetricKind.QUADRATIC_KAPPA.isBetter(-0.1, -0.2));
    }
}
