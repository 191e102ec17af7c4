#!/usr/bin/python3
"""Reference outputs for the study's one-channel input on grayscale datasets (Palés Huix et al., WACV 2024).

The study loads CheXpert and DDSM (img_channels = 1, defaults/datasets.py:18, 98) with PIL's convert('L')
(utils/_utils.py:25-35), normalises the one channel with the dataset's mean/std, and replaces each backbone's first
convolution / patch embedding by a one-input-channel copy whose weight is pretrained_weight.repeat(1, 4, 1, 1)[:, :1],
the red filters (defaults/models.py:36-45, 58-69, 98-109, 117-126, 135-144, 289-303, 319-331). Two small models
stand in for the two kinds of first layer: a ResNet-like stem (7x7/2 convolution with zero padding 3, no bias, BN,
ReLU, max pool, a 3x3 convolution) and a ViT-like patch embedding (8x8/8 convolution with bias, tokens, position
embedding, LayerNorm). For each, this script

  * exports the three-channel model (its full first-layer weight) to ONNX, opset 17, input x, output y;
  * cuts the first layer down to one channel exactly as the study does, and runs it on the study's one-channel input
    of two images at a small geometry: PIL open -> convert('L') -> Resize((40, 40)) -> CenterCrop(32) -> ToTensor ->
    Normalize((0.503,), (0.292,)) (CheXpert's statistics, defaults/datasets.py:21-22), for study_pipeline's
    input_gray.png (an 8-bit gray PNG) and input_rgb.png (an RGB PNG, so convert('L') does the luma conversion).

Writes to dl4j-transfer/src/test/resources/fixtures/gray_stem/:
  x_gray.npy, x_rgb.npy           the study's one-channel inputs (1, 1, 32, 32)
  <model>/model.onnx              the three-channel model
  <model>/y_gray.npy, y_rgb.npy   the one-channel model's outputs on those inputs
  case.json                       geometry, statistics, versions and the checks below

Checks (asserted here): the three-channel model on [x, 0, 0] equals the one-channel model on x up to float rounding;
on [x, x, x] it does not.

Run with Debian's interpreter and packages (apt-get install -y python3-torch python3-torchvision python3-pil
python3-onnx), not a pyenv python:

    /usr/bin/python3 tools/reference/make_gray_stem_fixtures.py
"""
import copy
import json
import os

import numpy as np
import onnx
import PIL
import torch
import torchvision
from PIL import Image
from torch import nn
from torchvision import transforms as T

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "..", "dl4j-transfer", "src", "test", "resources", "fixtures")
OUT = os.path.join(FIX, "gray_stem")
IMAGES = os.path.join(FIX, "study_pipeline")
MEAN, STD = (0.503,), (0.292,)
RESIZE, CROP = 40, 32


class ResNetStem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, kernel_size=3, padding=1)

    def first(self):
        return self, "conv1"

    def forward(self, x):
        return self.relu(self.conv2(self.maxpool(self.relu(self.bn1(self.conv1(x))))))


class PatchEmbed(nn.Module):
    def __init__(self, in_chans=3, dim=16, patch=8):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch)


class VitPatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch_embed = PatchEmbed()
        self.pos_embed = nn.Parameter(torch.randn(1, (CROP // 8) ** 2, 16) * 0.1)
        self.norm = nn.LayerNorm(16)

    def first(self):
        return self.patch_embed, "proj"

    def forward(self, x):
        x = self.patch_embed.proj(x).flatten(2).transpose(1, 2)
        return self.norm(x + self.pos_embed)


def one_channel(model):
    """The study's adaptation: the first layer rebuilt with one input channel, weight repeat(1, 4, 1, 1)[:, :1]."""
    m = copy.deepcopy(model)
    owner, name = m.first()
    old = getattr(owner, name)
    new = nn.Conv2d(1, old.out_channels, kernel_size=old.kernel_size, stride=old.stride, padding=old.padding,
                    dilation=old.dilation, groups=old.groups, bias=old.bias is not None, padding_mode=old.padding_mode)
    new.weight.data = old.weight.data.repeat(1, 4, 1, 1)[:, :1]
    if old.bias is not None:
        new.bias.data = old.bias.data
    setattr(owner, name, new)
    return m.eval()


def randomise(model, seed):
    torch.manual_seed(seed)
    for mod in model.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.3, 0.3)
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
        if isinstance(mod, nn.Conv2d) and mod.bias is not None:
            mod.bias.data.uniform_(-0.2, 0.2)
    return model.eval()


def study_input(path):
    img = Image.open(path).convert("L")                  # pil_loader(img_path, 1)
    img = T.Resize((RESIZE, RESIZE))(img)                # the Resize split off and applied first
    rest = T.Compose([T.CenterCrop((CROP, CROP)), T.ToTensor(), T.Normalize(mean=MEAN, std=STD)])
    return rest(img).unsqueeze(0).numpy().astype(np.float32)


def rel_l2(a, b):
    return float(np.linalg.norm((a - b).ravel()) / np.linalg.norm(b.ravel()))


def main():
    os.makedirs(OUT, exist_ok=True)
    xs = {"gray": study_input(os.path.join(IMAGES, "input_gray.png")),
          "rgb": study_input(os.path.join(IMAGES, "input_rgb.png"))}
    for k, x in xs.items():
        np.save(os.path.join(OUT, f"x_{k}.npy"), x)
    meta = {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__,
            "onnx": onnx.__version__, "script": "tools/reference/make_gray_stem_fixtures.py"}
    case = {"meta": meta, "resize": RESIZE, "crop": CROP, "mean": MEAN, "std": STD,
            "images": {"gray": "study_pipeline/input_gray.png", "rgb": "study_pipeline/input_rgb.png"}, "models": {}}
    for name, cls, seed in [("resnet_stem", ResNetStem, 11), ("vit_patch", VitPatch, 12)]:
        torch.manual_seed(seed)
        model = randomise(cls(), seed)
        gray_model = one_channel(model)
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        checks = {}
        with torch.no_grad():
            for k, x in xs.items():
                t = torch.from_numpy(x)
                y = gray_model(t).numpy()
                np.save(os.path.join(d, f"y_{k}.npy"), y.astype(np.float32))
                zeros = model(torch.cat([t, torch.zeros_like(t), torch.zeros_like(t)], 1)).numpy()
                repl = model(t.repeat(1, 3, 1, 1)).numpy()
                checks[k] = {"rel_l2_r_channel": rel_l2(zeros, y), "rel_l2_replicated": rel_l2(repl, y),
                             "y_shape": list(y.shape)}
                assert checks[k]["rel_l2_r_channel"] < 1e-6, (name, k, checks[k])
                assert checks[k]["rel_l2_replicated"] > 1e-2, (name, k, checks[k])
            path = os.path.join(d, "model.onnx")
            torch.onnx.export(model, torch.from_numpy(np.concatenate([xs["gray"]] * 3, 1)), path,
                              input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=17,
                              do_constant_folding=True, training=torch.onnx.TrainingMode.PRESERVE)
        onnx.checker.check_model(onnx.load(path))
        case["models"][name] = checks
    with open(os.path.join(OUT, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")
    print(json.dumps(case["models"], indent=1))


if __name__ == "__main__":
    main()
