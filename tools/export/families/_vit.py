"""Shared pieces of the plain-ViT families (DINOv2, DeiT, DINO, BLIP, the DeiT tail) and of OpenCLIP.

Everything here is a re-implementation from the published architecture descriptions; the module and
parameter names follow the official repositories so that an official ``state_dict`` loads by name.

Nothing in here is exported on its own: the family modules assemble these parts.
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

import checkpoint

# --------------------------------------------------------------------------------------------------
# ViT building blocks (timm / DINO / DeiT / BLIP / DINOv2 naming)
# --------------------------------------------------------------------------------------------------


class PatchEmbed(nn.Module):
    """Non-overlapping patch projection: ``proj`` is a Conv2d(kernel=stride=patch)."""

    def __init__(self, img_size, patch_size, in_chans, embed_dim):
        super().__init__()
        self.img_size = img_size
        self.patch_size = patch_size
        self.grid = img_size // patch_size
        self.num_patches = self.grid * self.grid
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        x = self.proj(x)                      # B, C, g, g
        return x.flatten(2).transpose(1, 2)   # B, g*g, C


class Attention(nn.Module):
    """Multi-head self-attention with a fused ``qkv`` Linear and an output ``proj`` Linear.

    ``scale_q_first``: DINOv2 multiplies q by the scale before q @ k^T, timm/DINO/DeiT/BLIP multiply
    the logits afterwards. Same maths, different rounding; kept per family for faithfulness.
    """

    def __init__(self, dim, num_heads, qkv_bias=True, scale_q_first=False):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.scale_q_first = scale_q_first
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if self.scale_q_first:
            attn = (q * self.scale) @ k.transpose(-2, -1)
        else:
            attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()          # exact (erf) GELU
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class LayerScale(nn.Module):
    """DINOv2 LayerScale: parameter name ``gamma`` (``blocks.N.ls1.gamma``)."""

    def __init__(self, dim, init_values=1e-5):
        super().__init__()
        self.gamma = nn.Parameter(init_values * torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class Block(nn.Module):
    """Pre-norm transformer block: norm1/attn/[ls1]/norm2/mlp/[ls2]."""

    def __init__(self, dim, num_heads, mlp_ratio=4.0, qkv_bias=True, eps=1e-6, layerscale=False,
                 scale_q_first=False):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, num_heads, qkv_bias=qkv_bias, scale_q_first=scale_q_first)
        self.ls1 = LayerScale(dim) if layerscale else nn.Identity()
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.ls2 = LayerScale(dim) if layerscale else nn.Identity()

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        x = x + self.ls2(self.mlp(self.norm2(x)))
        return x


class ViT(nn.Module):
    """A class-token ViT returning ``(features, tokens)``: CLS and patch tokens after the final norm.

    Parameter names: patch_embed.proj, cls_token, pos_embed, blocks.N.*, norm, plus the optional
    ``mask_token`` (DINOv2, unused at inference) and ``head`` (DeiT classifier, unused here).

    ``pos_embed`` always has the export grid (1, 1 + g*g, C); checkpoints with another grid are
    resampled in Python when they are loaded (see :func:`load_weights`), so the exported graph holds a
    static positional embedding and no Resize.

    ``pos_slice``: BLIP adds ``pos_embed[:, :x.size(1), :]`` (a Slice in the graph); the others add
    the whole ``pos_embed``.

    ``taps``: the graph outputs, ``(name, kind)`` in order; kinds: ``cls`` (token 0 after the final
    norm), ``token1`` (token 1 after the final norm: BLIP's feature in the study), ``patch`` (patch tokens
    after the final norm), ``patch_prenorm`` (patch tokens before it: DINOv2's ``x_prenorm[:, 1:]``).
    Default: ``features`` = cls, ``tokens`` = patch.
    """

    def __init__(self, *, img_size, patch_size, embed_dim, depth, num_heads, mlp_ratio=4.0, eps=1e-6,
                 layerscale=False, scale_q_first=False, mask_token=False, num_classes=0,
                 pos_slice=False, taps=(("features", "cls"), ("tokens", "patch"))):
        super().__init__()
        kinds = {"cls", "token1", "patch", "patch_prenorm"}
        bad = [k for _, k in taps if k not in kinds]
        if bad:
            raise ValueError(f"unknown tap kinds {bad}; known: {sorted(kinds)}")
        self.taps = tuple(taps)
        self.output_names = tuple(n for n, _ in self.taps)
        self.patch_embed = PatchEmbed(img_size, patch_size, 3, embed_dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.patch_embed.num_patches, embed_dim))
        if mask_token:
            self.mask_token = nn.Parameter(torch.zeros(1, embed_dim))
        self.blocks = nn.ModuleList([
            Block(embed_dim, num_heads, mlp_ratio, qkv_bias=True, eps=eps, layerscale=layerscale,
                  scale_q_first=scale_q_first)
            for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=eps)
        if num_classes:
            self.head = nn.Linear(embed_dim, num_classes)
        self.pos_slice = pos_slice

    @property
    def grid(self):
        return self.patch_embed.grid

    def forward(self, images):
        x = self.patch_embed(images)
        B = x.shape[0]
        x = torch.cat((self.cls_token.expand(B, -1, -1), x), dim=1)
        if self.pos_slice:
            x = x + self.pos_embed[:, :x.size(1), :]
        else:
            x = x + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        pre = x
        x = self.norm(x)
        pick = {"cls": lambda: x[:, 0], "token1": lambda: x[:, 1], "patch": lambda: x[:, 1:],
                "patch_prenorm": lambda: pre[:, 1:]}
        return tuple(pick[k]() for _, k in self.taps)


# --------------------------------------------------------------------------------------------------
# Deterministic random initialisation
# --------------------------------------------------------------------------------------------------


def randomize_(model, seed=0, tensor_std=0.5):
    """Fill every parameter with non-trivial, seeded random values.

    * Linear / Conv weights: N(0, 1/fan_in) so activations stay O(1) through the stack and attention
      is not uniform (a missing scale or a wrong head split changes the result visibly);
    * every bias: 0.1 * N(0, 1);
    * LayerNorm weights 1 + 0.1 * N(0, 1), biases 0.1 * N(0, 1);
    * LayerScale ``gamma``: U(0.2, 1.0) (not the 1e-5 constant, so no two are equal);
    * free tensors (cls token, pos embed, class_embedding, proj, mask token): ``tensor_std`` * N(0, 1)
      (``proj`` uses 1/sqrt(fan_in)).

    Parameters are visited in ``named_parameters`` order with one generator, so the result depends
    only on ``seed`` and the architecture.
    """
    g = torch.Generator().manual_seed(seed)
    owners = {}
    for mname, mod in model.named_modules():
        for pname, _ in mod.named_parameters(recurse=False):
            owners[f"{mname}.{pname}" if mname else pname] = mod
    with torch.no_grad():
        for name, p in model.named_parameters():
            mod = owners[name]
            leaf = name.rsplit(".", 1)[-1]
            randn = torch.randn(p.shape, generator=g)
            if isinstance(mod, nn.LayerNorm):
                p.copy_(1.0 + 0.1 * randn if leaf == "weight" else 0.1 * randn)
            elif leaf == "gamma":
                p.copy_(0.2 + 0.8 * torch.rand(p.shape, generator=g))
            elif leaf.endswith("bias"):
                p.copy_(0.1 * randn)
            elif isinstance(mod, (nn.Linear, nn.Conv2d)) or leaf in ("in_proj_weight",):
                fan_in = p[0].numel()
                p.copy_(randn / math.sqrt(fan_in))
            elif leaf == "proj" and p.dim() == 2:      # OpenCLIP projection (width, out_dim)
                p.copy_(randn / math.sqrt(p.shape[0]))
            else:
                p.copy_(tensor_std * randn)
    return model


# --------------------------------------------------------------------------------------------------
# Positional-embedding resampling (done in Python at export time, never in the graph)
# --------------------------------------------------------------------------------------------------


def resample_grid(grid_embed, new_grid, *, offset=None):
    """Bicubic resampling of a square grid of embeddings ``(M*M, C)`` -> ``(g*g, C)``.

    ``offset=None``: ``F.interpolate(size=(g, g), mode='bicubic', align_corners=False)`` (DeiT, BLIP,
    OpenCLIP finetuning recipes). ``offset=0.1``: the DINO / DINOv2 run-time rule, which passes
    ``scale_factor=((g + 0.1) / M, (g + 0.1) / M)`` so the sampling positions follow that scale.
    """
    n, c = grid_embed.shape
    m = int(round(math.sqrt(n)))
    if m * m != n:
        raise ValueError(f"positional embedding with {n} entries is not a square grid")
    if m == new_grid:
        return grid_embed.clone()
    x = grid_embed.float().reshape(1, m, m, c).permute(0, 3, 1, 2)
    if offset is None:
        y = F.interpolate(x, size=(new_grid, new_grid), mode="bicubic", align_corners=False)
    else:
        s = float(new_grid + offset) / m
        y = F.interpolate(x, scale_factor=(s, s), mode="bicubic", align_corners=False)
    assert tuple(y.shape[-2:]) == (new_grid, new_grid), y.shape
    return y.permute(0, 2, 3, 1).reshape(new_grid * new_grid, c).to(grid_embed.dtype)


def resample_pos_embed(pos, new_grid, *, num_prefix=1, offset=None):
    """Resample a ``(1, prefix + M*M, C)`` or ``(prefix + M*M, C)`` embedding to ``new_grid``."""
    squeeze = pos.dim() == 2
    p = pos if squeeze else pos[0]
    prefix, grid = p[:num_prefix], p[num_prefix:]
    out = torch.cat([prefix, resample_grid(grid, new_grid, offset=offset)], dim=0)
    return out if squeeze else out.unsqueeze(0)


# --------------------------------------------------------------------------------------------------
# Official checkpoint loading
# --------------------------------------------------------------------------------------------------


def read_checkpoint(path):
    """Read a checkpoint file into a flat ``{name: tensor}`` dict.

    Accepts plain state dicts, ``{"model": sd}`` / ``{"state_dict": sd}`` / ``{"teacher": sd}``
    wrappers (DeiT, BLIP, DINO training checkpoints), ``.safetensors`` (if the package is present) and
    TorchScript archives (OpenAI CLIP ``.pt``).
    """
    if path.endswith(".safetensors"):
        try:
            from safetensors.torch import load_file
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise SystemExit(f"{path}: reading .safetensors needs the 'safetensors' package ({e})")
        return checkpoint.user_strip(dict(load_file(path)))
    try:
        obj = torch.load(path, map_location="cpu")
    except RuntimeError:
        obj = torch.jit.load(path, map_location="cpu").state_dict()
    for key in ("teacher", "model", "state_dict", "module"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
    if not isinstance(obj, dict):
        raise SystemExit(f"{path}: not a state dict (got {type(obj).__name__})")
    return checkpoint.user_strip({k: v for k, v in obj.items() if torch.is_tensor(v)})


def strip_prefixes(sd, prefixes=(), select=None):
    """Drop DDP / wrapper prefixes; with ``select``, keep only keys under that prefix (and strip it)."""
    if select is not None and any(k.startswith(select) for k in sd):
        sd = {k[len(select):]: v for k, v in sd.items() if k.startswith(select)}
    return checkpoint.strip_keys(sd, prefixes)


def load_weights(model, path, *, select=None, prefixes=("module.", "backbone."), pos_keys=(),
                 offset=None, num_prefix=1):
    """Load an official checkpoint into ``model`` by parameter name (``strict=False``) and report.

    ``pos_keys``: names of positional embeddings to resample (bicubic, in Python) to the model's
    shape when the checkpoint has another grid. Keys with any other shape mismatch are skipped and
    reported. Returns the report dict; the outcome is also recorded with :func:`checkpoint.record`,
    which ``export.py`` checks (missing tensors fail the export unless ``--allow-missing`` accepts them).
    """
    raw = read_checkpoint(path)
    sd = strip_prefixes(raw, prefixes, select)
    outside = len(raw) - len(sd)
    own = model.state_dict()
    tried = list(sd)
    resampled, mismatched = [], []
    for key in pos_keys:
        if key in sd and key in own and sd[key].shape != own[key].shape:
            tgt = own[key]
            n_grid = (tgt.shape[-2] if tgt.dim() == 3 else tgt.shape[0]) - num_prefix
            g = int(round(math.sqrt(n_grid)))
            before = tuple(sd[key].shape)
            sd[key] = resample_pos_embed(sd[key], g, num_prefix=num_prefix, offset=offset)
            resampled.append(f"{key} {before} -> {tuple(sd[key].shape)}")
    for key in list(sd):
        if key in own and sd[key].shape != own[key].shape:
            mismatched.append(f"{key} checkpoint {tuple(sd[key].shape)} vs model {tuple(own[key].shape)}")
            del sd[key]
    res = model.load_state_dict(sd, strict=False)
    report = {
        "file": os.path.basename(path),
        "loaded": len(sd) - len(res.unexpected_keys),
        "missing": list(res.missing_keys),
        "unexpected": list(res.unexpected_keys),
        "shape_mismatch": mismatched,
        "resampled": resampled,
    }
    rec = checkpoint.record(model, path, provided=sd, missing=res.missing_keys, unexpected=res.unexpected_keys,
                            mismatched=mismatched, checkpoint_keys=tried)
    print(f"[weights] {path}: loaded {rec['loaded']} of {rec['total']} model tensors")
    if select is not None:
        print(f"[weights]   ignored outside '{select}': {outside}")
    for what in ("resampled", "missing", "unexpected", "shape_mismatch"):
        items = report[what]
        print(f"[weights]   {what}: {len(items)}")
        for it in items[:checkpoint.SHOW]:
            print(f"[weights]     {it}")
        if len(items) > checkpoint.SHOW:
            print(f"[weights]     ... and {len(items) - checkpoint.SHOW} more")
    return report
