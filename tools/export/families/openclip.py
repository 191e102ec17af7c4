"""OpenCLIP ViT-B/16 visual tower (mlfoundations/open_clip ``VisionTransformer``), laion2b_s34b_b88k.

Official names: conv1 (no bias), class_embedding (width,), positional_embedding (1 + g*g, width),
ln_pre, transformer.resblocks.N.{ln_1, attn.in_proj_weight, attn.in_proj_bias, attn.out_proj,
ln_2, mlp.c_fc, mlp.c_proj}, ln_post, proj (width, output_dim). LayerNorm eps 1e-5 (nn.LayerNorm
default, as in open_clip). The transformer runs sequence-first (L, N, D) through
``nn.MultiheadAttention`` like the original code.

Activation: plain (erf) GELU, which is what the laion2b ViT-B-16 weights were trained with.
``build(..., quick_gelu=True)`` (``export.py --quick-gelu``) switches to x * sigmoid(1.702 x), for OpenAI CLIP
weights and open_clip's ``-quickgelu`` models; the sidecar's notes say which one was exported.

features = ln_post(CLS) @ proj (the pooled image embedding, 512-d for ViT-B/16);
tokens = ln_post(patch tokens), width-d, without the projection (modern);
study_tokens = the patch tokens *without* ln_post: the study's open_clip (env_files/open_clip) builds the
visual tower with ``output_tokens=True`` (model.py:141) and its ``forward`` applies ``ln_post`` to the pooled
CLS only (transformer.py:463-467, 503-504), returning ``pooled @ proj, x[:, 1:]`` (transformer.py:506-510);
``Ymodel_CLIP`` feeds those tokens to the DeiT head (defaults/models.py:570-572). The study's linear feature
is the pooled ``ln_post(CLS) @ proj`` (= ``features``).
"""
from collections import OrderedDict

import torch
import torch.nn as nn

import common
from families import _vit

NAME = "openclip-vitb16"
QUICK_GELU = False


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads, mlp_ratio=4.0, quick_gelu=False):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_2 = nn.LayerNorm(width)
        hidden = int(width * mlp_ratio)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, hidden)),
            ("gelu", QuickGELU() if quick_gelu else nn.GELU()),
            ("c_proj", nn.Linear(hidden, width)),
        ]))

    def forward(self, x):                       # x: (L, N, D)
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, quick_gelu=False):
        super().__init__()
        self.resblocks = nn.ModuleList(
            [ResidualAttentionBlock(width, heads, quick_gelu=quick_gelu) for _ in range(layers)])

    def forward(self, x):
        for r in self.resblocks:
            x = r(x)
        return x


class VisionTransformer(nn.Module):
    output_names = ("features", "tokens", "study_tokens")

    def __init__(self, image_size, patch_size, width, layers, heads, output_dim, quick_gelu=False):
        super().__init__()
        self.grid = image_size // patch_size
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(self.grid * self.grid + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads, quick_gelu=quick_gelu)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, images):
        x = self.conv1(images)                                   # B, D, g, g
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)  # B, g*g, D
        cls = self.class_embedding.view(1, 1, -1).expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1)
        x = x + self.positional_embedding
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)                                   # NLD -> LND
        x = self.transformer(x)
        x = x.permute(1, 0, 2)                                   # LND -> NLD
        raw_tokens = x[:, 1:]                                    # the study's tokens: no ln_post
        x = self.ln_post(x)
        pooled, tokens = x[:, 0], x[:, 1:]
        return pooled @ self.proj, tokens, raw_tokens


def build(tiny, weights=None, quick_gelu=None):
    """``quick_gelu``: None -> the module default ``QUICK_GELU`` (False: laion2b weights use GELU)."""
    quick_gelu = QUICK_GELU if quick_gelu is None else bool(quick_gelu)
    if tiny:
        cfg = dict(image_size=64, patch_size=16, width=64, layers=2, heads=4, output_dim=32)
    else:
        cfg = dict(image_size=224, patch_size=16, width=768, layers=12, heads=12, output_dim=512)
    model = VisionTransformer(**cfg, quick_gelu=quick_gelu)
    _vit.randomize_(model, seed=1004)
    wname = "random"
    if weights:
        _vit.load_weights(model, weights, select="visual.", pos_keys=("positional_embedding",))
        wname = weights.rsplit("/", 1)[-1]
    crop = cfg["image_size"]
    g = model.grid
    meta = common.sidecar(
        family="openclip", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, crop, crop], resize=round(crop * 256 / 224), crop=crop,
        mean=common.CLIP_MEAN, std=common.CLIP_STD, interpolation="bicubic",
        patch_size=cfg["patch_size"], feature_dim=cfg["output_dim"], token_dim=cfg["width"],
        num_tokens=g * g, block_pattern="transformer\\.resblocks\\.\\d+", num_blocks=cfg["layers"],
        source_url="https://github.com/mlfoundations/open_clip (ViT-B-16 laion2b_s34b_b88k)", license="MIT",
        weights=wname,
        # laion2b_s34b_b88k; quick_gelu is for other checkpoints (OpenAI's WIT-400M, open_clip's -quickgelu ones)
        pretraining_data=None if quick_gelu else "LAION-2B",
        study=common.study_section(
            outputs={"tokens": "study_tokens"}, drop_path_rate=0.0,
            source=("tokens: env_files/open_clip/model.py:141 (output_tokens=True), transformer.py:463-467, "
                    "503-510 (ln_post on the pooled CLS only), defaults/models.py:570-572; features: "
                    "transformer.py:504-507 (ln_post(CLS) @ proj); drop path: open_clip's VisionTransformer has "
                    "no stochastic depth (patch_dropout 0, transformer.py:351, 381)")),
        notes=(f"quick_gelu={str(quick_gelu).lower()}; LayerNorm eps 1e-5; features = ln_post(CLS) @ proj, "
               "tokens = ln_post(patch tokens) without proj, study_tokens = patch tokens without ln_post "
               "(the study's); transformer runs sequence-first through "
               "nn.MultiheadAttention; official OpenCLIP preprocessing is resize 224 / crop 224"))
    return model, meta
