#!/usr/bin/python3
"""Reference values for io.github.dl4jtransfer.eval.Metrics, computed with scikit-learn.

Writes small JSON fixtures (fixed, seeded vectors + sklearn's results) to
dl4j-transfer/src/test/resources/fixtures/metrics/. MetricsReferenceTest asserts |ours - sklearn| <= 1e-9.

Run with Debian's interpreter and packages (apt-get install -y python3-sklearn), not a pyenv/venv python:

    /usr/bin/python3 tools/reference/make_metric_fixtures.py

Deterministic: same seed and library versions give byte-identical files (versions are recorded in "meta").
Conventions the Java side relies on:
  * kappa is computed with labels=range(num_classes), so quadratic weights are (i - j)^2 on class indices
    even when a grade is absent (sklearn's default weights by position among the classes present);
  * multi-label: a label whose y_true column has one class is skipped (per_label null, listed in "skipped")
    and mean_roc_auc is the mean over the others -- sklearn would raise on the whole matrix instead.
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, cohen_kappa_score, confusion_matrix,
                             f1_score, roc_auc_score)

SEED = 20240107
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "dl4j-transfer", "src", "test", "resources", "fixtures", "metrics")


def f(x):
    """numpy scalar -> Python float (json writes the shortest repr that round-trips to the same double)."""
    return float(x)


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def floats(a):
    return [float(v) for v in np.asarray(a).ravel()]


# ---- single-label label metrics ---------------------------------------------------------------------------

def balanced_accuracy(y, pred):
    with warnings.catch_warnings():  # "y_pred contains classes not in y_true" is the case under test
        warnings.simplefilter("ignore", UserWarning)
        return balanced_accuracy_score(y, pred)


def classification_case(name, y, pred, num_classes):
    y, pred = np.asarray(y), np.asarray(pred)
    labels = list(range(num_classes))
    return {
        "name": name, "num_classes": num_classes, "y": ints(y), "pred": ints(pred),
        "accuracy": f(accuracy_score(y, pred)),
        "balanced_accuracy": f(balanced_accuracy(y, pred)),
        "macro_f1": f(f1_score(y, pred, average="macro", zero_division=0)),
        "quadratic_kappa": f(cohen_kappa_score(y, pred, weights="quadratic", labels=labels)),
        "confusion_matrix": confusion_matrix(y, pred, labels=labels).tolist(),
    }


def classification_cases(rng):
    cases = []
    y = rng.integers(0, 5, 60)
    cases.append(classification_case("uniform_5class_random", y, rng.integers(0, 5, 60), 5))

    # APTOS-like: imbalanced ordinal grades, predictions off by a grade or two.
    y = rng.choice(5, 80, p=[0.5, 0.1, 0.2, 0.1, 0.1])
    pred = np.clip(y + np.rint(rng.normal(0, 0.8, 80)).astype(int), 0, 4)
    cases.append(classification_case("imbalanced_ordinal_5class", y, pred, 5))

    # Grade 2 never occurs: weights must stay (i - j)^2 on indices, not positions.
    y = rng.choice([0, 1, 3, 4, 5], 50, p=[0.3, 0.2, 0.2, 0.2, 0.1])
    pred = np.clip(y + rng.choice([-1, 0, 0, 1], 50), 0, 5)
    pred[pred == 2] = 3
    cases.append(classification_case("missing_middle_grade_6class", y, pred, 6))

    # pred has a class absent from y_true (balanced accuracy ignores it, F1 counts it as 0).
    y = rng.integers(0, 3, 40)
    pred = np.where(rng.random(40) < 0.2, 3, np.where(rng.random(40) < 0.6, y, rng.integers(0, 3, 40)))
    cases.append(classification_case("pred_class_not_in_true", y, pred, 4))

    # A true class that is never predicted (its F1 is 0).
    y = rng.integers(0, 4, 40)
    pred = np.where(y == 3, rng.integers(0, 3, 40), np.where(rng.random(40) < 0.7, y, rng.integers(0, 3, 40)))
    cases.append(classification_case("true_class_never_predicted", y, pred, 4))

    y = (rng.random(100) < 0.1).astype(int)
    pred = np.where(rng.random(100) < 0.85, y, 1 - y)
    cases.append(classification_case("binary_imbalanced", y, pred, 2))

    y = rng.integers(0, 4, 30)
    cases.append(classification_case("all_correct", y, y, 4))
    cases.append(classification_case("constant_prediction", y, np.zeros_like(y), 4))
    cases.append(classification_case("reversed_ordinal", y, 3 - y, 4))
    return cases


# ---- binary ROC AUC ---------------------------------------------------------------------------------------

def binary_case(name, y, score):
    y, score = np.asarray(y), np.asarray(score, dtype=np.float64)
    return {"name": name, "y": ints(y), "score": floats(score), "roc_auc": f(roc_auc_score(y, score))}


def binary_cases(rng):
    cases = []
    y = (rng.random(80) < 0.4).astype(int)
    cases.append(binary_case("continuous_no_ties", y, rng.normal(0, 1, 80) + 0.8 * y))

    y = (rng.random(100) < 0.3).astype(int)
    cases.append(binary_case("rounded_scores_many_ties", y, np.round(rng.random(100) * 0.7 + 0.3 * y, 1)))

    y = np.zeros(120, dtype=int)
    y[rng.choice(120, 5, replace=False)] = 1
    cases.append(binary_case("heavy_imbalance_5_of_120", y, np.round(rng.random(120) + 0.2 * y, 2)))

    y = (rng.random(20) < 0.5).astype(int)
    y[:2] = [0, 1]
    cases.append(binary_case("all_scores_equal", y, np.full(20, 0.25)))
    cases.append(binary_case("perfect_separation", y, y * 2.0 - 1.0 + rng.random(20) * 0.5))
    cases.append(binary_case("inverted", y, -(y * 2.0 - 1.0)))

    # -0.0 and 0.0 are one tied score for sklearn (numpy ==); a naive sort would order them.
    y = np.array([1, 0, 1, 0, 1, 0, 0, 1])
    cases.append(binary_case("signed_zero_ties", y, np.array([-0.0, 0.0, 0.0, -0.0, 1.0, -1.0, 0.0, -0.0])))

    # Logit-scale scores (what the Evaluator passes): wide range, negative values, a few exact ties.
    y = (rng.random(60) < 0.5).astype(int)
    cases.append(binary_case("logit_scale", y, np.round(rng.normal(0, 8, 60) + 6 * y, 0)))
    return cases


# ---- multiclass one-vs-rest ROC AUC -----------------------------------------------------------------------

def probs_compact(raw, decimals):
    """Rows of probabilities rounded to a few decimals (ties, small files); last column closes the sum to 1."""
    p = np.round(raw[:, :-1], decimals)
    return np.column_stack([p, 1.0 - p.sum(axis=1)])


def ovr_case(name, y, probs):
    y, probs = np.asarray(y), np.asarray(probs, dtype=np.float64)
    assert np.all(probs[:, -1] >= 0)
    return {"name": name, "y": ints(y), "probs": probs.tolist(),
            "roc_auc_ovr": f(roc_auc_score(y, probs, multi_class="ovr", average="macro"))}


def ovr_cases(rng):
    cases = []
    y = rng.integers(0, 4, 60)
    raw = rng.dirichlet(np.ones(4), 60) * 0.85 + 0.15 * np.eye(4)[y]
    cases.append(ovr_case("dirichlet_4class", y, probs_compact(raw, 3)))

    # Few distinct rows -> ties everywhere.
    protos = probs_compact(rng.dirichlet(np.ones(3), 4), 2)
    y = rng.integers(0, 3, 50)
    y[:3] = [0, 1, 2]
    cases.append(ovr_case("prototype_rows_3class_ties", y, protos[rng.integers(0, 4, 50)]))

    # ISIC-like imbalance; softmax of noisy logits.
    y = rng.choice(5, 90, p=[0.45, 0.25, 0.15, 0.1, 0.05])
    y[:5] = np.arange(5)
    z = rng.normal(0, 1.5, (90, 5)) + 1.5 * np.eye(5)[y]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    cases.append(ovr_case("imbalanced_5class_softmax", y, probs_compact(e / e.sum(axis=1, keepdims=True), 4)))
    return cases


# ---- multi-label mean ROC AUC -----------------------------------------------------------------------------

def multilabel_case(name, y, scores):
    y, scores = np.asarray(y), np.asarray(scores, dtype=np.float64)
    per_label, skipped = [], []
    for j in range(y.shape[1]):
        if len(np.unique(y[:, j])) < 2:
            per_label.append(None)
            skipped.append(j)
        else:
            per_label.append(f(roc_auc_score(y[:, j], scores[:, j])))
    defined = [v for v in per_label if v is not None]
    if not skipped:  # the plain sklearn call must agree with the per-label mean when nothing is skipped
        assert abs(roc_auc_score(y, scores, average="macro") - np.mean(defined)) < 1e-15
    return {"name": name, "y": y.astype(int).tolist(), "scores": scores.tolist(),
            "mean_roc_auc": f(np.mean(defined)), "per_label": per_label, "skipped": skipped}


def multilabel_cases(rng):
    cases = []
    # CheXpert-like: imbalanced findings, one label never positive, one always positive, tied scores.
    n, prevalence = 50, np.array([0.3, 0.1, 0.0, 0.5, 0.2, 1.0])
    y = (rng.random((n, 6)) < prevalence).astype(int)
    y[0, 1] = 1
    scores = np.round(rng.random((n, 6)) * 0.8 + 0.3 * y, 1)
    cases.append(multilabel_case("single_class_columns_skipped", y, scores))

    y = (rng.random((30, 3)) < 0.5).astype(int)
    y[:2] = [[0, 0, 0], [1, 1, 1]]
    cases.append(multilabel_case("all_labels_defined_logits", y, np.round(rng.normal(0, 3, (30, 3)) + 2 * y, 3)))
    return cases


def write(name, meta, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as fh:
        fh.write('{\n"meta": ' + json.dumps(meta) + ',\n"cases": [\n')
        fh.write(",\n".join(json.dumps(c, allow_nan=False) for c in cases))
        fh.write("\n]\n}\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes, {len(cases)} cases)")


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {"generator": "tools/reference/make_metric_fixtures.py", "seed": SEED,
            "sklearn": sklearn.__version__, "numpy": np.__version__,
            "python": sys.version.split()[0]}
    # One generator per file, so adding cases to one file does not change the others.
    write("classification.json", meta, classification_cases(np.random.default_rng([SEED, 1])))
    write("binary_auc.json", meta, binary_cases(np.random.default_rng([SEED, 2])))
    write("multiclass_auc.json", meta, ovr_cases(np.random.default_rng([SEED, 3])))
    write("multilabel_auc.json", meta, multilabel_cases(np.random.default_rng([SEED, 4])))


if __name__ == "__main__":
    main()
