#!/usr/bin/python3
"""Reference k-nearest-neighbour votes for io.github.dl4jtransfer.train.KnnProbe, by brute force in numpy.

Writes dl4j-transfer/src/test/resources/fixtures/knn/knn.json; KnnProbeReferenceTest asserts the same neighbours
(exactly) and the same scores (to 1e-12).

The rules restated here, independently of the Java code (docs/scenarios.md, "kNN"):
  * cosine similarity: each row divided by its L2 norm (a zero row stays zero: similarity 0 to everything);
  * neighbours: every training row sorted by similarity descending, then training index ascending (np.lexsort),
    the first min(k, N) kept -- so at equal similarity the earlier training image wins the k-th place;
  * weights: 1 (temperature 0) or exp(similarity / T); scores: sum(w * y) / sum(w) with y the one-hot class or
    the multi-hot label row; the predicted class is the first arg-max (np.argmax), so equal votes go to the lowest
    class index.
Similarities are summed with math.fsum (exactly rounded, the same for every row), so bit-identical rows tie here
exactly as they do in the Java code; the cases put their ties on duplicated rows.

Run with Debian's interpreter and packages (apt-get install -y python3-numpy), not a pyenv/venv python:

    /usr/bin/python3 tools/reference/make_knn_fixtures.py

Deterministic: same seed and numpy version give byte-identical files (versions are recorded in "meta").
"""
import json
import math
import os
import sys

import numpy as np

SEED = 20240311
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "dl4j-transfer", "src", "test", "resources", "fixtures", "knn")


def f32(a):
    """Features as the cache stores them (float32), written as the doubles they are."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def unit(rows):
    out = np.zeros_like(rows)
    for i, r in enumerate(rows):
        norm = math.sqrt(math.fsum(float(x) * float(x) for x in r))
        if norm > 0:
            out[i] = r / norm
    return out


def knn(train, targets, queries, k, temperature):
    tn, qn = unit(train), unit(queries)
    k = min(k, len(train))
    neighbours, scores = [], []
    for q in qn:
        sims = np.array([math.fsum(float(a) * float(b) for a, b in zip(q, t)) for t in tn])
        order = np.lexsort((np.arange(len(sims)), -sims))[:k]  # last key is primary: similarity descending
        s = sims[order]
        w = np.ones(k) if temperature == 0 else np.exp(s / temperature)
        scores.append((w[:, None] * targets[order]).sum(axis=0) / w.sum())
        neighbours.append(order)
    return np.array(neighbours), np.array(scores)


def case(name, train, labels, queries, k, temperature, outputs, multi_label):
    train, queries = f32(train), f32(queries)
    targets = np.asarray(labels, dtype=np.float64) if multi_label else np.eye(outputs)[np.asarray(labels)]
    nb, sc = knn(train, targets, queries, k, temperature)
    c = {"name": name, "k": k, "temperature": temperature, "outputs": outputs, "multi_label": multi_label,
         "train": train.tolist(), "labels": np.asarray(labels).tolist(), "queries": queries.tolist(),
         "neighbours": nb.tolist(), "scores": sc.tolist()}
    if not multi_label:
        c["predicted"] = [int(v) for v in np.argmax(sc, axis=1)]
    return c


def cases(rng):
    out = []
    # Random features with duplicated training rows (bit-identical: exact ties) in the middle of the ranking.
    n, d, classes = 60, 16, 4
    train = rng.normal(0, 1, (n, d))
    train[[17, 33, 48]] = train[9]
    train[[40]] = train[2]
    labels = rng.integers(0, classes, n)
    labels[[9, 17, 33, 48]] = [3, 0, 2, 1]
    queries = np.vstack([rng.normal(0, 1, (20, d)), train[9] + rng.normal(0, 0.05, (3, d)), train[2] + rng.normal(0, 0.05, (2, d))])
    out.append(case("single_label_majority_k11", train, labels, queries, 11, 0.0, classes, False))
    out.append(case("single_label_temperature_k11", train, labels, queries, 11, 0.07, classes, False))
    out.append(case("single_label_majority_k20", train, labels, queries, 20, 0.0, classes, False))

    # Ties at the k-th place and equal vote totals, by design: three copies of one row (indices 2, 5, 8) with three
    # different classes are the three nearest of a query beside them. k = 2 keeps indices 2 and 5 (the earlier
    # copies), whose votes tie 1:1 -> predicted class is the lower index; k = 1 keeps index 2 alone; k = 4 keeps
    # all three and the next.
    train = rng.normal(0, 1, (12, 6))
    train[[5, 8]] = train[2]
    labels = np.array([0, 1, 2, 1, 0, 0, 2, 1, 1, 2, 0, 1])
    labels[[2, 5, 8]] = [2, 1, 0]
    queries = np.vstack([train[2] + rng.normal(0, 0.01, (2, 6)), train[2], rng.normal(0, 1, (2, 6))])
    for k in (1, 2, 3, 4):
        out.append(case(f"ties_at_kth_k{k}", train, labels, queries, k, 0.0, 3, False))
    out.append(case("ties_at_kth_k2_temperature", train, labels, queries, 2, 0.1, 3, False))

    # A zero query (similarity 0 to everything: the first k training images) and a zero training row.
    train = rng.normal(0, 1, (9, 5))
    train[4] = 0
    labels = rng.integers(0, 2, 9)
    queries = np.vstack([np.zeros((1, 5)), rng.normal(0, 1, (3, 5))])
    out.append(case("zero_vectors_k3", train, labels, queries, 3, 0.0, 2, False))
    # k beyond the training split: all of it votes.
    out.append(case("k_exceeds_training_k11", train[:5], labels[:5], queries, 11, 0.0, 2, False))

    # Multi-label: per label, the (weighted) fraction of neighbours positive.
    n, d, nl = 50, 12, 5
    train = rng.normal(0, 1, (n, d))
    train[[30, 44]] = train[7]
    y = (rng.random((n, nl)) < 0.35).astype(int)
    queries = np.vstack([rng.normal(0, 1, (15, d)), train[7] + rng.normal(0, 0.02, (2, d))])
    out.append(case("multi_label_majority_k7", train, y, queries, 7, 0.0, nl, True))
    out.append(case("multi_label_temperature_k7", train, y, queries, 7, 0.1, nl, True))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {"generator": "tools/reference/make_knn_fixtures.py", "seed": SEED, "numpy": np.__version__,
            "python": sys.version.split()[0]}
    path = os.path.join(OUT, "knn.json")
    cs = cases(np.random.default_rng(SEED))
    with open(path, "w") as fh:
        fh.write('{\n"meta": ' + json.dumps(meta) + ',\n"cases": [\n')
        fh.write(",\n".join(json.dumps(c, allow_nan=False) for c in cs))
        fh.write("\n]\n}\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes, {len(cs)} cases)")


if __name__ == "__main__":
    main()
