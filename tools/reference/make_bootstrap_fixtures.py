#!/usr/bin/python3
"""Reference bootstrap intervals for io.github.dl4jtransfer.eval.Bootstrap and the report's paired gain intervals.

Writes dl4j-transfer/src/test/resources/fixtures/bootstrap/:

  cells.json  per case: a test set's logits (or probabilities) and targets, a fixed set of resample index arrays,
              the headline metric on every resample (scikit-learn) and the 2.5th / 97.5th percentiles of those
              (numpy.percentile, linear). BootstrapReferenceTest feeds the same indices to the Java side and asserts
              |java - numpy| <= 1e-9 for every resample value and both ends of the interval.
  paired.json two tasks, a model and a reference with two seeds each: per task the shared resample indices, per
              group the seeds drawn on each resample, and the relative gain of the model over the reference on
              every resample -- (mean over drawn seeds of the model's metric - the reference's) / |reference's| x 100,
              averaged over the tasks -- with its percentiles. PairedGainReferenceTest checks it to 1e-9.

The resample indices are drawn here (stratified by class for single-label sets, as the Java side draws its own);
what is compared is the arithmetic on a given resample set, not the random streams.

Run with Debian's interpreter and packages (apt-get install -y python3-sklearn), not a pyenv/venv python:

    /usr/bin/python3 tools/reference/make_bootstrap_fixtures.py

Deterministic: same seed and library versions give byte-identical files (versions are recorded in "meta").
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.metrics import balanced_accuracy_score, cohen_kappa_score, roc_auc_score

SEED = 20240312
RESAMPLES = 300
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "dl4j-transfer", "src", "test", "resources", "fixtures", "bootstrap")


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def headline(metric, scores, y, kind):
    """The metric as scikit-learn computes it; NaN where it is undefined on this resample."""
    probs = scores if kind == "probabilities" else (softmax(scores) if metric != "mean_roc_auc" else scores)
    if metric == "mean_roc_auc":
        aucs = [roc_auc_score(y[:, l], probs[:, l]) for l in range(y.shape[1]) if 0 < y[:, l].sum() < len(y)]
        return float(np.mean(aucs)) if aucs else float("nan")
    pred = np.argmax(scores, axis=1)
    classes = scores.shape[1]
    if metric == "quadratic_kappa":
        return float(cohen_kappa_score(y, pred, weights="quadratic", labels=list(range(classes))))
    if metric == "balanced_accuracy":
        return float(balanced_accuracy_score(y, pred))
    if metric == "roc_auc":
        return float(roc_auc_score(y, probs[:, 1]))
    if metric == "roc_auc_ovr":
        return float(roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=list(range(classes))))
    raise ValueError(metric)


def resamples(rng, y, count):
    n = len(y)
    if y.ndim == 2:
        return rng.integers(0, n, (count, n))
    out = np.empty((count, n), dtype=int)
    members = {c: np.flatnonzero(y == c) for c in np.unique(y)}
    for i in range(n):
        m = members[y[i]]
        out[:, i] = m[rng.integers(0, len(m), count)]
    return out


def interval(values):
    v = np.asarray(values)
    v = v[~np.isnan(v)]
    return float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))


def nan_list(a):
    return [None if np.isnan(x) else float(x) for x in a]


def cell_case(rng, name, metric, scores, y, kind):
    idx = resamples(rng, y, RESAMPLES)
    values = [headline(metric, scores[r], y[r], kind) for r in idx]
    low, high = interval(values)
    return {"name": name, "metric": metric, "kind": kind, "outputs": int(scores.shape[1]),
            "multi_label": bool(y.ndim == 2), "scores": scores.tolist(), "targets": y.tolist(),
            "resamples": idx.tolist(), "values": nan_list(values), "low": low, "high": high}


def logits_for(rng, y, classes, signal):
    z = rng.normal(0, 1, (len(y), classes))
    z[np.arange(len(y)), y] += signal
    return np.round(z, 4)


def cell_cases(rng):
    out = []
    y = rng.integers(0, 2, 50)
    out.append(cell_case(rng, "binary_auc_logits", "roc_auc", logits_for(rng, y, 2, 1.0), y, "logits"))
    y = rng.choice(5, 60, p=[0.4, 0.2, 0.2, 0.1, 0.1])
    out.append(cell_case(rng, "kappa_5class", "quadratic_kappa", logits_for(rng, y, 5, 1.2), y, "logits"))
    y = rng.choice(4, 48, p=[0.5, 0.25, 0.15, 0.1])
    out.append(cell_case(rng, "balanced_accuracy_4class", "balanced_accuracy", logits_for(rng, y, 4, 1.0), y, "logits"))
    out.append(cell_case(rng, "ovr_auc_4class", "roc_auc_ovr", logits_for(rng, y, 4, 0.8), y, "logits"))
    # kNN-like votes: fractions of 11 neighbours, full of ties that the AUC must count as halves.
    y = rng.integers(0, 2, 44)
    p1 = np.clip(rng.binomial(11, np.where(y == 1, 0.65, 0.4)) / 11.0, 0, 1)
    out.append(cell_case(rng, "binary_auc_knn_votes", "roc_auc", np.stack([1 - p1, p1], axis=1), y, "probabilities"))
    # Multi-label (mean over labels with both classes on the resample).
    y = (rng.random((45, 4)) < [0.4, 0.3, 0.15, 0.5]).astype(int)
    z = np.round(rng.normal(0, 1, (45, 4)) + 1.0 * y, 4)
    out.append(cell_case(rng, "multi_label_mean_auc", "mean_roc_auc", z, y, "logits"))
    return out


def paired_case(rng):
    tasks = []
    specs = [("binary", "roc_auc", 2, 40), ("graded", "quadratic_kappa", 4, 50)]
    for task, metric, classes, n in specs:
        y = rng.integers(0, classes, n)
        idx = resamples(rng, y, RESAMPLES)
        groups = {}
        for group, signal in (("model", 1.3), ("reference", 0.9)):
            seeds = [logits_for(rng, y, classes, signal + 0.2 * s) for s in range(2)]
            values = [[headline(metric, z[r], y[r], "logits") for r in idx] for z in seeds]
            draws = rng.integers(0, 2, (RESAMPLES, 2))  # seeds drawn with replacement on each resample
            means = [float(np.mean([values[d][b] for d in draws[b]])) for b in range(RESAMPLES)]
            groups[group] = {"scores": [z.tolist() for z in seeds], "seed_draws": draws.tolist(), "values": values,
                             "means": means}
        gain = [(groups["model"]["means"][b] - groups["reference"]["means"][b])
                / abs(groups["reference"]["means"][b]) * 100.0 for b in range(RESAMPLES)]
        tasks.append({"task": task, "metric": metric, "outputs": classes, "targets": y.tolist(),
                      "resamples": idx.tolist(), "groups": groups, "gain": gain})
    mean_gain = [float(np.mean([t["gain"][b] for t in tasks])) for b in range(RESAMPLES)]
    low, high = interval(mean_gain)
    return {"tasks": tasks, "mean_gain": mean_gain, "low": low, "high": high}


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {"generator": "tools/reference/make_bootstrap_fixtures.py", "seed": SEED, "resamples": RESAMPLES,
            "sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}
    cells = cell_cases(np.random.default_rng([SEED, 1]))
    path = os.path.join(OUT, "cells.json")
    with open(path, "w") as fh:
        fh.write('{\n"meta": ' + json.dumps(meta) + ',\n"cases": [\n')
        fh.write(",\n".join(json.dumps(c, allow_nan=False) for c in cells))
        fh.write("\n]\n}\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes, {len(cells)} cases)")
    path = os.path.join(OUT, "paired.json")
    with open(path, "w") as fh:
        fh.write('{\n"meta": ' + json.dumps(meta) + ',\n"case": ' + json.dumps(paired_case(np.random.default_rng([SEED, 2])),
                                                                           allow_nan=False) + "\n}\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
