"""BLIP ViT-B/16 visual encoder (salesforce/BLIP ``models/vit.py``).

Names: patch_embed.proj, cls_token, pos_embed, blocks.N.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1,
mlp.fc2}, norm. LayerNorm eps 1e-6, exact GELU. As in the official forward, the positional embedding
is added as ``pos_embed[:, :x.size(1), :]``.

Official BLIP checkpoints hold the whole model (``{"model": ...}``, visual tower under
``visual_encoder.``); only that prefix is loaded (``visual_encoder_m.`` — the momentum copy — is not).
A 384x384 checkpoint's pos_embed (24x24 + 1) is resampled in Python (bicubic, size-based, as BLIP's
``interpolate_pos_embed``) to the export grid.

Feature tap: the study's BLIP encoder returns ``x[:, 1:, :], x[:, 1, :]`` after the final norm
(utils/transformers/vit.py:194-196) and trains its linear head on the second, token index **1** (the first
patch token), not CLS. ``build(..., feature_token="cls" | "1")`` (``export.py --blip-feature-token``) picks
what the modern ``features`` output is (default ``cls``). The study's ``features`` is token 1 either way:
with ``cls`` the graph has a third output ``study_features``; with ``1`` ``features`` is token 1 and the
sidecar's study section maps nothing. Tokens (patch tokens after the final norm) are the study's too
(vit.py:196 via ``Ymodel_CLIP``, defaults/wrappers.py:529-551).
"""
import common
from families import _vit

NAME = "blip-vitb16"
# model_base.pth (the checkpoint the study loads): the 129M-image set of the BLIP README — COCO, Visual Genome,
# CC3M, CC12M, SBU and LAION-115M.
PRETRAINING_DATA = "129M images (COCO, VG, CC3M, CC12M, SBU, LAION-115M)"


FEATURE_TOKENS = ("cls", "1")


def build(tiny, weights=None, feature_token="cls"):
    """``feature_token``: ``"cls"`` (token 0, default) or ``"1"`` (the study's) for the ``features`` output."""
    feature_token = str(feature_token)
    if feature_token not in FEATURE_TOKENS:
        raise ValueError(f"feature_token must be one of {FEATURE_TOKENS}, not {feature_token!r}")
    if feature_token == "cls":
        taps = (("features", "cls"), ("tokens", "patch"), ("study_features", "token1"))
        study_outputs = {"features": "study_features"}
    else:
        taps = (("features", "token1"), ("tokens", "patch"))
        study_outputs = {}
    if tiny:
        cfg = dict(img_size=64, patch_size=16, embed_dim=64, depth=2, num_heads=4)
    else:
        cfg = dict(img_size=224, patch_size=16, embed_dim=768, depth=12, num_heads=12)
    model = _vit.ViT(**cfg, mlp_ratio=4.0, eps=1e-6, pos_slice=True, taps=taps)
    _vit.randomize_(model, seed=1005)
    wname = "random"
    if weights:
        _vit.load_weights(model, weights, select="visual_encoder.", pos_keys=("pos_embed",))
        wname = weights.rsplit("/", 1)[-1]
    crop = cfg["img_size"]
    g = model.grid
    meta = common.sidecar(
        family="blip", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, crop, crop], resize=round(crop * 256 / 224), crop=crop,
        mean=common.CLIP_MEAN, std=common.CLIP_STD, interpolation="bicubic",
        patch_size=cfg["patch_size"], feature_dim=cfg["embed_dim"], token_dim=cfg["embed_dim"],
        num_tokens=g * g, block_pattern="blocks\\.\\d+", num_blocks=cfg["depth"],
        source_url="https://github.com/salesforce/BLIP", license="BSD-3-Clause", weights=wname,
        pretraining_data=PRETRAINING_DATA,
        study=common.study_section(
            outputs=study_outputs, drop_path_rate=0.0,
            source=("features: utils/transformers/vit.py:196 (x[:, 1, :] after the final norm) and "
                    "defaults/models.py:256; tokens: vit.py:196 (x[:, 1:, :]); drop path: vit.py:310-312 "
                    "(blip_base, drop_path_rate=0)")),
        notes=(f"BLIP ViT-B/16 visual encoder; blip_feature_token={feature_token}: features = "
               + ("CLS (token 0) after final norm, study_features = token 1 after final norm (the study's)"
                  if feature_token == "cls" else "token 1 after final norm (the study's)")
               + "; tokens = patch tokens after "
               "final norm; BLIP normalises with the CLIP mean/std; official BLIP preprocessing resizes "
               "straight to the square input (no crop)"))
    return model, meta
