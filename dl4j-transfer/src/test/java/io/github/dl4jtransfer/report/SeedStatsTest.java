package io.github.dl4jtransfer.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedStatsTest {

    @Test
    void sampleStdAndStudentInterval() {
        SeedStats s = SeedStats.of(1, 2, 3, 4);
        assertEquals(4, s.n());
        assertEquals(2.5, s.mean(), 1e-12);
        // Sample variance: (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3 (the population one would be 5/4).
        assertEquals(Math.sqrt(5.0 / 3.0), s.std(), 1e-12);
        // t(0.975, 3) = 3.182.
        assertEquals(3.182 * Math.sqrt(5.0 / 3.0) / 2.0, s.ci95(), 1e-9);
        assertEquals(0, s.skipped());
        assertEquals("2.50 ± 1.29", s.format(2));
    }

    @Test
    void oneSeedHasAMeanButNoSpread() {
        SeedStats s = SeedStats.of(0.8123);
        assertEquals(1, s.n());
        assertEquals(0.8123, s.mean(), 0);
        assertTrue(Double.isNaN(s.std()), "one value must not claim a zero spread");
        assertTrue(Double.isNaN(s.ci95()));
        assertEquals("0.8123 ± —", s.format(4));
    }

    @Test
    void nanAndInfiniteValuesAreSkippedAndCounted() {
        SeedStats s = SeedStats.of(0.5, Double.NaN, 0.7, Double.POSITIVE_INFINITY);
        assertEquals(2, s.n());
        assertEquals(2, s.skipped());
        assertEquals(0.6, s.mean(), 1e-12);
        assertEquals(Math.sqrt(0.02), s.std(), 1e-12);
    }

    @Test
    void nothingUsableGivesEmptyStats() {
        SeedStats none = SeedStats.of();
        assertTrue(none.isEmpty());
        assertTrue(Double.isNaN(none.mean()));
        assertEquals("—", none.format(4));
        SeedStats allNaN = SeedStats.of(Arrays.asList(Double.NaN, null));
        assertEquals(0, allNaN.n());
        assertEquals(2, allNaN.skipped());
    }

    @Test
    void nearlyEqualValuesKeepTheirSpread() {
        // One-pass sum-of-squares would cancel to 0 (or negative) here; two-pass keeps the digits.
        double base = 1e9;
        SeedStats s = SeedStats.of(List.of(base + 0.1, base + 0.2, base + 0.3));
        assertEquals(0.1, s.std(), 1e-6);
    }

    @Test
    void largeSamplesUseTheNormalQuantile() {
        assertEquals(12.706, SeedStats.tQuantile975(1), 0);
        assertEquals(2.042, SeedStats.tQuantile975(30), 0);
        assertEquals(1.96, SeedStats.tQuantile975(31), 0);
        assertTrue(Double.isNaN(SeedStats.tQuantile975(0)));
    }
}
