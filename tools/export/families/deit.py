"""DeiT-B/16 (facebookresearch/deit; timm ``deit_base_patch16_224``).

Names: patch_embed.proj, cls_token, pos_embed, blocks.N.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1,
mlp.fc2}, norm, head (the ImageNet classifier: kept so official checkpoints load without an
"unexpected" key, but unused by the export). LayerNorm eps 1e-6, exact GELU.
"""
import common
from families import _vit

NAME = "deit-b16"
DEIT_SRC = "drop path: utils/transformers/deit.py:143 (VisionTransformer drop_path_rate=0. by default; deit_base, deit.py:342-345, passes params.json's transformers_params, which set none)"


def build(tiny, weights=None):
    if tiny:
        cfg = dict(img_size=64, patch_size=16, embed_dim=64, depth=2, num_heads=4, num_classes=10)
    else:
        cfg = dict(img_size=224, patch_size=16, embed_dim=768, depth=12, num_heads=12, num_classes=1000)
    model = _vit.ViT(**cfg, mlp_ratio=4.0, eps=1e-6)
    _vit.randomize_(model, seed=1002)
    wname = "random"
    if weights:
        _vit.load_weights(model, weights, pos_keys=("pos_embed",))
        wname = weights.rsplit("/", 1)[-1]
    crop = cfg["img_size"]
    g = model.grid
    meta = common.sidecar(
        family="deit", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, crop, crop], resize=round(crop * 256 / 224), crop=crop,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD, interpolation="bicubic",
        patch_size=cfg["patch_size"], feature_dim=cfg["embed_dim"], token_dim=cfg["embed_dim"],
        num_tokens=g * g, block_pattern="blocks\\.\\d+", num_blocks=cfg["depth"],
        source_url="https://github.com/facebookresearch/deit", license="Apache-2.0", weights=wname,
        pretraining_data="ImageNet-1k",
        study=common.study_section(drop_path_rate=0.0, source=(
            "taps as modern (CLS after the final norm, deit.py forward_features); " + DEIT_SRC)),
        notes="DeiT-B/16 (not distilled); features = CLS after final norm (head not applied), tokens = patch tokens after final norm")
    return model, meta
