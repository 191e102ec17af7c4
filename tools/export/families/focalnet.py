"""FocalNet-T backbone as used by SEEM (X-Decoder's ``focal_dw`` FocalNet), re-implemented.

Two architectures share this module (``ARCHS``):

* ``"seem"`` (the preset ``seem-focalnet-t``): SEEM's FocalNet-T, configured as in SEEM's
  ``focalt_unicl_lang_v*.yaml`` (BACKBONE.NAME ``focal_dw``): embed 96, depths [2, 2, 6, 2], focal
  levels 3, focal windows 3, USE_CONV_EMBED (stem Conv 7x7/4 pad 3, downsample Conv 3x3/2 pad 1, each
  followed by a LayerNorm), USE_POSTLN, SCALING_MODULATOR (ctx_all / (focal_level + 1)),
  USE_LAYERSCALE (gamma_1/gamma_2), plus the ``focal_dw`` depthwise 3x3 convolutions ``dw1``/``dw2``
  (with bias) added residually before the modulation and before the MLP. SEEM has one LayerNorm per
  output stage (``norm0``..``norm3``); only ``norm3`` (last stage) is used here.
* ``"lrf"`` / ``"srf"``: microsoft/FocalNet classification FocalNet-T (``focalnet_tiny_lrf`` focal
  level 3 / ``focalnet_tiny_srf`` focal level 2, focal window 3): non-overlapping 4x4 / 2x2 patch
  convs, pre-norm blocks, no dw convs, no layer-scale, no modulator scaling, final ``norm``.

Parameter names (both): patch_embed.proj, patch_embed.norm, layers.S.blocks.B.{[dw1], norm1,
modulation.f, modulation.h, modulation.proj, modulation.focal_layers.L.0 (depthwise Conv, groups=C,
no bias, kernel focal_window + 2L, followed by GELU), [dw2], norm2, mlp.fc1, mlp.fc2, [gamma_1,
gamma_2]}, layers.S.downsample.{proj, norm} (S < 3), and ``norm3`` (seem) / ``norm`` (classification).

Focal modulation (both): ``f(x)`` -> q (C), ctx (C), gates (L+1); for each level
ctx = GELU(dwconv_l(ctx)), ctx_all += ctx * gates[l]; ctx_global = GELU(mean_HW(ctx));
ctx_all += ctx_global * gates[L]; [seem: ctx_all /= L+1]; modulator = h(ctx_all) (1x1 Conv);
out = proj(q * modulator).

Outputs: ``tokens`` = last-stage tokens after the final norm (B, 7*7, 768 at 224); ``features`` = their
mean over tokens (B, 768). These are the study's taps too: ``res5`` = ``norm3`` of the last stage
(utils/transformers/focal_dw.py:603-612), its spatial mean as the linear feature and flattened as the
DeiT-head tokens (defaults/models.py:232-235, 520-521).

The study's 1-channel stem (SEEM only; :func:`grayscale_variant`, written as ``model-gray.onnx``): for
1-channel data the study replaces ``patch_embed`` by ``focal_dw.PatchEmbed(in_chans=1, is_stem=True,
patch_size=(4, 4), embed_dim=96)`` (defaults/models.py:81-92). That constructor's defaults are
``use_conv_embed=False`` and ``norm_layer=None`` (focal_dw.py:307-335), so it builds a *4x4 stride-4* conv
without padding and without the patch-embed LayerNorm; the study then assigns the pretrained *7x7* weight's
R slice (``weight.repeat(1, 4, 1, 1)[:, :1]``) and the bias to it. ``F.conv2d`` takes the kernel size from
the weight, so the stem becomes a 7x7 conv, stride 4, **no padding**, **no LayerNorm**: 224 -> 55x55 (not
56), then 28 (the downsample pads 55 to 56 on the right/bottom first, focal_dw.py:340-343), 14, 7 -- the
same 7x7 tokens at the end; tiny 64 -> 15, 8, 4, 2. This is not the 3-channel graph fed [x, 0, 0], hence a
second graph.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

import common
from families import _weights

NAME = "seem-focalnet-t"
SEEM_URL = "https://github.com/UX-Decoder/Segment-Everything-Everywhere-All-At-Once"
FOCALNET_URL = "https://github.com/microsoft/FocalNet"

ARCHS = {
    # SEEM focalt_unicl_lang_v0/v1.yaml, BACKBONE focal_dw
    "seem": dict(focal_level=3, focal_window=3, conv_embed=True, stem_padding=3, dw=True, postln=True,
                 scaling_modulator=True, layerscale=True, final_norm="norm3"),
    # microsoft/FocalNet classification/focalnet.py focalnet_tiny_lrf / focalnet_tiny_srf
    "lrf": dict(focal_level=3, focal_window=3, conv_embed=False, stem_padding=0, dw=False, postln=False,
                scaling_modulator=False, layerscale=False, final_norm="norm"),
    "srf": dict(focal_level=2, focal_window=3, conv_embed=False, stem_padding=0, dw=False, postln=False,
                scaling_modulator=False, layerscale=False, final_norm="norm"),
}
FULL = dict(img_size=224, embed_dim=96, depths=(2, 2, 6, 2), mlp_ratio=4.0)
TINY = dict(img_size=64, embed_dim=8, depths=(1, 1, 1, 1), mlp_ratio=4.0)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class FocalModulation(nn.Module):
    def __init__(self, dim, focal_level, focal_window, focal_factor=2, scaling_modulator=False):
        super().__init__()
        self.focal_level = focal_level
        self.scaling_modulator = scaling_modulator
        self.f = nn.Linear(dim, 2 * dim + focal_level + 1)
        self.h = nn.Conv2d(dim, dim, kernel_size=1)
        self.act = nn.GELU()
        self.proj = nn.Linear(dim, dim)
        self.focal_layers = nn.ModuleList()
        for lvl in range(focal_level):
            k = focal_factor * lvl + focal_window
            self.focal_layers.append(nn.Sequential(
                nn.Conv2d(dim, dim, kernel_size=k, groups=dim, padding=k // 2, bias=False),
                nn.GELU()))

    def forward(self, x):
        """x: (B, H, W, C) -> (B, H, W, C)."""
        C = x.shape[-1]
        x = self.f(x).permute(0, 3, 1, 2).contiguous()
        q, ctx, gates = torch.split(x, (C, C, self.focal_level + 1), 1)
        ctx_all = 0
        for lvl in range(self.focal_level):
            ctx = self.focal_layers[lvl](ctx)
            ctx_all = ctx_all + ctx * gates[:, lvl:lvl + 1]
        ctx_global = self.act(ctx.mean(2, keepdim=True).mean(3, keepdim=True))
        ctx_all = ctx_all + ctx_global * gates[:, self.focal_level:]
        if self.scaling_modulator:
            ctx_all = ctx_all / (self.focal_level + 1)
        out = q * self.h(ctx_all)
        return self.proj(out.permute(0, 2, 3, 1).contiguous())


class FocalNetBlock(nn.Module):
    def __init__(self, dim, hw, mlp_ratio, a):
        super().__init__()
        self.hw = hw                                   # static (H, W) of this stage
        self.postln = a["postln"]
        if a["dw"]:
            self.dw1 = nn.Conv2d(dim, dim, kernel_size=3, padding=1, groups=dim)
        self.norm1 = nn.LayerNorm(dim)
        self.modulation = FocalModulation(dim, a["focal_level"], a["focal_window"],
                                          scaling_modulator=a["scaling_modulator"])
        if a["dw"]:
            self.dw2 = nn.Conv2d(dim, dim, kernel_size=3, padding=1, groups=dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.use_dw = a["dw"]
        if a["layerscale"]:
            self.gamma_1 = nn.Parameter(1e-4 * torch.ones(dim))
            self.gamma_2 = nn.Parameter(1e-4 * torch.ones(dim))
        else:
            self.gamma_1 = self.gamma_2 = 1.0

    def _dw(self, conv, x):
        B, L, C = x.shape
        H, W = self.hw
        y = x.view(B, H, W, C).permute(0, 3, 1, 2).contiguous()
        y = y + conv(y)
        return y.permute(0, 2, 3, 1).contiguous().view(B, L, C)

    def forward(self, x):
        B, L, C = x.shape
        H, W = self.hw
        if self.use_dw:
            x = self._dw(self.dw1, x)
        shortcut = x
        if not self.postln:
            x = self.norm1(x)
        x = self.modulation(x.view(B, H, W, C)).view(B, H * W, C)
        x = shortcut + self.gamma_1 * x
        if self.postln:
            x = self.norm1(x)
        if self.use_dw:
            x = self._dw(self.dw2, x)
        if self.postln:
            x = self.norm2(x + self.gamma_2 * self.mlp(x))
        else:
            x = x + self.gamma_2 * self.mlp(self.norm2(x))
        return x


class PatchEmbed(nn.Module):
    """Conv patch embedding + LayerNorm over channels; (B, C, H, W) -> (B, H'*W', C')."""

    def __init__(self, in_chans, embed_dim, *, patch, conv_embed, is_stem, stem_padding):
        super().__init__()
        if conv_embed:
            k, s, p = (7, 4, stem_padding) if is_stem else (3, 2, 1)
            self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=k, stride=s, padding=p)
        else:
            self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch, stride=patch)
        self.norm = nn.LayerNorm(embed_dim)

    def forward(self, x):
        return self.norm(self.proj(x).flatten(2).transpose(1, 2))


class StudyGrayStem(nn.Module):
    """The study's 1-channel SEEM stem: 7x7 conv (the R slice of the 7x7 stem weight), stride 4, no
    padding, no LayerNorm; the input is first zero-padded right/bottom to a multiple of 4 as
    focal_dw.PatchEmbed does (static: nothing at 224 or 64). (B, 1, H, W) -> (B, H'*W', C)."""

    def __init__(self, stem, hw):
        super().__init__()
        w = stem.proj.weight.detach()
        self.proj = nn.Conv2d(1, w.shape[0], kernel_size=w.shape[-1], stride=4, padding=0)
        with torch.no_grad():
            self.proj.weight.copy_(w.repeat(1, 4, 1, 1)[:, :1])      # as defaults/models.py:87, 90
            self.proj.bias.copy_(stem.proj.bias.detach())
        self.hw = hw                                               # static input (H, W)

    def forward(self, x):
        H, W = self.hw
        if W % 4:
            x = F.pad(x, (0, 4 - W % 4))
        if H % 4:
            x = F.pad(x, (0, 0, 0, 4 - H % 4))
        return self.proj(x).flatten(2).transpose(1, 2)

    @staticmethod
    def out_size(n, k=7):
        n = n + (4 - n % 4) % 4
        return (n - k) // 4 + 1


class BasicLayer(nn.Module):
    def __init__(self, dim, depth, hw, mlp_ratio, a, downsample):
        super().__init__()
        self.hw = hw
        self.blocks = nn.ModuleList([FocalNetBlock(dim, hw, mlp_ratio, a) for _ in range(depth)])
        self.downsample = (PatchEmbed(dim, 2 * dim, patch=2, conv_embed=a["conv_embed"], is_stem=False,
                                      stem_padding=0) if downsample else None)

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        if self.downsample is None:
            return x
        H, W = self.hw
        x = x.transpose(1, 2).reshape(x.shape[0], -1, H, W)
        # focal_dw.PatchEmbed pads to a multiple of its patch size (2) first (static; only for odd sizes,
        # i.e. after the study's 1-channel stem)
        if W % 2:
            x = F.pad(x, (0, 1))
        if H % 2:
            x = F.pad(x, (0, 0, 0, 1))
        return self.downsample(x)


class FocalNet(nn.Module):
    def __init__(self, *, img_size, embed_dim, depths, mlp_ratio, arch):
        super().__init__()
        a = ARCHS[arch]
        self.arch = arch
        self.patch_embed = PatchEmbed(3, embed_dim, patch=4, conv_embed=a["conv_embed"], is_stem=True,
                                      stem_padding=a["stem_padding"])
        hw = img_size // 4
        assert img_size % 32 == 0, "the input size must be a multiple of 32"
        self.layers = nn.ModuleList()
        for i, d in enumerate(depths):
            self.layers.append(BasicLayer(embed_dim * 2 ** i, d, (hw, hw), mlp_ratio, a,
                                          downsample=i < len(depths) - 1))
            if i < len(depths) - 1:
                hw //= 2
        self.num_features = embed_dim * 2 ** (len(depths) - 1)
        self.final_norm = a["final_norm"]
        self.add_module(self.final_norm, nn.LayerNorm(self.num_features))
        self.grid = hw
        self.img_size = img_size

    def set_stem_grid(self, hw):
        """Set every stage's static (H, W) from the stem's output size ``hw`` (then (hw + 1) // 2 per stage)."""
        for layer in self.layers:
            layer.hw = (hw, hw)
            for blk in layer.blocks:
                blk.hw = (hw, hw)
            if layer.downsample is not None:
                hw = (hw + 1) // 2
        self.grid = hw

    def forward(self, images):
        x = self.patch_embed(images)
        for layer in self.layers:
            x = layer(x)
        tokens = getattr(self, self.final_norm)(x)
        return tokens.mean(1), tokens


def grayscale_variant(model):
    """The study's 1-channel SEEM model (module docstring): a copy of ``model`` sharing its weights but
    the stem, which becomes :class:`StudyGrayStem`."""
    if model.arch != "seem":
        raise ValueError("the study's 1-channel stem is SEEM's (focal_dw); arch " + model.arch)
    gray = copy.deepcopy(model)
    gray.patch_embed = StudyGrayStem(model.patch_embed, (model.img_size, model.img_size))
    gray.set_stem_grid(StudyGrayStem.out_size(model.img_size))
    return gray


def export(model, meta, out_dir, opset=17):
    """``common.export_backbone``; for SEEM first the study's 1-channel variant ``model-gray.onnx``,
    named in the sidecar's ``study.grayscale``."""
    if model.arch == "seem":
        gray = common.export_grayscale_variant(grayscale_variant(model), meta, out_dir, opset=opset)
        meta = dict(meta, study=dict(meta["study"], grayscale=gray))
    return common.export_backbone(model, meta, out_dir, opset=opset)


def build(tiny, weights=None, arch="seem"):
    cfg = TINY if tiny else FULL
    model = FocalNet(**cfg, arch=arch)
    _weights.randomize_(model, seed=3001 if tiny else 3002)
    wname = "random"
    if weights:
        if arch == "seem":   # a SEEM / X-Decoder checkpoint: the backbone keys sit under "backbone."
            _weights.load_checkpoint(model, weights, select=("backbone.", "model.backbone.", "module.backbone."),
                                     strip=("module.",), ignore=("norm0.", "norm1.", "norm2."))
        else:                # a FocalNet classification checkpoint ({"model": sd}); the head is unused
            _weights.load_checkpoint(model, weights, strip=("module.",), ignore=("head.",))
        wname = weights.rsplit("/", 1)[-1]
    size = cfg["img_size"]
    a = ARCHS[arch]
    meta = common.sidecar(
        family="focalnet", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, size, size], resize=size, crop=size,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD,   # SEEM: [123.675,116.28,103.53]/[58.395,57.12,57.375] on 0-255
        interpolation="bilinear",
        patch_size=0, feature_dim=model.num_features, token_dim=model.num_features,
        num_tokens=model.grid * model.grid, block_pattern="layers\\.\\d+\\.blocks\\.\\d+",
        num_blocks=sum(cfg["depths"]),
        source_url=SEEM_URL if arch == "seem" else FOCALNET_URL,
        license="Apache-2.0" if arch == "seem" else "MIT", weights=wname,
        pretraining_data="COCO+LVIS" if arch == "seem" else "ImageNet-1k",
        study=common.study_section(
            drop_path_rate=0.3 if arch == "seem" else 0.0,
            source=("taps: utils/transformers/focal_dw.py:603-612 (res5 = norm3 of the last stage), "
                    "defaults/models.py:232-235 (spatial mean), :520-521 (Ymodel_SEEM flattens it); drop path: "
                    "focal_dw.py:636 (D2FocalNet drop_path_rate = 0.3, linear over the 12 blocks, :426); "
                    "1-channel stem: defaults/models.py:81-92 with focal_dw.py:307-335"
                    if arch == "seem" else
                    "not a study model (the study's FocalNet is SEEM's D2FocalNet); nothing known")),
        notes=("FocalNet-T (%s): embed %d, depths %s, focal level %d, focal window %d, conv_embed=%s, "
               "dw1/dw2=%s, post-LN=%s, modulator/(L+1)=%s, layer-scale=%s. tokens = last stage after %s "
               "(B, %d, %d); features = token mean. SEEM (detectron2) resizes the shorter edge and does "
               "not crop; here shorter side -> %d + center crop."
               % ("SEEM focal_dw" if arch == "seem" else "FocalNet classification " + arch,
                  cfg["embed_dim"], list(cfg["depths"]), a["focal_level"], a["focal_window"],
                  a["conv_embed"], a["dw"], a["postln"], a["scaling_modulator"], a["layerscale"],
                  a["final_norm"], model.grid ** 2, model.num_features, size)))
    return model, meta
