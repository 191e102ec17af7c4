"""Shared export plumbing for every backbone family.

Each family module builds a torch ``nn.Module`` whose ``forward(images)`` returns one tensor per graph
output -- ``(features, tokens)``, plus ``study_features`` / ``study_tokens`` where the study's tap differs
(the module's ``output_names`` then lists them) -- and calls :func:`export_backbone`, which writes, into
one directory:

* ``model.onnx``   – the named outputs (``features`` (B, C), ``tokens`` (B, N, C'), ...), input
                     ``images`` (B, 3, H, W), dynamic batch axis, opset 17 by default;
* ``model.json``   – the sidecar the Java import layer reads (see ``sidecar()``); ``outputs`` maps the
                     roles to graph outputs for the modern protocol, ``study.outputs`` for the study;
* ``input_b1.npy``, ``<output>_b1.npy`` for every output and the same for batch 4 – float32
  reference outputs computed by PyTorch on a seeded random input.

Run scripts with Debian's own interpreter: ``/usr/bin/python3`` (python3-torch 1.13, python3-onnx).
"""
import json
import os
import hashlib

import numpy as np
import onnx
from onnx import numpy_helper
import torch

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


def sidecar(*, family, name, variant, image_size, resize, crop, mean, std, interpolation,
            patch_size, feature_dim, token_dim, num_tokens, block_pattern, num_blocks,
            source_url, license, weights="random", notes="", input_name="images", pretraining_data=None,
            outputs=None, study=None):
    """The sidecar schema (flat keys, snake_case). Java parses exactly these keys.

    ``outputs``: role -> graph output for the modern protocol (default ``features``/``tokens``).
    ``study``: the study protocol's taps, from :func:`study_section`.
    """
    meta = {
        "family": family,              # e.g. "dinov2", "deit", "dino", "openclip", "blip", "sam", "focalnet", "resnet", "deit-tail"
        "name": name,                  # preset name, e.g. "dinov2-vitb14"
        "variant": variant,            # "tiny" or "full"
        "input_name": input_name,      # ONNX graph input name
        "image_size": image_size,      # [C, H, W] the graph expects (for deit-tail: [N, C] of tokens)
        "resize": resize,              # shorter side resized to this before the crop
        "crop": crop,                  # center crop size (== image_size[1])
        "mean": mean, "std": std,      # per-channel normalisation, RGB order, on [0,1] pixels
        "interpolation": interpolation,  # "bicubic" | "bilinear"
        "patch_size": patch_size,      # 0 for conv nets
        "feature_dim": feature_dim,    # C of `features`
        "token_dim": token_dim,        # C' of `tokens`
        "num_tokens": num_tokens,      # N of `tokens`
        "block_pattern": block_pattern,  # Java regex; group(0) of a parameter name is its block, e.g. "blocks\\.\\d+"
        "num_blocks": num_blocks,      # number of blocks the pattern enumerates (for LAST_K freezing)
        "outputs": dict(outputs) if outputs else {"features": "features", "tokens": "tokens"},
        "weights": weights,            # "random" or the checkpoint file name that was loaded
        "weights_sha256": None,        # SHA-256 of that checkpoint file (None for random weights); set by export.py
        "tensors_loaded": None,        # model tensors taken from the checkpoint (0 for random weights); set by export.py
        "tensors_total": None,         # floating-point state_dict entries the model has; set by export.py
        "source_url": source_url,      # where the official weights live
        "license": license,            # the official weights' license
        "pretraining_data": pretraining_data,  # what the official weights were pretrained on, e.g. "LVD-142M"
        "opset": 17,
        "torch_version": torch.__version__,
        "notes": notes,
    }
    if study is not None:
        meta["study"] = study
    return meta


def study_section(*, drop_path_rate, source, outputs=None, grayscale=None):
    """The sidecar's ``study`` object: what the study's code (joanaapa/Foundation-Medical) taps.

    ``outputs``: role -> graph output where the study's tap differs from the modern one; roles left out
    (or the whole map, when None) are the modern ``outputs``. ``drop_path_rate``: the stochastic-depth rate
    the study's model is built with. ``source``: where in the study's code that is (file:line).
    ``grayscale``: set by the family's exporter when the study replaces the stem for 1-channel data in a
    way that is not the 3-channel graph fed [x, 0, 0] (SEEM): ``{"file", "in_channels", ...}``.
    """
    s = {"outputs": dict(outputs or {}), "drop_path_rate": float(drop_path_rate), "source": source}
    if grayscale is not None:
        s["grayscale"] = grayscale
    return s


def output_names(model, meta):
    """The graph outputs, in the order ``model.forward`` returns them: ``model.output_names`` when the
    module defines it, else ``features``, ``tokens``. Every name the sidecar maps must be one of them."""
    names = list(getattr(model, "output_names", ("features", "tokens")))
    mapped = list(meta["outputs"].values()) + list(meta.get("study", {}).get("outputs", {}).values())
    missing = [n for n in mapped if n not in names]
    if missing:
        raise ValueError(f"sidecar names outputs {missing} that the model does not return ({names})")
    return names


def _export_onnx(model, example, path, input_name, output_names, opset):
    torch.onnx.export(
        model, example, path,
        input_names=[input_name], output_names=output_names,
        dynamic_axes={input_name: {0: "batch"}, **{o: {0: "batch"} for o in output_names}},
        opset_version=opset, do_constant_folding=True)


def _digest(a):
    a = np.ascontiguousarray(a)
    return (str(a.dtype), a.shape, hashlib.sha1(a.tobytes()).hexdigest())


def restore_param_names(onnx_path, model):
    """Give constant-folded copies of parameters their parameter's name again.

    With ``do_constant_folding=True`` torch writes ``nn.Linear`` on a 3-D input as
    ``MatMul(x, W^T)`` and stores the folded ``W^T`` as an anonymous initializer such as
    ``onnx::MatMul_215``; a reshaped parameter (``class_embedding.view(1, 1, -1)``) becomes
    ``onnx::Expand_308``. The importer groups parameters into blocks by name (``block_pattern``), so
    each such initializer that is bit-identical to a transposed or reshaped parameter is renamed to
    that parameter's name (``blocks.0.attn.qkv.weight``); its ``doc_string`` says which relation
    holds. The graph is otherwise unchanged. Returns ``{old: new}``.
    """
    m = onnx.load(onnx_path)
    g = m.graph
    params = dict(model.named_parameters())
    params.update({k: v for k, v in model.named_buffers() if v.is_floating_point()})
    present = {i.name for i in g.initializer}
    index = {}
    for name, p in params.items():
        a = p.detach().cpu().numpy()
        index.setdefault(("reshaped",) + _digest(a.reshape(-1)), name)
        if a.ndim == 2:
            index.setdefault(("transposed",) + _digest(a.T), name)
    rename, taken = {}, set(present)
    for init in g.initializer:
        if init.name in params:
            continue
        arr = numpy_helper.to_array(init)
        hit, rel = None, None
        if arr.ndim == 2:
            hit, rel = index.get(("transposed",) + _digest(arr)), "transposed"
        if hit is None:
            hit, rel = index.get(("reshaped",) + _digest(arr.reshape(-1))), "reshaped"
        if hit is None:
            continue
        if rel == "reshaped" and tuple(params[hit].shape) == tuple(arr.shape):
            rel = "copy"
        new = hit if hit not in taken else f"{hit}.{rel}"
        k = 1
        while new in taken:
            k += 1
            new = f"{hit}.{rel}{k}"
        taken.add(new)
        rename[init.name] = new
        init.name = new
        init.doc_string = f"torch parameter '{hit}' {rel} (constant-folded by the exporter)"
    if rename:
        for n in g.node:
            for i, name in enumerate(n.input):
                if name in rename:
                    n.input[i] = rename[name]
        for coll in (g.input, g.value_info):
            for vi in coll:
                if vi.name in rename:
                    vi.name = rename[vi.name]
        onnx.checker.check_model(m)
        onnx.save(m, onnx_path)
    return rename


def inline_identity_initializers(onnx_path):
    """Let every consumer of an ``Identity`` fed by an initializer read the initializer itself, and drop
    the Identity. torch writes the second use of a constant-folded weight (``W^T`` of a Linear used by two
    paths of one graph, as SAM's study path re-running blocks) as ``Identity(W^T)``; an importer that
    gives each such use its own copy would then train two weights where the model has one. Only for
    graphs whose duplicated uses are the same module (SAM); returns how many were inlined."""
    m = onnx.load(onnx_path)
    g = m.graph
    inits = {i.name for i in g.initializer}
    alias = {n.output[0]: n.input[0] for n in g.node if n.op_type == "Identity" and n.input[0] in inits}
    if not alias:
        return 0
    outputs = {o.name for o in g.output}
    keep = [n for n in g.node if not (n.op_type == "Identity" and n.output[0] in alias
                                      and n.output[0] not in outputs)]
    for n in keep:
        for i, name in enumerate(n.input):
            if name in alias:
                n.input[i] = alias[name]
    del g.node[:]
    g.node.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, onnx_path)
    return len(alias)


def export_backbone(model, meta, out_dir, *, seed=0, opset=17, batch_sizes=(1, 4), postprocess=None):
    """Export ``model`` (forward(images) -> one tensor per output name) to ``out_dir`` with references.

    ``meta`` is a dict from :func:`sidecar`. The example input shape is taken from meta["image_size"].
    The outputs are :func:`output_names` (``features``, ``tokens`` and, for families whose study tap
    differs, ``study_*``); each gets ``<name>_b<batch>.npy`` references.
    """
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    torch.manual_seed(seed)
    meta = dict(meta, opset=opset)
    names = output_names(model, meta)
    onnx_path = os.path.join(out_dir, "model.onnx")
    _export_with_references(model, onnx_path, out_dir, meta["input_name"], list(meta["image_size"]), names,
                            seed=seed, opset=opset, batch_sizes=batch_sizes, prefix="")
    if postprocess is not None:
        postprocess(onnx_path)
    with open(onnx_path, "rb") as f:
        meta["onnx_sha256"] = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return onnx_path


def _export_with_references(model, onnx_path, out_dir, input_name, shape, names, *, seed, opset, batch_sizes,
                            prefix):
    """torch.onnx.export at batch 2, references ``<prefix>input_b<b>.npy`` / ``<prefix><name>_b<b>.npy``,
    then :func:`restore_param_names`."""
    with torch.no_grad():
        example = torch.randn(2, *shape)
        _export_onnx(model, example, onnx_path, input_name, names, opset)
        g = torch.Generator().manual_seed(seed + 1)
        for b in batch_sizes:
            x = torch.randn(b, *shape, generator=g)
            outs = model(x)
            outs = (outs,) if torch.is_tensor(outs) else outs
            np.save(os.path.join(out_dir, f"{prefix}input_b{b}.npy"), x.numpy().astype(np.float32, order="C"))
            for name, y in zip(names, outs):
                np.save(os.path.join(out_dir, f"{prefix}{name}_b{b}.npy"), y.numpy().astype(np.float32, order="C"))
    restore_param_names(onnx_path, model)


def export_grayscale_variant(model, meta, out_dir, *, file="model-gray.onnx", seed=10, opset=17,
                             batch_sizes=(1, 4)):
    """Export a 1-channel variant of a backbone next to its ``model.onnx``, with references
    ``gray_input_b<b>.npy`` / ``gray_<output>_b<b>.npy``; returns the sidecar's ``study.grayscale`` entry.

    ``model``: forward(images (B, 1, H, W)) -> the same outputs as the 3-channel graph (``output_names``)."""
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    torch.manual_seed(seed)
    names = list(getattr(model, "output_names", ("features", "tokens")))
    shape = [1] + list(meta["image_size"][1:])
    path = os.path.join(out_dir, file)
    _export_with_references(model, path, out_dir, meta["input_name"], shape, names, seed=seed, opset=opset,
                            batch_sizes=batch_sizes, prefix="gray_")
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    return {"file": file, "in_channels": 1, "input_name": meta["input_name"], "image_size": shape,
            "references_prefix": "gray_", "onnx_sha256": sha}


def export_single_output(model, example_shape, input_name, output_name, out_dir, meta, *, seed=0,
                         opset=17, batch_sizes=(1, 4)):
    """Export a one-input/one-output graph (the DeiT tail: tokens -> features) with references."""
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    torch.manual_seed(seed)
    meta = dict(meta, opset=opset)
    with torch.no_grad():
        onnx_path = os.path.join(out_dir, "model.onnx")
        example = torch.randn(2, *example_shape)
        torch.onnx.export(model, example, onnx_path, input_names=[input_name], output_names=[output_name],
                          dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}},
                          opset_version=opset, do_constant_folding=True)
        g = torch.Generator().manual_seed(seed + 1)
        for b in batch_sizes:
            x = torch.randn(b, *example_shape, generator=g)
            y = model(x)
            np.save(os.path.join(out_dir, f"input_b{b}.npy"), x.numpy().astype(np.float32, order="C"))
            np.save(os.path.join(out_dir, f"{output_name}_b{b}.npy"), y.numpy().astype(np.float32, order="C"))
    restore_param_names(onnx_path, model)
    with open(onnx_path, "rb") as f:
        meta["onnx_sha256"] = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return onnx_path
