#!/usr/bin/python3
"""Check exported directories against their own reference outputs, from the ONNX file alone.

    /usr/bin/python3 tools/export/check_export.py DIR [DIR ...] [--no-eval]

For each DIR (model.onnx + model.json + *_b1.npy / *_b4.npy):
* every output the sidecar names (``outputs`` and ``study.outputs``) is checked; a 1-channel variant named in
  ``study.grayscale`` (SEEM's ``model-gray.onnx``, references ``gray_*``) is checked the same way;
* onnx.checker on the model, sidecar sha256 == the file's;
* the graph evaluated by onnx_eval (NumPy, float64) on input_b1 and input_b4 vs the PyTorch references
  (max abs / max relative-to-scale error);
* batch consistency: each row of input_b4 run alone at batch 1 vs the batch-4 reference row;
* op-type counts, anonymous initializers, Identity nodes fed by initializers (see optypes.py).
Exit status 1 if any check fails (tolerance: 1e-4 relative to the output's max magnitude).
"""
import hashlib
import json
import os
import sys
import time

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import onnx_eval  # noqa: E402
import optypes  # noqa: E402

TOL = 1e-4


def _err(a, b):
    scale = max(float(np.abs(b).max()), 1e-6)
    return float(np.abs(a - b).max()), float(np.abs(a - b).max()) / scale


def check(d, do_eval=True):
    meta = json.load(open(os.path.join(d, "model.json")))
    outs = list(dict.fromkeys(list(meta["outputs"].values())
                              + list(meta.get("study", {}).get("outputs", {}).values())))
    ok = check_graph(d, "model.onnx", meta, meta.get("onnx_sha256"), outs, "", do_eval)
    gray = meta.get("study", {}).get("grayscale")
    if gray:
        ok &= check_graph(d, gray["file"], meta, gray.get("onnx_sha256"), list(meta["outputs"].values()),
                          gray.get("references_prefix", "gray_"), do_eval)
    return ok


def check_graph(d, file, meta, sha_expected, outs, prefix, do_eval):
    ok = True
    path = os.path.join(d, file)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if sha != sha_expected:
        print(f"  FAIL sha256 mismatch ({sha} vs sidecar {meta.get('onnx_sha256')})")
        ok = False
    s = optypes.summarise(path)
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"== {d}/{file}: {meta['name']} ({meta['variant']}), dir {size / 2**20:.2f} MiB, onnx {os.path.getsize(path) / 2**20:.2f} MiB")
    print("   ops: " + ", ".join(f"{k} {v}" for k, v in s["op_types"].items()))
    print(f"   anonymous initializers: {len(s['anonymous_initializers'])}, Identity from initializer: "
          f"{len(s['identity_from_initializer'])}")
    if not do_eval:
        return ok
    inp = meta["input_name"]
    t0 = time.time()
    for b in (1, 4):
        x = np.load(os.path.join(d, f"{prefix}input_b{b}.npy"))
        got = onnx_eval.run(m, {inp: x})
        for o in outs:
            ref = np.load(os.path.join(d, f"{prefix}{o}_b{b}.npy"))
            if got[o].shape != ref.shape:
                print(f"  FAIL {o} b{b}: shape {got[o].shape} vs reference {ref.shape}")
                ok = False
                continue
            ae, re_ = _err(got[o], ref)
            flag = "ok" if re_ < TOL else "FAIL"
            ok &= re_ < TOL
            print(f"   {flag} onnx vs torch {o} b{b} {tuple(ref.shape)}: max abs {ae:.2e}, rel {re_:.2e}")
    x4 = np.load(os.path.join(d, f"{prefix}input_b4.npy"))
    for o in outs:
        ref = np.load(os.path.join(d, f"{prefix}{o}_b4.npy"))
        rows = [onnx_eval.run(m, {inp: x4[i:i + 1]})[o] for i in range(4)]
        ae, re_ = _err(np.concatenate(rows, 0), ref)
        flag = "ok" if re_ < TOL else "FAIL"
        ok &= re_ < TOL
        print(f"   {flag} 4 x batch-1 vs batch-4 reference {o}: max abs {ae:.2e}, rel {re_:.2e}")
    print(f"   evaluated in {time.time() - t0:.1f}s")
    return ok


def main(argv):
    do_eval = "--no-eval" not in argv
    dirs = [a for a in argv if not a.startswith("--")]
    if not dirs:
        print(__doc__)
        return 2
    bad = [d for d in dirs if not check(d, do_eval)]
    print("all checks passed" if not bad else f"FAILED: {', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
