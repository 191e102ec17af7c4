package io.github.dl4jtransfer.data.split;

import java.util.List;

/**
 * CPython's {@code random.Random}, bit for bit, as far as a split needs it: seeding with an integer,
 * {@code getrandbits}, {@code random()}, {@code _randbelow} and {@code shuffle}.
 *
 * <p>Why: the study cuts APTOS and ISIC with {@code random.Random(42).shuffle(list(range(n)))}
 * ({@code defaults/bases.py}, {@code get_validation_ids}). Reproducing its test images means reproducing
 * that permutation exactly, and {@code java.util.Random} or any other shuffle gives a different one.
 *
 * <p>What CPython does (Modules/_randommodule.c, Lib/random.py, unchanged from 3.2 to 3.13):
 * <ul>
 *   <li>the generator is MT19937 (Matsumoto and Nishimura's reference {@code genrand_int32});</li>
 *   <li>{@code Random(n)} for an int seeds with {@code init_by_array} over the 32-bit words of
 *       {@code abs(n)}, least significant first ({@code [0]} for 0) — not {@code init_genrand(n)};</li>
 *   <li>{@code getrandbits(k)}, k &le; 32, is the next 32-bit output shifted right by {@code 32 - k};
 *       larger k fills 32-bit words least significant first, the last one shifted the same way;</li>
 *   <li>{@code _randbelow(n)} draws {@code getrandbits(n.bit_length())} until the value is below n;</li>
 *   <li>{@code shuffle(x)} swaps {@code x[i]} with {@code x[_randbelow(i + 1)]} for i from
 *       {@code len(x) - 1} down to 1.</li>
 * </ul>
 * Checked against Debian's python3 by {@code PythonRandomTest} (fixture from
 * {@code tools/reference/make_split_fixtures.py}). Not thread-safe.
 */
public final class PythonRandom {

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int mti;

    /** {@code random.Random(seed)}; a negative seed is its absolute value, as in CPython. */
    public PythonRandom(long seed) {
        // abs() of Long.MIN_VALUE is 2^63, which the unsigned view of the same bits already is.
        long magnitude = seed < 0 && seed != Long.MIN_VALUE ? -seed : seed;
        int lo = (int) magnitude;
        int hi = (int) (magnitude >>> 32);
        initByArray(hi == 0 ? new int[]{lo} : new int[]{lo, hi});
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (mti = 1; mti < N; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1, j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
    }

    /** The next raw 32-bit output (genrand_uint32), as an int holding the unsigned bits. */
    public int nextInt32() {
        if (mti >= N) {
            int kk;
            for (kk = 0; kk < N - M; kk++) {
                int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            }
            for (; kk < N - 1; kk++) {
                int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            }
            int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
            mti = 0;
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code getrandbits(k)} for 0 &le; k &le; 63 (non-negative in a long). */
    public long getrandbits(int k) {
        if (k < 0 || k > 63) throw new IllegalArgumentException("getrandbits: k must be in [0, 63], got " + k);
        if (k == 0) return 0;
        if (k <= 32) return Integer.toUnsignedLong(nextInt32()) >>> (32 - k);
        long low = Integer.toUnsignedLong(nextInt32());
        long high = Integer.toUnsignedLong(nextInt32()) >>> (64 - k);
        return high << 32 | low;
    }

    /** {@code random()}: a double in [0, 1) with 53 random bits (genrand_res53). */
    public double random() {
        long a = Integer.toUnsignedLong(nextInt32()) >>> 5;
        long b = Integer.toUnsignedLong(nextInt32()) >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /** {@code _randbelow(n)}: uniform in [0, n) by rejection on {@code getrandbits(n.bit_length())}. */
    public int randbelow(int n) {
        if (n <= 0) throw new IllegalArgumentException("randbelow: n must be positive, got " + n);
        int k = 32 - Integer.numberOfLeadingZeros(n); // n.bit_length()
        long r = getrandbits(k);
        while (r >= n) r = getrandbits(k);
        return (int) r;
    }

    /** {@code shuffle(x)} in place. */
    public void shuffle(int[] x) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = randbelow(i + 1);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }

    /** {@code shuffle(x)} in place, for a mutable list. */
    public <T> void shuffle(List<T> x) {
        for (int i = x.size() - 1; i > 0; i--) {
            int j = randbelow(i + 1);
            x.set(i, x.set(j, x.get(i)));
        }
    }

    /** {@code idxs = list(range(n)); random.Random(seed).shuffle(idxs)}: the list the study cuts. */
    public static int[] shuffledRange(int n, long seed) {
        int[] idxs = new int[n];
        for (int i = 0; i < n; i++) idxs[i] = i;
        new PythonRandom(seed).shuffle(idxs);
        return idxs;
    }
}
