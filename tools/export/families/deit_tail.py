"""The appended DeiT classifier body ("deit-tail"): tokens (B, N, C) -> CLS feature (B, C).

It prepends its own ``cls_token``, adds its own ``pos_embed``, runs DeiT blocks and the final
``norm`` and returns the CLS row. Names follow DeiT (cls_token, pos_embed, blocks.N.*, norm), so the
matching part of an official DeiT-B/16 checkpoint loads by name (patch_embed.* and head.* are
reported as unexpected and ignored).

The DeiT pos_embed is for a 14x14 grid (+1); it is resampled in Python (bicubic, size-based, as the
DeiT finetuning recipe) to the grid g x g of the incoming N = g*g tokens, so the graph holds a static
embedding. The random-weight variants also start from a 14x14 (+1) table and resample it.

Full: 12 blocks, width 768, N = 196 (14x14, from a /16 backbone at 224); ``build(..., num_tokens=256)``
gives the variant for a /14 backbone at 224. Tiny: 2 blocks, width 64, 4 heads, N = 16.
"""
import math

import torch

import common
from families import _vit, deit

NAME = "deit-tail"


class DeiTTail(torch.nn.Module):
    def __init__(self, dim, depth, heads, num_tokens, mlp_ratio=4.0, eps=1e-6):
        super().__init__()
        self.num_tokens = num_tokens
        self.cls_token = torch.nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = torch.nn.Parameter(torch.zeros(1, 1 + num_tokens, dim))
        self.blocks = torch.nn.ModuleList(
            [_vit.Block(dim, heads, mlp_ratio, qkv_bias=True, eps=eps) for _ in range(depth)])
        self.norm = torch.nn.LayerNorm(dim, eps=eps)

    def forward(self, tokens):
        B = tokens.shape[0]
        x = torch.cat((self.cls_token.expand(B, -1, -1), tokens), dim=1)
        x = x + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        return x[:, 0]


def build(tiny, weights=None, num_tokens=None):
    if tiny:
        dim, depth, heads, n = 64, 2, 4, 16
    else:
        dim, depth, heads, n = 768, 12, 12, 196
    n = num_tokens or n
    g = int(round(math.sqrt(n)))
    if g * g != n:
        raise SystemExit(f"deit-tail: num_tokens {n} is not a square grid")
    model = DeiTTail(dim, depth, heads, n)
    _vit.randomize_(model, seed=1006)
    with torch.no_grad():
        # random 14x14 (+1) table, resampled like an official one would be
        g0 = torch.Generator().manual_seed(2006)
        table = 0.5 * torch.randn(1, 1 + 14 * 14, dim, generator=g0)
        model.pos_embed.copy_(_vit.resample_pos_embed(table, g))
    wname = "random"
    if weights:
        _vit.load_weights(model, weights, pos_keys=("pos_embed",))
        wname = weights.rsplit("/", 1)[-1]
    meta = common.sidecar(
        family="deit-tail", name=NAME, variant="tiny" if tiny else "full", input_name="tokens",
        image_size=[n, dim], resize=0, crop=0,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD, interpolation="bicubic",
        patch_size=0, feature_dim=dim, token_dim=dim, num_tokens=n,
        block_pattern="blocks\\.\\d+", num_blocks=depth,
        source_url="https://github.com/facebookresearch/deit", license="Apache-2.0", weights=wname,
        pretraining_data="ImageNet-1k",
        study=common.study_section(drop_path_rate=0.0, source=(
            "the study's DeiT classifier is its deit_base main model with patch_embed replaced by Identity "
            "(defaults/wrappers.py, e.g. :520-521); " + deit.DEIT_SRC)),
        notes=(f"input 'tokens' (B, {n}, {dim}) -> output 'features' (B, {dim}) = CLS after final norm; "
               f"pos_embed resampled in Python from 14x14 to {g}x{g} (bicubic); no image input, so "
               "resize/crop are 0 and mean/std are unused"))
    meta["outputs"] = {"features": "features"}
    return model, meta


def export(model, meta, out_dir, opset=17):
    return common.export_single_output(model, meta["image_size"], meta["input_name"], "features", out_dir,
                                       meta, opset=opset)
