"""Seeded random initialisation and checkpoint loading for the conv / hybrid families (SAM, FocalNet,
ResNet).

* :func:`randomize_` gives every parameter *and* every normalisation buffer a non-trivial seeded value,
  so that a wrong op mapping in an importer (a dropped bias, BatchNorm folded with the wrong running
  statistics, a LayerNorm over the wrong axis, a missing layer-scale) changes the outputs visibly.
* :func:`load_checkpoint` reads an official checkpoint, keeps/strips the wanted key prefix, lets the
  family adapt tensors whose shape differs (e.g. resampling SAM's positional tables to the export
  resolution), loads with ``strict=False`` and prints what was loaded, missing and unexpected.
"""
import math
import os

import torch
import torch.nn as nn

import checkpoint


# --------------------------------------------------------------------------------------------------
# random init
# --------------------------------------------------------------------------------------------------

def _is_norm(mod):
    return isinstance(mod, (nn.LayerNorm, nn.GroupNorm)) or type(mod).__name__ == "LayerNorm2d"


def randomize_(model, seed, *, free_std=0.5):
    """Fill parameters and BatchNorm statistics with seeded random values (in place).

    * Linear / Conv weights: N(0, 1/fan_in) (fan_in = in_channels/groups * kernel area);
    * biases: 0.1 * N(0, 1);
    * LayerNorm / LayerNorm2d / GroupNorm / BatchNorm weight: 1 + 0.2 * N(0, 1), bias 0.1 * N(0, 1);
    * BatchNorm running_mean 0.2 * N(0, 1), running_var U(0.5, 2.0);
    * layer-scale ``gamma*``: U(0.2, 1.0);
    * free tensors (positional embeddings, relative-position tables): ``free_std`` * N(0, 1).

    Visits ``named_parameters`` then ``named_buffers`` in order with one generator, so the result
    depends only on ``seed`` and the architecture.
    """
    g = torch.Generator().manual_seed(seed)
    owner = {}
    for mname, mod in model.named_modules():
        for pname, _ in list(mod.named_parameters(recurse=False)) + list(mod.named_buffers(recurse=False)):
            owner[f"{mname}.{pname}" if mname else pname] = mod
    with torch.no_grad():
        for name, p in model.named_parameters():
            mod, leaf = owner[name], name.rsplit(".", 1)[-1]
            r = torch.randn(p.shape, generator=g)
            if _is_norm(mod) or isinstance(mod, nn.modules.batchnorm._BatchNorm):
                p.copy_(1.0 + 0.2 * r if leaf == "weight" else 0.1 * r)
            elif leaf.startswith("gamma"):
                p.copy_(0.2 + 0.8 * torch.rand(p.shape, generator=g))
            elif leaf == "bias":
                p.copy_(0.1 * r)
            elif isinstance(mod, (nn.Linear, nn.Conv2d)) and leaf == "weight":
                p.copy_(r / math.sqrt(p[0].numel()))
            else:
                p.copy_(free_std * r)
        for name, b in model.named_buffers():
            mod, leaf = owner[name], name.rsplit(".", 1)[-1]
            if isinstance(mod, nn.modules.batchnorm._BatchNorm):
                if leaf == "running_mean":
                    b.copy_(0.2 * torch.randn(b.shape, generator=g))
                elif leaf == "running_var":
                    b.copy_(0.5 + 1.5 * torch.rand(b.shape, generator=g))
    return model


# --------------------------------------------------------------------------------------------------
# checkpoints
# --------------------------------------------------------------------------------------------------

def read_state_dict(path):
    """A flat ``{name: tensor}`` from a checkpoint file: a plain state dict, or one wrapped as
    ``{"model": ...}`` / ``{"state_dict": ...}`` / ``{"module": ...}``; ``.safetensors`` when the
    package is installed."""
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file  # optional dependency
        return checkpoint.user_strip(dict(load_file(path)))
    obj = torch.load(path, map_location="cpu")
    while isinstance(obj, dict) and not any(torch.is_tensor(v) for v in obj.values()):
        for key in ("model", "state_dict", "module", "net"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
        else:
            break
    if not isinstance(obj, dict):
        raise SystemExit(f"{path}: not a state dict (got {type(obj).__name__})")
    return checkpoint.user_strip({k: v for k, v in obj.items() if torch.is_tensor(v)})


def prepare(model, seed, weights=None, **load_kwargs):
    """The common start of a torchvision-style family's ``build``: :func:`randomize_` with ``seed``, then, with
    ``weights``, :func:`load_checkpoint` (``load_kwargs`` as it takes them). Returns the sidecar's ``weights`` name:
    ``"random"`` or the checkpoint's file name."""
    randomize_(model, seed=seed)
    if not weights:
        return "random"
    load_checkpoint(model, weights, **load_kwargs)
    return weights.rsplit("/", 1)[-1]


def load_checkpoint(model, path, *, select=(), strip=("module.",), adapt=None, ignore=()):
    """Load ``path`` into ``model`` by parameter name (``strict=False``) and print a report.

    ``select``: key prefixes; when the checkpoint has keys under one of them, only those keys are
    kept and the prefix is removed (e.g. ``"image_encoder."`` for a full SAM checkpoint).
    ``strip``: wrapper prefixes removed from every key (repeatedly).
    ``adapt(key, tensor, target_tensor) -> tensor | None``: called for keys whose shape differs from the
    model's; return the adapted tensor (must then match) or None to skip it.
    ``ignore``: prefixes of checkpoint keys that are expected not to be used (reported separately, not
    as "unexpected").
    The outcome is also recorded with :func:`checkpoint.record`, which ``export.py`` checks (missing
    tensors fail the export unless ``--allow-missing`` accepts them).
    """
    sd = read_state_dict(path)
    outside, selected = 0, None
    for pre in select:
        if any(k.startswith(pre) for k in sd):
            outside = sum(1 for k in sd if not k.startswith(pre))
            sd = {k[len(pre):]: v for k, v in sd.items() if k.startswith(pre)}
            selected = pre
            break
    clean = checkpoint.strip_keys(sd, strip)
    own = model.state_dict()
    tried = list(clean)
    adapted, skipped = [], []
    for k in list(clean):
        if k in own and clean[k].shape != own[k].shape:
            new = adapt(k, clean[k], own[k]) if adapt else None
            if new is not None and new.shape == own[k].shape:
                adapted.append(f"{k} {tuple(clean[k].shape)} -> {tuple(new.shape)}")
                clean[k] = new
            else:
                skipped.append(f"{k} checkpoint {tuple(clean[k].shape)} vs model {tuple(own[k].shape)}")
                del clean[k]
    ignored = [k for k in clean if k not in own and any(k.startswith(p) for p in ignore)]
    for k in ignored:
        del clean[k]
    res = model.load_state_dict(clean, strict=False)
    rec = checkpoint.record(model, path, provided=clean, missing=res.missing_keys, unexpected=res.unexpected_keys,
                            mismatched=skipped, checkpoint_keys=tried)
    report = {
        "file": os.path.basename(path),
        "loaded": len(clean) - len(res.unexpected_keys),
        "adapted": adapted,
        "missing": [k for k in res.missing_keys if k not in set(getattr(model, "derived_keys", ()))],
        "derived (computed after loading)": [k for k in res.missing_keys if k in set(getattr(model, "derived_keys", ()))],
        "unexpected": list(res.unexpected_keys),
        "shape_mismatch_skipped": skipped,
        "ignored": len(ignored),
        "outside_selected_prefix": outside,
    }
    print(f"[weights] {path}: loaded {rec['loaded']} of {rec['total']} model tensors "
          f"({report['ignored']} checkpoint keys ignored by design"
          + (f", {outside} keys outside '{selected}' dropped" if selected else "") + ")")
    for what in ("adapted", "missing", "unexpected", "shape_mismatch_skipped", "derived (computed after loading)"):
        print(f"[weights]   {what}: {len(report[what])}")
        for item in report[what][:checkpoint.SHOW]:
            print(f"[weights]     {item}")
        if len(report[what]) > checkpoint.SHOW:
            print(f"[weights]     ... and {len(report[what]) - checkpoint.SHOW} more")
    return report
