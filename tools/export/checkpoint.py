"""What ``--weights FILE`` actually loaded, and the decision whether that is good enough to export.

The two loaders (``families/_vit.py: load_weights`` for the ViT families, ``families/_weights.py:
load_checkpoint`` for SAM, FocalNet and ResNet) unwrap and select keys the way each family documents,
load with ``strict=False`` and then hand their outcome to :func:`record`. ``export.py`` calls
:func:`reset` before building a model and :func:`verify` after it, before anything is written: a model
tensor that the checkpoint did not provide (a wrong key prefix, a shape that could not be adapted, a
different architecture) stays random, so ``verify`` fails naming the missing and the unexpected keys,
unless every missing key matches an ``--allow-missing`` regex.

"Tensors" are the model's floating-point ``state_dict`` entries (parameters and buffers such as BatchNorm
running statistics); integer bookkeeping buffers (``num_batches_tracked``) are neither counted nor required.
"""
import hashlib
import os
import re
from collections import Counter

SHOW = 20                 # keys listed per category in a failure message

_reports = []
_strip = []               # --strip-prefix values, applied to every checkpoint key right after reading


def reset(strip_prefixes=()):
    """Forget earlier loads; ``strip_prefixes`` are removed from the front of every checkpoint key."""
    _reports.clear()
    _strip[:] = list(strip_prefixes or ())


def reports():
    return list(_reports)


def strip_keys(sd, prefixes):
    """``sd`` with every key stripped of any of ``prefixes``, repeatedly and in any order
    (``module.backbone.x`` loses both wrappers)."""
    out = {}
    for k, v in sd.items():
        changed = True
        while changed:
            changed = False
            for p in prefixes:
                if p and k.startswith(p):
                    k, changed = k[len(p):], True
        out[k] = v
    return out


def user_strip(sd):
    """Apply the ``--strip-prefix`` values to the keys of a raw checkpoint."""
    return strip_keys(sd, _strip) if _strip else sd


def counted_keys(model):
    """The model's tensors that a checkpoint must provide: floating-point state_dict entries, in order,
    less the model's ``derived_keys`` (tensors the family computes from others after loading, such as
    SAM's study copies of the relative-position tables)."""
    derived = set(getattr(model, "derived_keys", ()))
    return [k for k, v in model.state_dict().items() if v.is_floating_point() and k not in derived]


def record(model, path, *, provided, missing, unexpected, mismatched=(), checkpoint_keys=()):
    """Record one load. ``provided``: the keys passed to ``load_state_dict`` (after selection, prefix
    stripping, resampling and dropping shape mismatches); ``missing`` / ``unexpected``: what
    ``load_state_dict`` answered; ``checkpoint_keys``: the keys the family tried to load, after its own
    selection and prefix stripping (for the hints)."""
    counted = counted_keys(model)
    own = set(counted)
    provided = set(provided)
    rep = {
        "path": path,
        "file": os.path.basename(path),
        "total": len(counted),
        "loaded": sum(1 for k in counted if k in provided),
        "missing": [k for k in missing if k in own],
        "unexpected": list(unexpected),
        "mismatched": list(mismatched),
        "checkpoint_keys": list(checkpoint_keys),
        "model_keys": counted,
    }
    _reports.append(rep)
    return rep


def sha256(path, chunk=1 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(chunk), b""):
            h.update(b)
    return h.hexdigest()


def _dot_prefixes(key):
    """``a.b.c`` -> [("a.", "b.c"), ("a.b.", "c")]"""
    parts = key.split(".")
    return [(".".join(parts[:i]) + ".", ".".join(parts[i:])) for i in range(1, len(parts))]


def common_dot_prefix(keys):
    """The longest prefix ending in '.' that every key carries ('' when none or no keys)."""
    keys = list(keys)
    if not keys:
        return ""
    first = keys[0].split(".")[:-1]
    n = len(first)
    for k in keys[1:]:
        parts = k.split(".")[:-1]
        m = 0
        while m < min(n, len(parts)) and parts[m] == first[m]:
            m += 1
        n = m
        if n == 0:
            return ""
    return ".".join(first[:n]) + "." if n else ""


def hints(rep):
    """Plain-language guesses at why keys did not match, best first."""
    out = []
    missing, unexpected = set(rep["missing"]), rep["unexpected"]
    if missing and unexpected:
        extra = Counter()       # checkpoint key = P + model key  -> strip P
        for u in unexpected:
            for pre, rest in _dot_prefixes(u):
                if rest in missing:
                    extra[pre] += 1
        lacking = Counter()     # model key = P + checkpoint key -> the checkpoint lacks P
        uset = set(unexpected)
        for m in missing:
            for pre, rest in _dot_prefixes(m):
                if rest in uset:
                    lacking[pre] += 1
        if extra:
            pre, n = extra.most_common(1)[0]
            out.append(f"{n} of the {len(missing)} missing keys are in the checkpoint under the prefix '{pre}': "
                       f"rerun with --strip-prefix '{pre}'")
        if lacking:
            pre, n = lacking.most_common(1)[0]
            out.append(f"{n} of the {len(missing)} missing keys are in the checkpoint without the prefix '{pre}' "
                       f"the model uses: is this a checkpoint of another architecture or of a sub-module?")
    pre = common_dot_prefix(rep["checkpoint_keys"])
    if pre and rep["loaded"] == 0 and not out:
        out.append(f"every checkpoint key starts with '{pre}'; if the model's tensors sit under it, "
                   f"rerun with --strip-prefix '{pre}'")
    if rep["mismatched"]:
        out.append(f"{len(rep['mismatched'])} tensors have another shape than the model's (listed above as "
                   "shape mismatches): another variant of the architecture (width, depth, patch size)?")
    if not rep["checkpoint_keys"]:
        out.append("the file holds no tensors at all")
    return out


def _listing(title, items):
    items = list(items)
    lines = [f"  {title}: {len(items)}"]
    lines += [f"    {k}" for k in items[:SHOW]]
    if len(items) > SHOW:
        lines.append(f"    ... and {len(items) - SHOW} more")
    return lines


def verify(weights_path, allow_missing=()):
    """Check the recorded loads against ``--allow-missing``; return the sidecar fields on success.

    Raises ``SystemExit`` with a message naming the missing and unexpected keys (the first ``SHOW`` of
    each and their counts) and hints when a model tensor was not loaded and no pattern accepts it, or
    when the family loaded nothing at all.
    """
    pats = [re.compile(p) for p in allow_missing or ()]
    reps = reports()
    if not reps:
        raise SystemExit(f"error: --weights {weights_path}: the family did not load the checkpoint "
                         "(its build() never called a checkpoint loader)")
    loaded = sum(r["loaded"] for r in reps)
    total = sum(r["total"] for r in reps)
    refused = []
    for r in reps:
        accepted = [k for k in r["missing"] if any(p.fullmatch(k) for p in pats)]
        rejected = [k for k in r["missing"] if k not in accepted]
        if accepted:
            print(f"[weights]   missing but accepted by --allow-missing: {len(accepted)}")
        if rejected:
            refused.append((r, rejected))
    if refused:
        lines = [f"error: --weights {weights_path}: loaded {loaded} of {total} model tensors; "
                 f"{sum(len(x) for _, x in refused)} would stay random, so nothing was exported."]
        for r, rejected in refused:
            lines += _listing("missing (model tensors not in the checkpoint)", rejected)
            lines += _listing("unexpected (checkpoint keys the model does not have)", r["unexpected"])
            if r["mismatched"]:
                lines += _listing("shape mismatches (skipped, hence missing)", r["mismatched"])
            for h in hints(r):
                lines.append(f"  hint: {h}")
        lines.append("  Fix the checkpoint or the key prefix (--strip-prefix PREFIX), or accept missing keys on "
                     "purpose with --allow-missing REGEX (a regex matching the whole key; repeatable; "
                     "'.*' accepts everything, i.e. a random model).")
        raise SystemExit("\n".join(lines))
    if loaded == 0:
        print(f"[weights] WARNING: no tensor of {weights_path} was loaded (accepted by --allow-missing): "
              "the export has RANDOM weights; its sidecar says tensors_loaded 0")
    elif loaded < total:
        print(f"[weights] WARNING: {total - loaded} of {total} model tensors stay random (accepted by "
              f"--allow-missing); the sidecar records tensors_loaded {loaded}")
    return {"weights_sha256": sha256(weights_path), "tensors_loaded": loaded, "tensors_total": total}
