package io.github.dl4jtransfer.data.split;

import io.github.dl4jtransfer.data.Split;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The cuts Palés Huix et al. (WACV 2024) made of their datasets, computed on row numbers of a dataset's CSV
 * (0 = first data row), exactly as their Python does, quirks included. {@link DatasetSplit#of} uses these
 * for {@code SplitStrategy.STUDY_SHUFFLE} and {@code STUDY_SORTED_PATHS}; the parts are public so a caller
 * can check them against the study's own files. File and line references are to the study's repository
 * (joanaapa/Foundation-Medical) and listed in {@code docs/datasets.md}.
 */
public final class StudySplits {

    /** Rows the study's CheXpert code adds to its 20 % held-out part "to make a better patient split". */
    public static final int CHEXPERT_EXTRA_ROWS = 15;

    private StudySplits() {
    }

    /**
     * The study's three parts as row numbers, in the study's order. The parts can overlap (see
     * {@link #sortedPaths}); {@link #assignment} resolves that.
     */
    public record Parts(List<Integer> train, List<Integer> val, List<Integer> test) {
        public Parts {
            train = List.copyOf(train);
            val = List.copyOf(val);
            test = List.copyOf(test);
        }

        /**
         * One split per row: a row in two parts goes to the later of train, val, test, so the study's test
         * set (the one its numbers are measured on) is reproduced whole, and then its val set; each overlap
         * costs the earlier part one row. Rows in no part (none, for the cuts here) are absent.
         */
        public Map<Integer, Split> assignment() {
            Map<Integer, Split> a = new HashMap<>();
            train.forEach(r -> a.put(r, Split.TRAIN));
            val.forEach(r -> a.put(r, Split.VAL));
            test.forEach(r -> a.put(r, Split.TEST));
            return a;
        }
    }

    /**
     * APTOS 2019 and ISIC 2019 in the study ({@code defaults/bases.py} {@code get_validation_ids}, called from
     * {@code defaults/datasets.py} with {@code val_size} 0.3 and 0.2): the row numbers {@code 0..n-1} shuffled
     * by {@code random.Random(seed)}; {@code held = int(n * heldOutFraction)} (a double product, truncated);
     * train is {@code idxs[held:]}, and the held-out {@code idxs[:held]} is halved at {@code int(held / 2)}:
     * val the first half, test the rest. No row is in two parts.
     */
    public static Parts shuffled(int n, double heldOutFraction, long seed) {
        if (n < 0) throw new IllegalArgumentException("row count must be >= 0, got " + n);
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in [0, 1), got " + heldOutFraction);
        }
        int[] idxs = PythonRandom.shuffledRange(n, seed);
        int held = (int) (n * heldOutFraction);
        int half = held / 2;
        return new Parts(rows(idxs, held, n), rows(idxs, 0, half), rows(idxs, half, held));
    }

    /**
     * CheXpert in the study ({@code defaults/datasets.py}, {@code CheXpert.get_data_as_list}): the table is
     * sorted by {@code Path}, {@code T = int(n * headFraction) + extraRows}, train is {@code .loc[T:]}, the
     * held-out part {@code .loc[:T]}, and of that val is {@code .loc[:M]} and test {@code .loc[M:]} with
     * {@code M = int(len(held-out) / 2)}.
     *
     * <p>{@code sort_values} keeps each row's original label (its row number) and {@code .loc} slices by
     * label, inclusive at both ends: so train starts at the <i>position</i> of the row numbered T in path
     * order, not at position T, and that row is in train and in the held-out part; the row numbered M is in
     * val and in test. Where the file is in path order already these are the first T + 1 rows, halved with one
     * shared row; where it is not (patients with ten or more studies: {@code study10} sorts before
     * {@code study2}) the cut moves with the row numbered T. Paths are compared by code point, as Python
     * compares strings.
     *
     * @param pathsInFileOrder the {@code Path} column, row 0 first
     * @throws IllegalArgumentException where pandas raises KeyError: the row numbered T does not exist
     *                                  (fewer than T + 1 rows), or the row numbered M is not held out
     */
    public static Parts sortedPaths(List<String> pathsInFileOrder, double headFraction, int extraRows) {
        int n = pathsInFileOrder.size();
        int t = (int) (n * headFraction) + extraRows;
        if (t >= n) {
            throw new IllegalArgumentException("the study's CheXpert cut holds out rows up to row number " + t
                    + " (int(" + n + " * " + headFraction + ") + " + extraRows + "), but there are only " + n
                    + " rows; pandas raises KeyError here");
        }
        List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Comparator<Integer> byPath = (a, b) -> compareCodePoints(pathsInFileOrder.get(a), pathsInFileOrder.get(b));
        order.sort(byPath.thenComparing(Comparator.naturalOrder()));
        int[] position = new int[n];
        for (int p = 0; p < n; p++) position[order.get(p)] = p;
        int p = position[t];
        int m = (p + 1) / 2; // int(len(head) / 2), len(head) = p + 1
        int q = position[m];
        if (q > p) {
            throw new IllegalArgumentException("the study's CheXpert cut splits its held-out rows at row number " + m
                    + ", but in path order that row comes after the held-out part; pandas raises KeyError here");
        }
        return new Parts(order.subList(p, n), order.subList(0, q + 1), order.subList(q, p + 1));
    }

    /** The study's CheXpert cut with its 20 % + {@value #CHEXPERT_EXTRA_ROWS} rows. */
    public static Parts chexpert(List<String> pathsInFileOrder) {
        return sortedPaths(pathsInFileOrder, 0.2, CHEXPERT_EXTRA_ROWS);
    }

    /** Python's {@code str} order: by Unicode code point (Java's compareTo orders UTF-16 units). */
    static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static List<Integer> rows(int[] idxs, int from, int to) {
        List<Integer> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) out.add(idxs[i]);
        return Collections.unmodifiableList(out);
    }
}
