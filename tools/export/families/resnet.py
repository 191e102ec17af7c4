"""ResNet-152 (torchvision ``resnet152``, weights ``IMAGENET1K_V1``) as a feature backbone.

The study loads ``torch.hub.load('pytorch/vision:v0.10.0', 'resnet152', pretrained=True)``
(utils/transformers/resnet.py:10-11): torchvision 0.10's ``model_urls['resnet152']``, the original
``resnet152-394f9c45.pth`` (``IMAGENET1K_V1``, top-1 78.3 %), not the newer ``IMAGENET1K_V2`` recipe file
``resnet152-f82ba261.pth`` (82.3 %). The preset names the V1 file and its preprocessing (resize 256,
centre crop 224, bilinear, ImageNet mean/std). The study uses ``fc``'s input, the global average pool
(defaults/models.py:112-116), as ``features``; ResNet has no stochastic depth.

Full: ``torchvision.models.resnet152()`` itself (names conv1, bn1, layer1..layer4.N.{conv1, bn1,
conv2, bn2, conv3, bn3, downsample.0, downsample.1}, fc). ``--weights FILE`` loads a torchvision
state dict (``resnet152-394f9c45.pth``, IMAGENET1K_V1; a V2 file loads the same way but is not what the
study used) by name; ``fc`` is kept so the checkpoint
loads without unexpected keys, but it is not part of the exported graph.

Tiny: a ResNet built from torchvision's own ``Bottleneck`` with the same parameter names but small
widths (stem 8, planes 8/16/32/64 -> 32/64/128/256 channels, blocks [1, 1, 2, 1]), 64x64 input.

Every BatchNorm gets random weight/bias/running_mean/running_var, so an importer that folds BN with
the wrong statistics (or ignores eps) is caught.

Outputs: ``features`` = global average pool of layer4 (B, 2048); ``tokens`` = the layer4 map flattened
to (B, H*W, 2048) (7*7 = 49 at 224).

Preprocessing (IMAGENET1K_V1): resize shorter side 256 (bilinear), center crop 224, ImageNet mean/std.

Export: :func:`export` (used by export.py instead of ``common.export_backbone`` directly) exports with
``training=TrainingMode.PRESERVE`` so the graph keeps ``BatchNormalization`` nodes and torchvision's
parameter names; torch's default EVAL export would fold every BN into its Conv under anonymous
``onnx::Conv_NNN`` names. Delete :func:`export` to get the folded form.
"""
import contextlib

import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import Bottleneck

import common
from families import _weights

NAME = "resnet152"
# IMAGENET1K_V1: what torch.hub 'pytorch/vision:v0.10.0' resnet152(pretrained=True) downloads (the study)
SOURCE = "https://download.pytorch.org/models/resnet152-394f9c45.pth"


class TinyResNet(nn.Module):
    """torchvision ResNet layout (same module names) with configurable, small widths."""

    def __init__(self, stem=8, planes=(8, 16, 32, 64), blocks=(1, 1, 2, 1)):
        super().__init__()
        self.inplanes = stem
        self.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for i, (p, n) in enumerate(zip(planes, blocks)):
            setattr(self, f"layer{i + 1}", self._make_layer(p, n, stride=1 if i == 0 else 2))

    def _make_layer(self, planes, n, stride):
        down = None
        if stride != 1 or self.inplanes != planes * Bottleneck.expansion:
            down = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * Bottleneck.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * Bottleneck.expansion))
        layers = [Bottleneck(self.inplanes, planes, stride, down)]
        self.inplanes = planes * Bottleneck.expansion
        layers += [Bottleneck(self.inplanes, planes) for _ in range(1, n)]
        return nn.Sequential(*layers)


class Backbone(nn.Module):
    """Wraps a torchvision-style ResNet (without using its avgpool/fc) -> (features, tokens).

    The ResNet's modules are registered directly on this wrapper, so parameter names are exactly
    torchvision's (conv1.weight, layer1.0.conv1.weight, ...)."""

    def __init__(self, net):
        super().__init__()
        for name in ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"):
            self.add_module(name, getattr(net, name))
        if hasattr(net, "fc"):
            self.fc = net.fc                       # unused; keeps official checkpoints "unexpected"-free
        self.avgpool = nn.AdaptiveAvgPool2d(1)

    def forward(self, images):
        x = self.maxpool(self.relu(self.bn1(self.conv1(images))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        features = torch.flatten(self.avgpool(x), 1)
        tokens = x.flatten(2).transpose(1, 2)
        return features, tokens


@contextlib.contextmanager
def _keep_batchnorm():
    """Make torch.onnx.export use ``training=TrainingMode.PRESERVE`` (the model is in eval mode).

    With the default (EVAL) torch 1.13 runs its eval peephole pass, which folds every BatchNorm into
    the preceding Conv and renames all conv weights to anonymous ``onnx::Conv_NNN`` initializers, so no
    parameter name (and no ``block_pattern``) survives. PRESERVE on an eval-mode model writes
    inference-mode ``BatchNormalization`` nodes and keeps the torchvision parameter names."""
    orig = torch.onnx.export

    def export(*args, **kwargs):
        kwargs.setdefault("training", torch.onnx.TrainingMode.PRESERVE)
        return orig(*args, **kwargs)

    torch.onnx.export = export
    try:
        yield
    finally:
        torch.onnx.export = orig


def export(model, meta, out_dir, opset=17):
    """``common.export_backbone`` with BatchNormalization kept (see :func:`_keep_batchnorm`)."""
    with _keep_batchnorm():
        return common.export_backbone(model.eval(), meta, out_dir, opset=opset)


def build(tiny, weights=None):
    if tiny:
        net, size, blocks = TinyResNet(), 64, (1, 1, 2, 1)
        resize = 73                                 # 256/224 * 64, rounded
    else:
        net, size, blocks = torchvision.models.resnet152(weights=None), 224, (3, 8, 36, 3)
        resize = 256
    model = Backbone(net)
    wname = _weights.prepare(model, 4001 if tiny else 4002, weights, strip=("module.",))
    feat = model.layer4[-1].conv3.out_channels
    grid = size // 32
    meta = common.sidecar(
        family="resnet", name=NAME, variant="tiny" if tiny else "full",
        image_size=[3, size, size], resize=resize, crop=size,
        mean=common.IMAGENET_MEAN, std=common.IMAGENET_STD, interpolation="bilinear",
        patch_size=0, feature_dim=feat, token_dim=feat, num_tokens=grid * grid,
        block_pattern="layer\\d+\\.\\d+", num_blocks=sum(blocks),
        source_url=SOURCE, license="BSD-3-Clause", weights=wname,
        pretraining_data="ImageNet-1k",
        study=common.study_section(drop_path_rate=0.0, source=(
            "weights: utils/transformers/resnet.py:10-11 (torch.hub pytorch/vision:v0.10.0 resnet152, "
            "pretrained=True = IMAGENET1K_V1); features: defaults/models.py:112-116 (fc replaced by Identity: "
            "the global average pool); no stochastic depth in torchvision's ResNet")),
        notes=("torchvision ResNet-152, weights IMAGENET1K_V1 (resnet152-394f9c45.pth, what the study's "
               "torch.hub pytorch/vision:v0.10.0 loads), its recipe: resize 256 bilinear, crop 224. "
               "features = global average pool of layer4, tokens = layer4 map (B, H*W, C); fc unused. "
               "Exported with TrainingMode.PRESERVE on the eval-mode model: BatchNormalization nodes and "
               "parameter names kept (the default EVAL export folds BN into Conv, anonymous names). "
               + ("Tiny: torchvision Bottleneck, stem 8, planes 8/16/32/64, blocks [1,1,2,1]; "
                  "BatchNorm statistics randomised." if tiny else "")))
    return model, meta
