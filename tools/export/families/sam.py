"""SAM ViT-B image encoder (facebookresearch/segment-anything ``ImageEncoderViT``), re-implemented.

Parameter names follow the official module so ``sam_vit_b_01ec64.pth`` loads by name (its
``image_encoder.`` prefix is selected and stripped; prompt encoder / mask decoder keys are ignored):

    patch_embed.proj                      Conv2d 16x16 / 16
    pos_embed                             (1, H/16, W/16, C) absolute, added in (B, H, W, C) layout
    blocks.N.norm1 / norm2                LayerNorm eps 1e-6
    blocks.N.attn.qkv / attn.proj         fused qkv Linear, output Linear
    blocks.N.attn.rel_pos_h / rel_pos_w   decomposed relative position tables (2*S-1, head_dim)
    blocks.N.mlp.lin1 / mlp.lin2          MLP with exact GELU
    neck.0 Conv1x1 (no bias), neck.1 LayerNorm2d, neck.2 Conv3x3 (no bias), neck.3 LayerNorm2d

Windowed attention (window 14) with padding to a multiple of the window, global attention in blocks
2, 5, 8, 11. Relative positions: ``get_rel_pos`` + ``add_decomposed_rel_pos`` with the two einsums
``bhwc,hkc->bhwk`` / ``bhwc,wkc->bhwk`` kept, so the graph contains Einsum nodes.

Export resolution: the official encoder runs at 1024x1024 (64x64 grid). This study exports at 224
(14x14 grid). ``pos_embed`` is resampled (bicubic, antialiased) from 64x64 to 14x14 in Python when a
checkpoint is loaded, and the relative-position tables of the *global* blocks (127 rows, for a 64 grid)
are resampled to 27 rows with the same 1-D linear interpolation ``get_rel_pos`` would apply at run
time; the windowed blocks' tables (27 rows for window 14) already fit. The model itself never
interpolates, so the graph has no Resize. The relative-position gather indices depend only on the
(static) window / grid size and are computed in Python, so they are constants in the graph.

Outputs (modern): ``features`` = mean over the spatial positions of the neck output (B, 256); ``tokens`` =
the neck output flattened to (B, H*W, 256).

Outputs (study): the study builds SAM's encoder **without the neck** (utils/transformers/sam.py:57-144, the
neck keys are filtered out at :434-441) and taps the last block's output (B, H, W, 768):
``study_features`` = its spatial mean (defaults/models.py:221-222), ``study_tokens`` = it flattened to
(B, H*W, 768) (``Ymodel_SAM``, defaults/models.py:414-420). The study also resamples the *global* blocks'
relative-position tables with ``F.interpolate(..., size=2*14-1)`` in its default mode, **nearest**
(sam.py:456-463), where SAM's own ``get_rel_pos`` (and the modern tables here) interpolate linearly. So
the global blocks carry a second pair of tables, ``blocks.N.attn.rel_pos_{h,w}_study`` (nearest; parameters
that no checkpoint provides: they are computed from its tables, see ``derived_keys``),
and the graph runs the blocks from the first global one on twice: once with the modern tables into the
neck, once with the study's tables into the study outputs (the weights are shared; SameDiff evaluates only
the requested outputs, so a protocol pays for its own path only). Windowed blocks' tables (27 rows for
window 14) are not resampled by either. ``pos_embed``: both bicubic, antialiased (sam.py:465-468).

Random weights: the global tables are drawn at the official size (127 rows for the 64-grid of 1024 px;
tiny: 2 * (4 * grid) - 1 rows) and resampled both ways, as a checkpoint's would be, so the two paths differ
in random exports too.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import common
from families import _weights

NAME = "sam-vitb"
SOURCE = "https://github.com/facebookresearch/segment-anything"

FULL = dict(img_size=224, patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0,
            out_chans=256, window_size=14, global_attn_indexes=(2, 5, 8, 11))
# tiny: 4x4 grid; block 0 uses window 3 (4 is not a multiple of 3: pads to 6x6 -> 4 windows),
# block 1 is global.
TINY = dict(img_size=64, patch_size=16, embed_dim=64, depth=2, num_heads=4, mlp_ratio=4.0,
            out_chans=32, window_size=3, global_attn_indexes=(1,))


class LayerNorm2d(nn.Module):
    """Channel-first LayerNorm over dim 1 of (B, C, H, W), written out as SAM does."""

    def __init__(self, num_channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.bias = nn.Parameter(torch.zeros(num_channels))
        self.eps = eps

    def forward(self, x):
        mu = x.mean(1, keepdim=True)
        var = (x - mu).pow(2).mean(1, keepdim=True)
        x = (x - mu) / torch.sqrt(var + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class PatchEmbed(nn.Module):
    def __init__(self, patch_size, in_chans, embed_dim):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        return self.proj(x).permute(0, 2, 3, 1)          # B, H, W, C


class MLPBlock(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.lin1 = nn.Linear(dim, hidden)
        self.lin2 = nn.Linear(hidden, dim)
        self.act = nn.GELU()

    def forward(self, x):
        return self.lin2(self.act(self.lin1(x)))


def get_rel_pos(q_size, k_size, rel_pos):
    """Relative-position embeddings for every (query, key) pair along one axis: (q_size, k_size, C).

    ``q_size``/``k_size`` are Python ints, so the gather index is a constant. The table must already
    have ``2 * max(q_size, k_size) - 1`` rows (resampling happens when weights are loaded)."""
    if not torch.jit.is_tracing():
        rows = 2 * max(q_size, k_size) - 1
        if rel_pos.shape[0] != rows:
            raise ValueError(f"relative position table has {rel_pos.shape[0]} rows, expected {rows}")
    q_scale = max(k_size / q_size, 1.0)
    k_scale = max(q_size / k_size, 1.0)
    q_coords = torch.arange(q_size)[:, None] * q_scale
    k_coords = torch.arange(k_size)[None, :] * k_scale
    idx = (q_coords - k_coords) + (k_size - 1) * k_scale
    return rel_pos[idx.long()]


def add_decomposed_rel_pos(attn, q, rel_pos_h, rel_pos_w, q_size, k_size):
    """attn (B', qh*qw, kh*kw) += q . R_h (per key row) + q . R_w (per key column)."""
    q_h, q_w = q_size
    k_h, k_w = k_size
    Rh = get_rel_pos(q_h, k_h, rel_pos_h)
    Rw = get_rel_pos(q_w, k_w, rel_pos_w)
    B, _, dim = q.shape
    r_q = q.reshape(B, q_h, q_w, dim)
    rel_h = torch.einsum("bhwc,hkc->bhwk", r_q, Rh)
    rel_w = torch.einsum("bhwc,wkc->bhwk", r_q, Rw)
    attn = attn.view(B, q_h, q_w, k_h, k_w) + rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]
    return attn.view(B, q_h * q_w, k_h * k_w)


class Attention(nn.Module):
    def __init__(self, dim, num_heads, input_size, qkv_bias=True):
        super().__init__()
        self.num_heads = num_heads
        head_dim = dim // num_heads
        self.scale = head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.input_size = tuple(input_size)            # static (H, W) this attention sees
        self.rel_pos_h = nn.Parameter(torch.zeros(2 * input_size[0] - 1, head_dim))
        self.rel_pos_w = nn.Parameter(torch.zeros(2 * input_size[1] - 1, head_dim))

    def add_study_tables(self):
        """Second pair of tables for the study's path: parameters (trainable initializers in the graph),
        computed from the checkpoint's tables rather than loaded (the model's ``derived_keys``)."""
        self.rel_pos_h_study = nn.Parameter(self.rel_pos_h.detach().clone())
        self.rel_pos_w_study = nn.Parameter(self.rel_pos_w.detach().clone())

    def forward(self, x, study=False):
        B, H, W, _ = x.shape
        qkv = self.qkv(x).reshape(B, H * W, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.reshape(3, B * self.num_heads, H * W, -1).unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        rel_h, rel_w = ((self.rel_pos_h_study, self.rel_pos_w_study) if study
                        else (self.rel_pos_h, self.rel_pos_w))
        attn = add_decomposed_rel_pos(attn, q, rel_h, rel_w, self.input_size, self.input_size)
        attn = attn.softmax(dim=-1)
        x = (attn @ v).view(B, self.num_heads, H, W, -1).permute(0, 2, 3, 1, 4).reshape(B, H, W, -1)
        return self.proj(x)


def window_partition(x, window_size, hw):
    """(B, H, W, C) -> (B * nW, ws, ws, C), zero-padding H and W up to a multiple of the window.

    ``hw`` is the static (H, W) so the pad amounts are constants in the graph."""
    H, W = hw
    B, C = x.shape[0], x.shape[3]
    pad_h = (window_size - H % window_size) % window_size
    pad_w = (window_size - W % window_size) % window_size
    if pad_h > 0 or pad_w > 0:
        x = F.pad(x, (0, 0, 0, pad_w, 0, pad_h))
    Hp, Wp = H + pad_h, W + pad_w
    x = x.view(B, Hp // window_size, window_size, Wp // window_size, window_size, C)
    windows = x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, window_size, window_size, C)
    return windows, (Hp, Wp)


def window_unpartition(windows, window_size, pad_hw, hw):
    """Inverse of :func:`window_partition`, cropping the padding away."""
    Hp, Wp = pad_hw
    H, W = hw
    B = windows.shape[0] // (Hp * Wp // window_size // window_size)
    x = windows.view(B, Hp // window_size, Wp // window_size, window_size, window_size, -1)
    x = x.permute(0, 1, 3, 2, 4, 5).contiguous().view(B, Hp, Wp, -1)
    if Hp > H or Wp > W:
        x = x[:, :H, :W, :].contiguous()
    return x


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio, window_size, grid):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads, (window_size, window_size) if window_size > 0 else grid)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = MLPBlock(dim, int(dim * mlp_ratio))
        self.window_size = window_size
        self.grid = tuple(grid)

    def forward(self, x, study=False):
        shortcut = x
        x = self.norm1(x)
        if self.window_size > 0:
            x, pad_hw = window_partition(x, self.window_size, self.grid)
        x = self.attn(x, study=study and self.window_size == 0)
        if self.window_size > 0:
            x = window_unpartition(x, self.window_size, pad_hw, self.grid)
        x = shortcut + x
        return x + self.mlp(self.norm2(x))


class ImageEncoderViT(nn.Module):
    output_names = ("features", "tokens", "study_features", "study_tokens")

    def __init__(self, *, img_size, patch_size, embed_dim, depth, num_heads, mlp_ratio, out_chans,
                 window_size, global_attn_indexes):
        super().__init__()
        g = img_size // patch_size
        self.grid = (g, g)
        self.patch_embed = PatchEmbed(patch_size, 3, embed_dim)
        self.pos_embed = nn.Parameter(torch.zeros(1, g, g, embed_dim))
        self.blocks = nn.ModuleList([
            Block(embed_dim, num_heads, mlp_ratio, 0 if i in global_attn_indexes else window_size, self.grid)
            for i in range(depth)])
        self.neck = nn.Sequential(
            nn.Conv2d(embed_dim, out_chans, kernel_size=1, bias=False),
            LayerNorm2d(out_chans),
            nn.Conv2d(out_chans, out_chans, kernel_size=3, padding=1, bias=False),
            LayerNorm2d(out_chans),
        )
        self.global_attn_indexes = tuple(global_attn_indexes)
        for i in self.global_attn_indexes:
            self.blocks[i].attn.add_study_tables()
        self.derived_keys = tuple(f"blocks.{i}.attn.rel_pos_{a}_study"
                                  for i in self.global_attn_indexes for a in ("h", "w"))
        # the two paths part at the first global block (the only blocks whose tables differ)
        self.fork = min(self.global_attn_indexes) if self.global_attn_indexes else depth

    def forward(self, images):
        x = self.patch_embed(images) + self.pos_embed
        for blk in self.blocks[:self.fork]:
            x = blk(x)
        xs = x
        for blk in self.blocks[self.fork:]:
            x = blk(x)
            xs = blk(xs, study=True)
        n = self.neck(x.permute(0, 3, 1, 2))                 # B, out_chans, H, W
        features = n.mean(dim=(2, 3))
        tokens = n.flatten(2).transpose(1, 2)
        # the study: no neck; the last block's (B, H, W, C) output
        study_features = xs.mean(dim=(1, 2))
        study_tokens = xs.flatten(1, 2)
        return features, tokens, study_features, study_tokens


def _rel_pos_linear(src, rows):
    """(L, C) -> (rows, C) with 1-D linear interpolation, as SAM's get_rel_pos does at run time."""
    t = src.float().reshape(1, src.shape[0], -1).permute(0, 2, 1)
    t = F.interpolate(t, size=rows, mode="linear")
    return t.reshape(-1, rows).permute(1, 0).contiguous()


def _rel_pos_nearest(src, rows):
    """(L, C) -> (rows, C) as the study resamples the global tables: F.interpolate's default mode, nearest
    (utils/transformers/sam.py:461-463)."""
    t = src.float().reshape(1, src.shape[0], src.shape[1]).permute(0, 2, 1)
    return F.interpolate(t, size=rows).permute(0, 2, 1)[0].contiguous()


def _set_study_tables(model, sources):
    """Study tables of each global block: nearest-resampled from ``sources[key]`` (the table before any
    resampling) or, without a source, from the modern table itself (then of the target size already)."""
    with torch.no_grad():
        for i in model.global_attn_indexes:
            attn = model.blocks[i].attn
            for axis in ("h", "w"):
                key = f"blocks.{i}.attn.rel_pos_{axis}"
                cur = getattr(attn, f"rel_pos_{axis}")
                src = sources.get(key, cur.detach())
                getattr(attn, f"rel_pos_{axis}_study").copy_(_rel_pos_nearest(src, cur.shape[0]))


def _adapt(key, src, dst):
    """Resample a checkpoint tensor to the export-resolution shape (called on shape mismatch)."""
    if key == "pos_embed":                                  # (1, Hs, Ws, C) -> (1, Hd, Wd, C)
        t = src.permute(0, 3, 1, 2).float()
        t = F.interpolate(t, size=tuple(dst.shape[1:3]), mode="bicubic", align_corners=False, antialias=True)
        return t.permute(0, 2, 3, 1).contiguous()
    if key.endswith(("attn.rel_pos_h", "attn.rel_pos_w")):  # (Ls, C) -> (Ld, C), as get_rel_pos
        return _rel_pos_linear(src, dst.shape[0])
    return None


def export(model, meta, out_dir, opset=17):
    """``common.export_backbone``, then the study path's second uses of the shared block weights read the
    weights themselves instead of ``Identity`` copies (:func:`common.inline_identity_initializers`)."""
    return common.export_backbone(model, meta, out_dir, opset=opset,
                                  postprocess=common.inline_identity_initializers)


def build(tiny, weights=None):
    cfg = TINY if tiny else FULL
    model = ImageEncoderViT(**cfg)
    _weights.randomize_(model, seed=2001 if tiny else 2002, free_std=0.5)
    # random global tables at the official size (1024 px: a 64 grid; tiny: 4x the grid), resampled both ways
    g0 = torch.Generator().manual_seed(2003 if tiny else 2004)
    native_rows = 2 * (1024 // cfg["patch_size"] if not tiny else 4 * (cfg["img_size"] // cfg["patch_size"])) - 1
    sources = {}
    with torch.no_grad():
        for i in model.global_attn_indexes:
            attn = model.blocks[i].attn
            for axis in ("h", "w"):
                cur = getattr(attn, f"rel_pos_{axis}")
                src = 0.5 * torch.randn(native_rows, cur.shape[1], generator=g0)
                sources[f"blocks.{i}.attn.rel_pos_{axis}"] = src
                cur.copy_(_rel_pos_linear(src, cur.shape[0]))
    wname = "random"
    if weights:
        sources = {}

        def adapt(key, src, dst):            # remembers the global tables as the checkpoint has them
            if key.endswith(("attn.rel_pos_h", "attn.rel_pos_w")):
                sources[key] = src.detach().float().clone()
            return _adapt(key, src, dst)

        _weights.load_checkpoint(model, weights, select=("image_encoder.",), strip=("module.",),
                                 adapt=adapt, ignore=("prompt_encoder.", "mask_decoder.",
                                                      "pixel_mean", "pixel_std"))
        wname = weights.rsplit("/", 1)[-1]
    _set_study_tables(model, sources)
    size = cfg["img_size"]
    g = size // cfg["patch_size"]
    meta = common.sidecar(
        family="sam", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, size, size], resize=size, crop=size,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD,   # SAM: [123.675,116.28,103.53]/[58.395,57.12,57.375] on 0-255
        interpolation="bilinear",
        patch_size=cfg["patch_size"], feature_dim=cfg["out_chans"], token_dim=cfg["out_chans"],
        num_tokens=g * g, block_pattern="blocks\\.\\d+", num_blocks=cfg["depth"],
        source_url=SOURCE, license="Apache-2.0", weights=wname,
        pretraining_data="SA-1B",
        study=common.study_section(
            outputs={"features": "study_features", "tokens": "study_tokens"}, drop_path_rate=0.0,
            source=("no neck: utils/transformers/sam.py:57-144 (ImageEncoderViT without neck), :434-441 (neck "
                    "keys filtered); features: defaults/models.py:221-222 (spatial mean of the last block); "
                    "tokens: defaults/models.py:414-420 (Ymodel_SAM, reshape to (B, H*W, C)); global rel-pos "
                    "tables nearest: sam.py:456-463; drop path: SAM's Block has none (sam.py:147-210)")),
        notes=("SAM ViT-B image encoder at %dx%d (official: 1024x1024). pos_embed resampled 64x64->%dx%d "
               "(bicubic, antialiased) and the global blocks' rel-pos tables 127->%d rows (linear, as "
               "get_rel_pos) in Python at load time; the study's copies of those tables (rel_pos_*_study) "
               "nearest, as the study. window %d, global blocks %s. features = spatial mean "
               "of the neck output, tokens = neck output (B, H*W, %d); study_features / study_tokens = the "
               "same of the last block's output (no neck, %d), through the study's tables. SAM resizes the "
               "longest side and pads; here shorter side -> %d + center crop."
               % (size, size, g, g, 2 * g - 1, cfg["window_size"], list(cfg["global_attn_indexes"]),
                  cfg["out_chans"], cfg["embed_dim"], size)))
    return model, meta

