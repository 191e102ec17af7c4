#!/usr/bin/python3
"""The import coverage sweep: torchvision 0.14's classification builders, exported as a new user would.

    /usr/bin/python3 tools/export/sweep_torchvision.py --list
    /usr/bin/python3 tools/export/sweep_torchvision.py [--out DIR] [BUILDER ...]     full size (default: all)
    /usr/bin/python3 tools/export/sweep_torchvision.py --tiny [--out DIR] [NAME ...]  the committed tiny variants
    /usr/bin/python3 tools/export/sweep_torchvision.py --table [--out DIR]            docs/import.md's table

Full size: ``torchvision.models.get_model_builder(name)(weights=None)``, seeded random weights (below), exported by
``torch.onnx.export`` at opset 17 with a dynamic batch and torch's default (EVAL: BatchNorm folded into the convs)
into ``DIR/<builder>/`` (default ``target/torchvision-sweep``; about 16 GB, not committed). Tiny:
the same model classes built through their constructors' own knobs (width and depth multipliers, block lists,
channel counts, the block factories GoogLeNet and Inception v3 take) so that the everyday test suite holds every op
pattern the sweep meets, in ``dl4j-transfer/src/test/resources/fixtures/torchvision/<name>/`` (a few hundred KB).

Each directory gets what ``export.py`` writes for a preset: ``model.onnx`` (input ``images``; outputs ``features``,
the pooled vector the classifier's last layer takes, and ``tokens``, the last feature map as (B, H*W, C) or the
encoder's tokens), ``model.json`` (the sidecar, with the builder's ImageNet-1k preprocessing: resize, crop,
interpolation, mean, std), references ``input_b1.npy``, ``input_b5.npy``, ``<output>_b1.npy``, ``<output>_b5.npy``,
and ``sweep.json``: builder, op types, parameter count, export time, and the float32 noise floor per output and batch
(relative L2 of torch float32 against the same model in float64), which the tests use where a model is ill-conditioned.
``DIR/index.json`` lists every builder with ``exported``, or ``skipped`` / ``failed`` and why.

Random weights: torchvision's own initialisation, then every parameter whose values are all equal (biases, norm
scales, ConvNeXt's 1e-6 layer scale, ViT's zero class token) gets ``value + 0.1 N(0, 1)`` so that each is visible in
the outputs, and BatchNorm statistics are set from one training-mode batch (momentum 1), so that activations stay
O(1) through hundreds of layers, as in a trained network.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, torchvision 0.14, onnx 1.12), one model at a time.
"""
import argparse
import collections
import functools
import json
import os
import re
import shutil
import sys
import time
import traceback
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from torchvision import models
from torchvision.transforms import InterpolationMode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_FULL_OUT = os.path.join(ROOT, "target", "torchvision-sweep")
DEFAULT_TINY_OUT = os.path.join(ROOT, "dl4j-transfer", "src", "test", "resources", "fixtures", "torchvision")
BATCHES = (1, 5)


# --------------------------------------------------------------------------------------------------
# where each family's pre-classifier vector and last feature map are
# --------------------------------------------------------------------------------------------------

# builder-name prefix -> (the classifier's last layer, replaced by Identity so that forward returns its input;
#                        the module whose output is the tokens; its layout; the block pattern for parameter groups)
FAMILIES = [
    ("resnet", "fc", "layer4", "nchw", r"layer\d+\.\d+"),
    ("resnext", "fc", "layer4", "nchw", r"layer\d+\.\d+"),
    ("wide_resnet", "fc", "layer4", "nchw", r"layer\d+\.\d+"),
    ("densenet", "classifier", "features", "nchw", r"features\.denseblock\d+\.denselayer\d+"),
    ("efficientnet", "classifier.1", "features", "nchw", r"features\.\d+\.\d+"),
    ("mobilenet_v2", "classifier.1", "features", "nchw", r"features\.\d+"),
    ("mobilenet_v3", "classifier.3", "features", "nchw", r"features\.\d+"),
    ("mnasnet", "classifier.1", "layers", "nchw", r"layers\.\d+\.\d+"),
    ("regnet", "fc", "trunk_output", "nchw", r"trunk_output\.block\d+\.block\d+-\d+"),
    ("convnext", "classifier.2", "features", "nchw", r"features\.\d+\.\d+"),
    ("swin", "head", "norm", "nhwc", r"features\.\d+\.\d+"),
    ("vit", "heads.head", "encoder", "nlc", r"encoder\.layers\.encoder_layer_\d+"),
    ("maxvit", "classifier.5", "blocks.-1", "nchw", r"blocks\.\d+\.layers\.\d+"),
    ("shufflenet", "fc", "conv5", "nchw", r"stage\d+\.\d+"),
    ("squeezenet", "classifier.1", "features", "nchw", r"features\.\d+"),
    ("googlenet", "fc", "inception5b", "nchw", r"inception\d[a-e]"),
    ("inception", "fc", "Mixed_7c", "nchw", r"Mixed_\d[a-e]"),
    ("vgg", "classifier.6", "features", "nchw", r"features\.\d+"),
    ("alexnet", "classifier.6", "features", "nchw", r"features\.\d+"),
]


def family_of(name):
    for fam in FAMILIES:
        if name.startswith(fam[0]):
            return fam
    raise KeyError(f"no family for builder {name}")


def _module(root, path):
    m = root
    for part in path.split("."):
        m = m[int(part)] if part.lstrip("-").isdigit() else getattr(m, part)
    return m


def _set_module(root, path, new):
    parent, _, leaf = path.rpartition(".")
    p = _module(root, parent) if parent else root
    if leaf.isdigit():
        p[int(leaf)] = new
    else:
        setattr(p, leaf, new)


class _Tap:
    """Keeps the output of the token module during one forward (a forward hook; torch.onnx traces through it)."""

    def __init__(self, layout):
        self.layout = layout
        self.value = None

    def __call__(self, module, inputs, output):
        self.value = output

    def tokens(self):
        t = self.value
        if self.layout == "nchw":
            return t.flatten(2).transpose(1, 2)
        if self.layout == "nhwc":
            return t.flatten(1, 2)
        return t


class Tapped(nn.Module):
    """The builder's own model, returning (features, tokens). Its modules stay where torchvision put them (registered
    on this wrapper under the same names), so the graph's node and weight names are torchvision's."""

    output_names = ("features", "tokens")

    def __init__(self, net, family):
        super().__init__()
        _, last, token_path, layout, _ = family
        _set_module(net, last, nn.Identity())
        self.tap = _Tap(layout)
        _module(net, token_path).register_forward_hook(self.tap)
        for k, m in net.named_children():
            self.add_module(k, m)
        for k, p in net.named_parameters(recurse=False):   # ViT's class_token
            self.register_parameter(k, p)
        for k, b in net.named_buffers(recurse=False):
            self.register_buffer(k, b)
        object.__setattr__(self, "_net", net)   # not a child: its modules are already this wrapper's

    def train(self, mode=True):
        self._net.training = mode             # GoogLeNet and Inception v3 return aux outputs while training
        return super().train(mode)

    def forward(self, x):
        features = self._net(x)
        tokens = self.tap.tokens()
        self.tap.value = None                 # a deep copy (the float64 model) cannot copy a non-leaf tensor
        return torch.flatten(features, 1), tokens


# --------------------------------------------------------------------------------------------------
# random weights
# --------------------------------------------------------------------------------------------------

def randomize_(model, seed, image_shape):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            flat = p.detach().reshape(-1)
            if flat.numel() > 0 and bool((flat == flat[0]).all()):
                p.add_(0.1 * torch.randn(p.shape, generator=g))
        bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        if bns:
            for m in bns:
                m.momentum = 1.0
            model.eval()
            for m in bns:                     # only BatchNorm trains: no dropout, no auxiliary heads
                m.train()
            model(torch.randn(4, *image_shape, generator=g))
            model.eval()
    return model


# --------------------------------------------------------------------------------------------------
# tiny variants: the same classes, through their constructors' own knobs
# --------------------------------------------------------------------------------------------------

def _scaled_conv(divisor):
    """GoogLeNet/Inception v3 take their conv block as a factory: this one divides every channel count but the
    image's 3 by ``divisor``, which keeps every concatenation consistent."""
    from torchvision.models.googlenet import BasicConv2d as GBasic
    from torchvision.models.inception import BasicConv2d as IBasic

    def make(basic):
        def conv(in_channels, out_channels, **kwargs):
            return basic(in_channels if in_channels == 3 else in_channels // divisor, out_channels // divisor, **kwargs)
        return conv
    return make(GBasic), make(IBasic)


def _tiny_googlenet():
    from torchvision.models.googlenet import GoogLeNet, Inception, InceptionAux
    conv, _ = _scaled_conv(8)
    return GoogLeNet(num_classes=10, aux_logits=False, init_weights=True,
                     blocks=[conv, functools.partial(Inception, conv_block=conv), InceptionAux])


def _tiny_inception():
    from torchvision.models import inception as inc
    _, conv = _scaled_conv(16)
    blocks = [conv] + [functools.partial(b, conv_block=conv) for b in
                       (inc.InceptionA, inc.InceptionB, inc.InceptionC, inc.InceptionD, inc.InceptionE,
                        inc.InceptionAux)]
    return inc.Inception3(num_classes=10, aux_logits=False, init_weights=True, inception_blocks=blocks)


def _tiny_squeezenet():
    """SqueezeNet 1.1's layout (ceil-mode max pools between Fire modules) with small Fire modules."""
    from torchvision.models.squeezenet import Fire, SqueezeNet
    net = SqueezeNet("1_1", num_classes=10)
    net.features = nn.Sequential(
        nn.Conv2d(3, 8, kernel_size=3, stride=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        Fire(8, 4, 8, 8), Fire(16, 4, 8, 8),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        Fire(16, 8, 16, 16))
    net.classifier[1] = nn.Conv2d(32, 10, kernel_size=1)
    return net


def _tiny_efficientnet_b0():
    from torchvision.models import efficientnet as e
    setting, last = e._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.25)
    return e.EfficientNet(setting[:4], dropout=0.2, last_channel=last, num_classes=10)


def _tiny_efficientnet_v2():
    from torchvision.models import efficientnet as e
    setting = [e.FusedMBConvConfig(1, 3, 1, 8, 8, 1), e.FusedMBConvConfig(4, 3, 2, 8, 16, 2),
               e.MBConvConfig(4, 3, 2, 16, 24, 1)]
    return e.EfficientNet(setting, dropout=0.2, last_channel=64, num_classes=10)


def _tiny_mobilenet_v2():
    from torchvision.models.mobilenetv2 import MobileNetV2
    return MobileNetV2(num_classes=10, width_mult=0.25,
                       inverted_residual_setting=[[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 1, 2], [6, 32, 1, 2]])


def _tiny_mobilenet_v3():
    from torchvision.models import mobilenetv3 as m
    setting, last = m._mobilenet_v3_conf("mobilenet_v3_large", width_mult=0.25)
    # blocks 0 (no expansion), 1 (ReLU), 3 (squeeze-excitation), 6 (Hardswish), 10 (Hardswish + SE): a chain
    return m.MobileNetV3([setting[i] for i in (0, 1, 3, 6, 10)], last_channel=64, num_classes=10)


def _tiny_regnet():
    from torchvision.models.regnet import BlockParams, RegNet
    return RegNet(BlockParams.from_init_params(depth=3, w_0=8, w_a=8.0, w_m=2.0, group_width=4, se_ratio=0.25),
                  stem_width=8, num_classes=10)


def _tiny_convnext():
    from torchvision.models.convnext import CNBlockConfig, ConvNeXt
    return ConvNeXt([CNBlockConfig(8, 16, 1), CNBlockConfig(16, None, 1)], num_classes=10)


def _tiny_swin():
    # no V2 variant: torch 1.13 cannot export Swin V2's in-place zeroing of the key bias (aten::zero)
    from torchvision.models.swin_transformer import SwinTransformer
    return SwinTransformer(patch_size=[2, 2], embed_dim=8, depths=[2, 1], num_heads=[1, 2], window_size=[4, 4],
                           stochastic_depth_prob=0.0, num_classes=10)


def _tiny_vit():
    from torchvision.models.vision_transformer import VisionTransformer
    return VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32,
                             num_classes=10)


def _tiny_maxvit():
    from torchvision.models.maxvit import MaxVit
    return MaxVit(input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[8, 16],
                  block_layers=[1, 1], head_dim=4, stochastic_depth_prob=0.0, num_classes=10)


def _tiny_shufflenet():
    from torchvision.models.shufflenetv2 import ShuffleNetV2
    return ShuffleNetV2([1, 1, 1], [8, 16, 32, 64, 64], num_classes=10)


def _tiny_densenet():
    from torchvision.models.densenet import DenseNet
    return DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=10)


# name -> (factory, the builder whose family and preprocessing it shares, input H = W, what it covers)
TINY = {
    "densenet-tiny": (_tiny_densenet, "densenet121", 32, "pre-activation BatchNorm (not folded), dense Concat, "
                      "AveragePool transitions"),
    "efficientnet_b0-tiny": (_tiny_efficientnet_b0, "efficientnet_b0", 32, "MBConv: depthwise conv, SiLU, "
                             "squeeze-excitation"),
    "efficientnet_v2-tiny": (_tiny_efficientnet_v2, "efficientnet_v2_s", 32, "Fused-MBConv and MBConv"),
    "mobilenet_v2-tiny": (_tiny_mobilenet_v2, "mobilenet_v2", 32, "inverted residuals, ReLU6 (Clip)"),
    "mobilenet_v3-tiny": (_tiny_mobilenet_v3, "mobilenet_v3_large", 32, "Hardswish, Hardsigmoid SE"),
    "regnet_y-tiny": (_tiny_regnet, "regnet_y_400mf", 32, "grouped conv, SE"),
    "convnext-tiny": (_tiny_convnext, "convnext_tiny", 32, "7x7 depthwise conv, channels-last LayerNorm, "
                      "layer scale, LayerNorm2d head"),
    "swin-tiny": (_tiny_swin, "swin_t", 16, "shifted windows with the run-time mask, patch merging"),
    "vit-tiny": (_tiny_vit, "vit_b_16", 32, "class token expanded to the batch, encoder"),
    "maxvit-tiny": (_tiny_maxvit, "maxvit_t", 32, "block and grid attention partitions, relative position bias"),
    "shufflenet-tiny": (_tiny_shufflenet, "shufflenet_v2_x1_0", 32, "channel shuffle, chunk"),
    "squeezenet-tiny": (_tiny_squeezenet, "squeezenet1_1", 32, "ceil-mode max pooling, Fire concat"),
    "googlenet-tiny": (_tiny_googlenet, "googlenet", 40, "ceil-mode max pooling, inception branches"),
    "inception_v3-tiny": (_tiny_inception, "inception_v3", 75, "average pooling with padding, asymmetric convs"),
}


# --------------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------------

def preprocessing(builder):
    """The builder's ImageNet-1k recipe (IMAGENET1K_V1 where it has one, else its first weights)."""
    weights = list(models.get_model_weights(builder))
    w = next((w for w in weights if w.name == "IMAGENET1K_V1"), weights[0])
    t = w.transforms()
    interp = {InterpolationMode.BILINEAR: "bilinear", InterpolationMode.BICUBIC: "bicubic",
              InterpolationMode.NEAREST: "nearest"}[t.interpolation]
    return {"weights_enum": f"{type(w).__name__}.{w.name}", "resize": int(t.resize_size[0]),
            "crop": int(t.crop_size[0]), "mean": list(t.mean), "std": list(t.std), "interpolation": interp}


def input_size(builder, prep):
    """ViTs built without weights take 224 (their SWAG weights' 384-518 need image_size at build time)."""
    if builder.startswith("vit") or builder.startswith("swin") or builder.startswith("maxvit"):
        return 224
    return prep["crop"]


def _noise_floor(m64, x, outputs, batch):
    """Relative L2 of torch float32 against the same model in float64, per output: the float32 noise floor."""
    with torch.no_grad():
        ref = m64(x.double())
    return {f"{name}@{batch}": float(torch.linalg.norm(a.double() - b) / torch.linalg.norm(b))
            for name, a, b in zip(Tapped.output_names, outputs, ref)}


def _patch_size(net, builder):
    if builder.startswith("vit"):
        return int(net.patch_size)
    if builder.startswith("swin"):
        return int(net.features[0][0].kernel_size[0])
    return 0


def export_one(name, net, builder, size, out_dir, *, variant, seed, describe=None):
    fam = family_of(builder)
    prep = preprocessing(builder)
    shape = (3, size, size)
    torch.manual_seed(seed)
    model = Tapped(net, fam)
    randomize_(model, seed, shape)
    model.eval()
    n_params = sum(p.numel() for p in model.parameters())
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    path = os.path.join(out_dir, "model.onnx")
    t0 = time.time()
    # not under torch.no_grad(): there nn.MultiheadAttention (ViT) takes its fused fast path, which torch 1.13
    # cannot export (aten::_native_multi_head_attention)
    torch.onnx.export(model, torch.randn(2, *shape), path, input_names=["images"],
                      output_names=list(Tapped.output_names),
                      dynamic_axes={"images": {0: "batch"}, "features": {0: "batch"}, "tokens": {0: "batch"}},
                      opset_version=17, do_constant_folding=True)
    export_s = time.time() - t0
    m = onnx.load(path, load_external_data=False)
    # Over protobuf's 2 GiB torch writes each weight to a file of its own next to model.onnx (external data, which
    # the importer reads); restore_param_names would have to save the whole model in one message, so such a graph
    # keeps torch's names (the importer names weights after their nodes anyway).
    external = any(t.data_location == onnx.TensorProto.EXTERNAL for t in m.graph.initializer)
    if not external:
        common.restore_param_names(path, model)
    ops = dict(sorted(collections.Counter(n.op_type for n in m.graph.node).items()))
    del m
    g = torch.Generator().manual_seed(seed + 1)
    floor = {}
    dims = None
    import copy
    m64 = copy.deepcopy(model).double()
    for b in BATCHES:
        x = torch.randn(b, *shape, generator=g)
        with torch.no_grad():
            outs = model(x)
        np.save(os.path.join(out_dir, f"input_b{b}.npy"), x.numpy().astype(np.float32, order="C"))
        for o, y in zip(Tapped.output_names, outs):
            np.save(os.path.join(out_dir, f"{o}_b{b}.npy"), y.numpy().astype(np.float32, order="C"))
        dims = [tuple(y.shape) for y in outs]
        floor.update(_noise_floor(m64, x, outs, b))
    del m64
    names = [k for k, _ in model.named_parameters()]
    blocks = sorted({mm.group(0) for k in names for mm in [re.search(fam[4], k)] if mm})
    meta = common.sidecar(
        family="torchvision", name=name, variant=variant, image_size=list(shape), resize=prep["resize"] if
        size == prep["crop"] else round(size * prep["resize"] / prep["crop"]), crop=size, mean=prep["mean"],
        std=prep["std"], interpolation=prep["interpolation"],
        patch_size=_patch_size(net, builder),
        feature_dim=dims[0][1], token_dim=dims[1][2], num_tokens=dims[1][1], block_pattern=fam[4],
        num_blocks=len(blocks), source_url="https://github.com/pytorch/vision/tree/v0.14.0/torchvision/models",
        license="BSD-3-Clause (torchvision code; random weights)",
        notes=f"torchvision {torchvision.__version__} {builder} ({'tiny: ' + describe if describe else 'builder defaults'}), "
              f"random weights; features = the input of the classifier's last layer ({fam[1]}), tokens = "
              f"{fam[2]} as (B, N, C); preprocessing of {prep['weights_enum']}")
    meta.update(weights_sha256=None, tensors_loaded=0,
                tensors_total=len([k for k, v in model.state_dict().items() if v.is_floating_point()]))
    with open(path, "rb") as f:
        import hashlib
        meta["onnx_sha256"] = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(meta, f, indent=2)
    info = {"name": name, "builder": builder, "variant": variant, "image_size": list(shape), "parameters": n_params,
            "onnx_nodes": sum(ops.values()), "op_types": ops, "export_seconds": round(export_s, 1),
            "onnx_bytes": os.path.getsize(path), "external_data": external, "noise_floor": floor, "batches": list(BATCHES),
            "torch": torch.__version__, "torchvision": torchvision.__version__}
    if describe:
        info["covers"] = describe
    with open(os.path.join(out_dir, "sweep.json"), "w") as f:
        json.dump(info, f, indent=2)
    return info


def full(builders, out_root):
    index_path = os.path.join(out_root, "index.json")
    index = {}
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    os.makedirs(out_root, exist_ok=True)
    for i, b in enumerate(builders):
        t0 = time.time()
        entry = {}
        try:
            torch.manual_seed(1000 + i)
            net = models.get_model_builder(b)(weights=None)
            prep = preprocessing(b)
            info = export_one(b, net, b, input_size(b, prep), os.path.join(out_root, b), variant="full",
                              seed=1000 + sorted(models.list_models(module=models)).index(b))
            entry = {"status": "exported", "parameters": info["parameters"], "onnx_nodes": info["onnx_nodes"],
                     "image_size": info["image_size"][1], "export_seconds": info["export_seconds"]}
            del net
        except Exception as e:  # noqa: BLE001 - recorded, the sweep goes on
            entry = {"status": "failed", "why": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
            traceback.print_exc()
        entry["seconds"] = round(time.time() - t0, 1)
        index[b] = entry
        with open(index_path, "w") as f:
            json.dump(dict(sorted(index.items())), f, indent=2)
        print(f"{b:24s} {entry['status']:9s} {entry.get('why', '')} ({entry['seconds']} s)", flush=True)


def tiny(names, out_root):
    for i, name in enumerate(names):
        factory, builder, size, describe = TINY[name]
        torch.manual_seed(2000 + i)
        info = export_one(name, factory(), builder, size, os.path.join(out_root, name), variant="tiny",
                          seed=2000 + list(TINY).index(name), describe=describe)
        total = sum(os.path.getsize(os.path.join(out_root, name, f)) for f in os.listdir(os.path.join(out_root, name)))
        print(f"{name:22s} {info['parameters']:7d} params {total / 1024:6.0f} KiB  floor {max(info['noise_floor'].values()):.1e}  "
              f"{info['op_types']}", flush=True)
        assert total < 800 * 1024, f"{name}: {total} bytes; keep committed fixtures small"


def table(out_root):
    """docs/import.md's table: index.json (what was exported), sweep.json (ops, floor) and import.json, which
    TorchvisionSweepTest writes next to each export (status, import time, relative L2 per output and batch)."""
    with open(os.path.join(out_root, "index.json")) as f:
        index = json.load(f)
    rows, families = [], collections.OrderedDict()
    print("| model | input | parameters | ONNX nodes → SameDiff ops | rel-L2 batch 1 | rel-L2 batch 5 | torch f32 vs f64 | import |")
    print("|---|---|---|---|---|---|---|---|")
    for name in sorted(index, key=lambda n: (family_of(n)[0], n)):
        e = index[name]
        if e["status"] != "exported":
            print(f"| {name} | | {e.get('parameters', 0) / 1e6:.1f} M | not exported | | | | {e['status']}: {e['why'][:90]} |"
                  if e.get("parameters") else f"| {name} | | | not exported | | | | {e['status']}: {e['why'][:90]} |")
            continue
        d = os.path.join(out_root, name)
        with open(os.path.join(d, "sweep.json")) as f:
            info = json.load(f)
        families.setdefault(family_of(name)[0], collections.Counter()).update(info["op_types"].keys())
        imp = None
        if os.path.exists(os.path.join(d, "import.json")):
            with open(os.path.join(d, "import.json")) as f:
                imp = json.load(f)
        size = f"{info['image_size'][1]}"
        params = f"{info['parameters'] / 1e6:.1f} M"
        floor = max(info["noise_floor"].values())
        if imp is None:
            print(f"| {name} | {size} | {params} | {info['onnx_nodes']} → | | | {floor:.1e} | not run |")
        elif imp["status"] != "ok":
            print(f"| {name} | {size} | {params} | {info['onnx_nodes']} → | | | {floor:.1e} | **fails**: {imp['error'][:120]} |")
        else:
            err = imp["rel_l2"]
            b1 = max(v for k, v in err.items() if k.endswith("@1"))
            b5 = max(v for k, v in err.items() if k.endswith("@5"))
            print(f"| {name} | {size} | {params} | {info['onnx_nodes']} → {imp['samediff_ops']} | {b1:.1e} | {b5:.1e} | "
                  f"{floor:.1e} | {imp['import_ms'] / 1000:.1f} s |")
    print()
    print("| family | ONNX op types |")
    print("|---|---|")
    for fam, ops in families.items():
        print(f"| {fam} | {', '.join(sorted(ops))} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiny", action="store_true", help="the committed tiny variants instead of the full builders")
    ap.add_argument("--out", help="output root")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--table", action="store_true", help="print docs/import.md's table from DIR's results")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("SWEEP_THREADS", "1")))
    warnings.filterwarnings("ignore")
    all_builders = sorted(models.list_models(module=models))
    if args.list:
        for b in all_builders:
            print(b)
        return 0
    if args.table:
        table(os.path.abspath(args.out or DEFAULT_FULL_OUT))
        return 0
    if args.tiny:
        names = args.names or list(TINY)
        bad = [n for n in names if n not in TINY]
        if bad:
            ap.error(f"unknown tiny variant(s) {bad}; known: {', '.join(TINY)}")
        tiny(names, os.path.abspath(args.out or DEFAULT_TINY_OUT))
    else:
        names = args.names or all_builders
        bad = [n for n in names if n not in all_builders]
        if bad:
            ap.error(f"unknown builder(s) {bad}")
        full(names, os.path.abspath(args.out or DEFAULT_FULL_OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
