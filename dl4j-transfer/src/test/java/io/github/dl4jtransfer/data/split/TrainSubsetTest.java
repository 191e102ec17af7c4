package io.github.dl4jtransfer.data.split;

import io.github.dl4jtransfer.data.ImageSource;
import io.github.dl4jtransfer.data.Sample;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The label-efficiency subsets: nested per seed, stratified, whole groups where groups stay together. */
class TrainSubsetTest {

    /** An imbalanced 5-class training set (APTOS-like: 400, 120, 60, 25, 7 images), 3 images per patient. */
    private static List<Sample> train() {
        int[] perClass = {400, 120, 60, 25, 7};
        List<Sample> out = new ArrayList<>();
        int n = 0;
        for (int c = 0; c < perClass.length; c++) {
            for (int i = 0; i < perClass[c]; i++, n++) {
                String id = "img" + n;
                out.add(Sample.single(id, new ImageSource.FileImage(Path.of(id + ".png")), c, "patient" + (n / 3)));
            }
        }
        return out;
    }

    private static Map<Integer, Long> perClass(List<Sample> train, Set<String> ids) {
        return train.stream().filter(s -> ids.contains(s.id())).collect(Collectors.groupingBy(Sample::label, Collectors.counting()));
    }

    @Test
    void fractionsAndShotsAreNestedForEverySeed() {
        List<Sample> train = train();
        // Each chain grows every class's target: 1 per class ≤ 1% (≥ 1 per class) ≤ 10% ≤ 50% ≤ all; 1 ≤ 5 ≤ 10 shots ≤ all.
        List<List<TrainSubset>> chains = List.of(
                List.of(TrainSubset.shots(1), TrainSubset.fraction(0.01), TrainSubset.fraction(0.1), TrainSubset.fraction(0.5), TrainSubset.ALL),
                List.of(TrainSubset.shots(1), TrainSubset.shots(5), TrainSubset.shots(10), TrainSubset.ALL));
        for (List<TrainSubset> sizes : chains) {
            for (boolean groups : new boolean[] {false, true}) {
                for (long seed = 1; seed <= 5; seed++) {
                    for (int i = 1; i < sizes.size(); i++) {
                        Set<String> smaller = sizes.get(i - 1).select(train, seed, groups);
                        Set<String> larger = sizes.get(i).select(train, seed, groups);
                        assertTrue(larger.containsAll(smaller), sizes.get(i - 1).id() + " ⊄ " + sizes.get(i).id() + " (seed " + seed + ", groups " + groups + ")");
                        assertTrue(larger.size() > smaller.size() || sizes.get(i).isAll(), "a larger subset adds images");
                    }
                }
            }
        }
    }

    @Test
    void eachClassKeepsItsShareOrItsShotsExactlyWhenImagesStandAlone() {
        List<Sample> train = train();
        Map<Integer, Long> tenth = perClass(train, TrainSubset.fraction(0.1).select(train, 1, false));
        assertEquals(Map.of(0, 40L, 1, 12L, 2, 6L, 3, 3L, 4, 1L), tenth, "ceil(0.1 × n) per class");
        Map<Integer, Long> onePercent = perClass(train, TrainSubset.fraction(0.01).select(train, 1, false));
        assertEquals(Map.of(0, 4L, 1, 2L, 2, 1L, 3, 1L, 4, 1L), onePercent, "every class keeps at least one image");
        Map<Integer, Long> tenShot = perClass(train, TrainSubset.shots(10).select(train, 1, false));
        assertEquals(Map.of(0, 10L, 1, 10L, 2, 10L, 3, 10L, 4, 7L), tenShot, "k per class, all of a smaller class");
        assertEquals(train.size(), TrainSubset.ALL.select(train, 1, false).size());
    }

    @Test
    void groupsStayWholeAndEveryClassGetsAtLeastItsTarget() {
        List<Sample> train = train();
        Set<String> ids = TrainSubset.fraction(0.1).select(train, 3, true);
        Map<String, List<Sample>> byPatient = train.stream().collect(Collectors.groupingBy(Sample::group));
        for (List<Sample> patient : byPatient.values()) {
            long in = patient.stream().filter(s -> ids.contains(s.id())).count();
            assertTrue(in == 0 || in == patient.size(), "a patient's images are all in or all out");
        }
        Map<Integer, Long> counts = perClass(train, ids);
        assertTrue(counts.get(0) >= 40 && counts.get(1) >= 12 && counts.get(2) >= 6 && counts.get(3) >= 3 && counts.get(4) >= 1, counts.toString());
    }

    @Test
    void theDrawDependsOnTheSeedNotOnTheReadersOrder() {
        List<Sample> train = train();
        List<Sample> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(7));
        TrainSubset f = TrainSubset.fraction(0.1);
        assertEquals(f.select(train, 1, false), Set.copyOf(f.select(shuffled, 1, false)));
        assertNotEquals(f.select(train, 1, false), f.select(train, 2, false), "each seed draws its own subset");
    }

    @Test
    void multiLabelSubsetsKeepEachLabelsShareOfPositives() {
        List<Sample> train = new ArrayList<>();
        Random r = new Random(5);
        Map<Integer, Integer> positives = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            float[] l = new float[4];
            for (int k = 0; k < 4; k++) if (r.nextDouble() < 0.05 + 0.2 * k) l[k] = 1;
            for (int k = 0; k < 4; k++) if (l[k] > 0) positives.merge(k, 1, Integer::sum);
            train.add(Sample.multi("x" + i, new ImageSource.FileImage(Path.of("x" + i + ".png")), l, null));
        }
        Set<String> ids = TrainSubset.fraction(0.2).select(train, 1, false);
        for (int k = 0; k < 4; k++) {
            final int label = k;
            long kept = train.stream().filter(s -> ids.contains(s.id()) && s.labelAt(label) > 0).count();
            assertTrue(kept >= Math.ceil(0.2 * positives.get(k)), "label " + k + ": " + kept + " of " + positives.get(k));
        }
    }

    @Test
    void idsReadBackAndBadValuesAreRefused() {
        for (TrainSubset t : List.of(TrainSubset.ALL, TrainSubset.fraction(0.01), TrainSubset.fraction(0.25), TrainSubset.shots(5))) {
            assertEquals(t, TrainSubset.parse(t.id()));
        }
        assertEquals("f0.1", TrainSubset.parse("f0.10").id());
        assertEquals(TrainSubset.ALL, TrainSubset.fraction(1.0));
        assertThrows(IllegalArgumentException.class, () -> TrainSubset.fraction(0));
        assertThrows(IllegalArgumentException.class, () -> TrainSubset.fraction(1.5));
        assertThrows(IllegalArgumentException.class, () -> TrainSubset.shots(0));
        assertThrows(IllegalArgumentException.class, () -> TrainSubset.parse("half"));
    }
}
