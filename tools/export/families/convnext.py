"""ConvNeXt-T (torchvision ``convnext_tiny``) as a feature backbone: not one of the study's backbones, a
"user model" for the performance comparison (docs/performance.md): depthwise 7x7 convolutions, channels-last
LayerNorm and exact-erf GELU, the op mix ONNX importers find hardest.

Full: ``torchvision.models.convnext_tiny()`` (names ``features.S.B...``); ``--weights FILE`` loads a
torchvision state dict (``convnext_tiny-983f1562.pth``, IMAGENET1K_V1) by name. Tiny: the same module
tree with widths 8/16/32/64 and blocks [1, 1, 2, 1] at 64x64, for tests.

Outputs: ``features`` = torchvision's own head up to the classifier's Linear (global average pool, then
``LayerNorm2d``; (B, 768)); ``tokens`` = the last stage's map flattened to (B, H*W, C).
Preprocessing (IMAGENET1K_V1): resize 236 bilinear, centre crop 224, ImageNet mean/std.
"""
import torch
import torch.nn as nn
import torchvision
from torchvision.models.convnext import CNBlockConfig

import common
from families import _weights

NAME = "convnext-t"
SOURCE = "https://download.pytorch.org/models/convnext_tiny-983f1562.pth"


class Backbone(nn.Module):
    """torchvision ConvNeXt without its Linear: (features, tokens); parameter names are torchvision's."""

    def __init__(self, net):
        super().__init__()
        self.features = net.features
        self.avgpool = net.avgpool
        self.classifier = net.classifier          # [LayerNorm2d, Flatten, Linear]; the Linear is unused

    def forward(self, images):
        x = self.features(images)
        features = self.classifier[1](self.classifier[0](self.avgpool(x)))
        tokens = x.flatten(2).transpose(1, 2)
        return features, tokens


def build(tiny, weights=None):
    if tiny:
        settings = [CNBlockConfig(8, 16, 1), CNBlockConfig(16, 32, 1), CNBlockConfig(32, 64, 2), CNBlockConfig(64, None, 1)]
        net, size, resize, blocks = torchvision.models.convnext.ConvNeXt(settings, stochastic_depth_prob=0.0), 64, 67, 5
    else:
        net, size, resize, blocks = torchvision.models.convnext_tiny(weights=None), 224, 236, 18
    model = Backbone(net)
    wname = _weights.prepare(model, 4101 if tiny else 4102, weights, strip=("module.",))
    feat = model.classifier[0].normalized_shape[0]
    grid = size // 32
    meta = common.sidecar(
        family="convnext", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, size, size], resize=resize, crop=size,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD, interpolation="bilinear",
        patch_size=0, feature_dim=feat, token_dim=feat, num_tokens=grid * grid,
        block_pattern="features\\.\\d+\\.\\d+", num_blocks=blocks,
        source_url=SOURCE, license="BSD-3-Clause", weights=wname, pretraining_data="ImageNet-1k",
        notes="torchvision ConvNeXt-T; features = avgpool + LayerNorm2d (the classifier without its Linear), "
              "tokens = last stage map (B, H*W, C). A performance-comparison backbone, not one of the study's.")
    return model, meta
