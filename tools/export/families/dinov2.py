"""DINOv2 ViT-B/14 (facebookresearch/dinov2), register-free, exported at 224x224 (16x16 patches).

Official names: patch_embed.proj, cls_token, pos_embed, mask_token, blocks.N.{norm1, attn.qkv,
attn.proj, ls1.gamma, norm2, mlp.fc1, mlp.fc2, ls2.gamma}, norm. LayerNorm eps 1e-6, exact GELU,
q scaled before q @ k^T.

The official ``pos_embed`` is for 518x518 (37x37 + 1). DINOv2 resamples it at run time with
``interpolate_pos_encoding`` (bicubic, scale_factor (g + 0.1) / 37); here that resampling is done once
in Python when the weights are loaded, so the graph holds a static (1, 1 + g*g, C) embedding.

Outputs: ``features`` = CLS after the final norm, ``tokens`` = patch tokens after it (modern), and
``study_tokens`` = patch tokens *before* the final norm: the study's DeiT-head input is
``forward_features(x)["x_prenorm"]`` (defaults/models.py:209-211, 218) sliced ``[:, 1:, :]`` by
``Ymodel_DINO`` (defaults/models.py:469). The study's linear feature is ``x_norm_clstoken`` (= ``features``).
"""
import common
from families import _vit

NAME = "dinov2-vitb14"


def build(tiny, weights=None):
    if tiny:
        cfg = dict(img_size=56, patch_size=14, embed_dim=64, depth=2, num_heads=4)
    else:
        cfg = dict(img_size=224, patch_size=14, embed_dim=768, depth=12, num_heads=12)
    model = _vit.ViT(**cfg, mlp_ratio=4.0, eps=1e-6, layerscale=True, scale_q_first=True, mask_token=True,
                     taps=(("features", "cls"), ("tokens", "patch"), ("study_tokens", "patch_prenorm")))
    _vit.randomize_(model, seed=1001)
    wname = "random"
    if weights:
        _vit.load_weights(model, weights, pos_keys=("pos_embed",), offset=0.1)
        wname = weights.rsplit("/", 1)[-1]
    crop = cfg["img_size"]
    g = model.grid
    meta = common.sidecar(
        family="dinov2", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, crop, crop], resize=round(crop * 256 / 224), crop=crop,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD, interpolation="bicubic",
        patch_size=cfg["patch_size"], feature_dim=cfg["embed_dim"], token_dim=cfg["embed_dim"],
        num_tokens=g * g, block_pattern="blocks\\.\\d+", num_blocks=cfg["depth"],
        source_url="https://github.com/facebookresearch/dinov2", license="Apache-2.0", weights=wname,
        pretraining_data="LVD-142M",
        study=common.study_section(
            outputs={"tokens": "study_tokens"}, drop_path_rate=0.0,
            source=("tokens: defaults/models.py:209-211 (x_prenorm) and :469 ([:, 1:, :]); features: "
                    "defaults/models.py:210 (x_norm_clstoken); drop path: utils/transformers/dinov2.py:6-7 "
                    "(torch.hub dinov2_vitb14, built without drop_path_rate: DinoVisionTransformer's default 0)")),
        notes=("ViT-B/14 without registers; features = CLS after final norm, tokens = patch tokens after "
               "final norm, study_tokens = patch tokens before the final norm (the study's x_prenorm); pos_embed resampled in Python from 37x37 (offset 0.1 bicubic, as "
               "interpolate_pos_encoding) to the export grid; LayerScale gammas random in random-weight exports"))
    return model, meta
