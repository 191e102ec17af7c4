"""DINO ViT-B/16 (facebookresearch/dino ``vision_transformer.vit_base``, patch 16).

Names: patch_embed.proj, cls_token, pos_embed, blocks.N.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1,
mlp.fc2}, norm. LayerNorm eps 1e-6, exact GELU. Official checkpoints are plain backbone state dicts;
full training checkpoints (``teacher`` with ``module.backbone.`` prefixes) are unwrapped too.
A pos_embed of another grid is resampled in Python with DINO's run-time rule (bicubic, offset 0.1).
"""
import common
from families import _vit, deit

NAME = "dino-vitb16"


def build(tiny, weights=None):
    if tiny:
        cfg = dict(img_size=64, patch_size=16, embed_dim=64, depth=2, num_heads=4)
    else:
        cfg = dict(img_size=224, patch_size=16, embed_dim=768, depth=12, num_heads=12)
    model = _vit.ViT(**cfg, mlp_ratio=4.0, eps=1e-6)
    _vit.randomize_(model, seed=1003)
    wname = "random"
    if weights:
        _vit.load_weights(model, weights, pos_keys=("pos_embed",), offset=0.1)
        wname = weights.rsplit("/", 1)[-1]
    crop = cfg["img_size"]
    g = model.grid
    meta = common.sidecar(
        family="dino", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, crop, crop], resize=round(crop * 256 / 224), crop=crop,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD, interpolation="bicubic",
        patch_size=cfg["patch_size"], feature_dim=cfg["embed_dim"], token_dim=cfg["embed_dim"],
        num_tokens=g * g, block_pattern="blocks\\.\\d+", num_blocks=cfg["depth"],
        source_url="https://github.com/facebookresearch/dino", license="Apache-2.0", weights=wname,
        pretraining_data="ImageNet-1k",
        study=common.study_section(drop_path_rate=0.0, source=(
            "taps as modern; built as the study's DeiT VisionTransformer; " + deit.DEIT_SRC)),
        notes="DINO ViT-B/16 backbone; features = CLS after final norm, tokens = patch tokens after final norm")
    return model, meta
