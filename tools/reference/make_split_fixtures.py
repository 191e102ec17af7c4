#!/usr/bin/python3
"""Reference outputs for the study's splits and its multi-label AUC rule, made with CPython, pandas and sklearn.

Writes to dl4j-transfer/src/test/resources/fixtures/splits/:

  python_random.json  random.Random(seed).shuffle(list(range(n))) for the study's dataset sizes (APTOS 2019
                      train.csv: 3662 rows, ISIC 2019 ground truth: 25331 rows) and small n, plus raw
                      getrandbits(k) and random() streams for several seeds (incl. 0, negative, > 2**32);
                      and the cut the study makes from the shuffled list (defaults/bases.py
                      get_validation_ids with val_size=0.3 / 0.2, then the halves of defaults/datasets.py).
                      Checked by PythonRandomTest and StudySplitsTest.
  chexpert_split.json a small synthetic CheXpert train.csv (paths in the file's patient/study order) and
                      the parts the study's CheXpert code makes of it: rows sorted by Path, but sliced with
                      pandas .loc on the *original* row labels, which are inclusive at both ends
                      (defaults/datasets.py CheXpert.get_data_as_list). Checked by StudySplitsTest.
  study_mean_auc.json multi-label targets/scores with labels that have no positives, and the study's
                      mean ROC AUC (utils/metrics.py mean_roc_auc: such a label counts 0.5; sklearn's
                      roc_auc_score with the study's sample weights otherwise). Checked by MetricsStudyAucTest.

The study's code is not copied here: this script restates the same arithmetic with the same libraries,
so that the Java side can be compared with what Python really does.

Run with Debian's interpreter and packages (apt-get install -y python3-pandas python3-sklearn), not a
pyenv/venv python:

    /usr/bin/python3 tools/reference/make_split_fixtures.py

Deterministic: same library versions give byte-identical files (versions are recorded in "meta").
"""
import json
import os
import platform
import random
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn import metrics

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "dl4j-transfer", "src", "test", "resources", "fixtures", "splits")

META = {"generator": "tools/reference/make_split_fixtures.py", "python": platform.python_version(),
        "pandas": pd.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__}


def write(name, body):
    path = os.path.join(OUT, name)
    with open(path, "w") as fh:
        fh.write('{\n"meta": ' + json.dumps(META) + ',\n')
        items = list(body.items())
        for i, (key, value) in enumerate(items):
            fh.write(json.dumps(key) + ": ")
            if isinstance(value, list):
                fh.write("[\n" + ",\n".join(json.dumps(v, allow_nan=False) for v in value) + "\n]")
            else:
                fh.write(json.dumps(value, allow_nan=False))
            fh.write(",\n" if i + 1 < len(items) else "\n")
        fh.write("}\n")
    print("wrote", os.path.relpath(path), file=sys.stderr)


# ---- random.Random ------------------------------------------------------------------------------------

def study_cut(n, val_size_arg, seed=42):
    """The study's get_validation_ids (fresh split, no json yet) followed by the val/test halves."""
    idxs = list(range(n))
    val_size = int(n * val_size_arg) if val_size_arg < 1 else val_size_arg
    random.Random(seed).shuffle(idxs)
    train, held_out = idxs[val_size:], idxs[:val_size]
    half = int(len(held_out) / 2)
    return {"n": n, "val_size_arg": val_size_arg, "seed": seed, "held_out": val_size,
            "train_size": len(train), "val_size": half, "test_size": len(held_out) - half,
            "train_head": train[:5], "val_head": held_out[:half][:5], "test_head": held_out[half:][:5]}


def python_random():
    shuffles = []
    for seed, n in [(42, 0), (42, 1), (42, 2), (42, 3), (42, 5), (42, 10), (42, 100), (42, 1000),
                    (0, 50), (1, 50), (-42, 50), (2 ** 32 + 5, 50), (2 ** 63 - 1, 50),
                    (42, 3662), (42, 25331)]:
        idxs = list(range(n))
        random.Random(seed).shuffle(idxs)
        shuffles.append({"seed": seed, "n": n, "shuffled": idxs})
    bits = []
    for seed in [42, 0, -7, 2 ** 40 + 3]:
        for k in [1, 5, 12, 31, 32, 33, 48, 63]:
            r = random.Random(seed)
            bits.append({"seed": seed, "k": k, "values": [r.getrandbits(k) for _ in range(20)]})
    doubles = []
    for seed in [42, 0, 123456789]:
        r = random.Random(seed)
        doubles.append({"seed": seed, "values": [r.random() for _ in range(10)]})
    below = []
    for seed, n in [(42, 1), (42, 7), (42, 1000), (42, 2 ** 31 - 1), (3, 65537)]:
        r = random.Random(seed)
        below.append({"seed": seed, "n": n, "values": [r._randbelow(n) for _ in range(20)]})
    cuts = [study_cut(3662, 0.3), study_cut(25331, 0.2), study_cut(10, 0.3), study_cut(7, 0.2),
            study_cut(101, 0.3)]
    write("python_random.json", {"getrandbits": bits, "random": doubles, "randbelow": below,
                                  "cuts": cuts, "shuffles": shuffles})


# ---- CheXpert -----------------------------------------------------------------------------------------

def chexpert_paths():
    """CheXpert-like paths in the file's order: patient by patient, study1, study2, ... study10 numerically.

    Patients with ten or more studies sort differently as strings (study10 < study2), which is what makes
    the study's label-based slicing differ from slicing by position."""
    paths = []
    studies = [3, 12, 1, 2, 11, 4, 1, 13, 2, 1, 10, 2, 1, 3, 12, 1, 2, 1, 1, 11, 2, 3, 1, 1, 10]
    for p, count in enumerate(studies, start=1):
        for s in range(1, count + 1):
            views = ["view1_frontal"] + (["view2_lateral"] if (p + s) % 3 == 0 else [])
            for v in views:
                paths.append("CheXpert-v1.0-small/train/patient%05d/study%d/%s.jpg" % (p, s, v))
    return paths


def chexpert_split():
    paths = chexpert_paths()
    datainfo = pd.DataFrame({"Path": paths})
    datainfo = datainfo.sort_values(by=["Path"])          # index labels keep the file's row numbers
    testval_size = int(len(datainfo) * 0.2) + 15
    train = datainfo.loc[testval_size:]                    # label-based: from the row labelled testval_size
    head = datainfo.loc[:testval_size]                     # ... and up to it, inclusive
    val = head.loc[:int(len(head) / 2)]
    test = head.loc[int(len(head) / 2):]
    by_position = datainfo.reset_index(drop=True)
    naive_head = by_position.iloc[:testval_size]
    assert naive_head["Path"].tolist() != head["Path"].tolist(), "fixture should tell labels from positions"
    write("chexpert_split.json", {
        "rows": len(paths), "testval_size": testval_size, "head_size": len(head),
        "val_label": int(len(head) / 2),
        "paths_in_file_order": paths,
        "train": train["Path"].tolist(), "val": val["Path"].tolist(), "test": test["Path"].tolist()})


# ---- mean ROC AUC -------------------------------------------------------------------------------------

def study_mean_roc_auc(truths, predictions):
    """utils/metrics.py mean_roc_auc, restated: 0.5 for a label without positives, else sklearn's AUC with
    the study's sample weights (targets squared + 1e-6, constant within each class for 0/1 targets)."""
    truths, predictions = np.asarray(truths, dtype=float), np.asarray(predictions, dtype=float)
    total, per_label = 0.0, []
    for j in range(predictions.shape[-1]):
        auc = 0.5
        target = (truths[:, j] + truths[:, j] ** 2) / 2
        if target.sum() > 0:
            auc = metrics.roc_auc_score(target, predictions[:, j], average="macro",
                                        sample_weight=truths[:, j] ** 2 + 1e-06, multi_class="ovo")
        per_label.append(float(auc))
        total += auc
    return float(total / predictions.shape[-1]), per_label


def study_auc():
    rng = np.random.default_rng(20240111)
    cases = []
    for name, n, labels, empty in [("two_empty_labels", 40, 6, [1, 4]), ("chexpert_like", 120, 14, [4, 11, 12]),
                                   ("no_empty_label", 30, 3, []), ("all_empty", 10, 3, [0, 1, 2])]:
        y = (rng.random((n, labels)) < 0.3).astype(int)
        for j in empty:
            y[:, j] = 0
        for j in range(labels):           # every other label has both classes
            if j not in empty:
                y[0, j], y[1, j] = 1, 0
        scores = np.round(rng.normal(size=(n, labels)) + y * 0.8, 2)  # rounded: ties occur
        mean, per_label = study_mean_roc_auc(y, scores)
        cases.append({"name": name, "y": y.tolist(), "scores": scores.tolist(), "empty_labels": empty,
                      "mean": mean, "per_label": per_label})
    write("study_mean_auc.json", {"cases": cases})


def main():
    os.makedirs(OUT, exist_ok=True)
    python_random()
    chexpert_split()
    study_auc()


if __name__ == "__main__":
    main()
