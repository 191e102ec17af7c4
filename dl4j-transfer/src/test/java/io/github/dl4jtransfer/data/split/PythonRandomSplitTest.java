package io.github.dl4jtransfer.data.split;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.github.dl4jtransfer.data.split.SplitFixtures.file;
import static io.github.dl4jtransfer.data.split.SplitFixtures.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link PythonRandom} against Debian's CPython (fixture from tools/reference/make_split_fixtures.py): the raw
 * Mersenne Twister stream through getrandbits and random(), int seeding (0, negative, wider than 32 bits),
 * _randbelow's rejection, and shuffle — including the study's APTOS (3662) and ISIC (25331) permutations.
 */
class PythonRandomSplitTest {

    private static final JsonNode FIXTURE = file("python_random.json");

    @Test
    void getrandbitsMatchesCpythonForEveryWidthAndSeed() {
        int cases = 0;
        for (JsonNode c : FIXTURE.get("getrandbits")) {
            PythonRandom r = new PythonRandom(c.get("seed").asLong());
            int k = c.get("k").asInt();
            for (JsonNode v : c.get("values")) {
                assertEquals(v.asLong(), r.getrandbits(k), "seed " + c.get("seed") + " k " + k);
            }
            cases++;
        }
        assertEquals(32, cases);
    }

    @Test
    void randomDoublesMatchBitForBit() {
        for (JsonNode c : FIXTURE.get("random")) {
            PythonRandom r = new PythonRandom(c.get("seed").asLong());
            for (JsonNode v : c.get("values")) {
                assertEquals(Double.doubleToLongBits(v.asDouble()), Double.doubleToLongBits(r.random()), "seed " + c.get("seed"));
            }
        }
    }

    @Test
    void randbelowRejectsLikeCpython() {
        for (JsonNode c : FIXTURE.get("randbelow")) {
            PythonRandom r = new PythonRandom(c.get("seed").asLong());
            int n = c.get("n").asInt();
            for (JsonNode v : c.get("values")) assertEquals(v.asInt(), r.randbelow(n), "seed " + c.get("seed") + " n " + n);
        }
        assertThrows(IllegalArgumentException.class, () -> new PythonRandom(1).randbelow(0));
    }

    @Test
    void shuffleOfRangeMatchesCpythonIncludingTheStudysDatasetSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (JsonNode c : FIXTURE.get("shuffles")) {
            int n = c.get("n").asInt();
            long seed = c.get("seed").asLong();
            assertArrayEquals(ints(c.get("shuffled")), PythonRandom.shuffledRange(n, seed), "seed " + seed + " n " + n);
            sizes.add(n);
        }
        assertEquals(true, sizes.contains(3662) && sizes.contains(25331), "APTOS and ISIC sizes are in the fixture");
    }

    @Test
    void listShuffleEqualsArrayShuffle() {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < 100; i++) list.add(i);
        new PythonRandom(42).shuffle(list);
        assertArrayEquals(PythonRandom.shuffledRange(100, 42), list.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void javaUtilRandomWouldGiveAnotherSplit() {
        // Why PythonRandom exists: Collections.shuffle with the same seed is a different permutation.
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < 3662; i++) list.add(i);
        java.util.Collections.shuffle(list, new java.util.Random(42));
        int[] python = PythonRandom.shuffledRange(3662, 42);
        assertEquals(false, java.util.Arrays.equals(python, list.stream().mapToInt(Integer::intValue).toArray()));
    }
}
