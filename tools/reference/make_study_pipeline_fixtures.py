#!/usr/bin/python3
"""Reference outputs of the study's input pipeline (Palés Huix et al., WACV 2024), made with torchvision on PIL.

Writes small fixtures to dl4j-transfer/src/test/resources/fixtures/study_pipeline/ for StudyPipelineReferenceTest:

  input_rgb.png, input_gray.png   300x200 test images (8-bit RGB and 8-bit gray), made here from a fixed formula
  eval.npz                        the study's eval transform of both images, as the study runs it (defaults/bases.py):
                                  PIL image -> Resize((256, 256)) [torchvision default BILINEAR, PIL resample, i.e.
                                  antialiased] -> CenterCrop((224, 224)) -> ToTensor -> Normalize(mean, std),
                                  with APTOS2019's mean/std for the RGB image and CheXpert's for the gray ('L') one
                                  (defaults/datasets.py). Keys: rgb (3,224,224) f4, gray (1,224,224) f4.
  train_view.npz                  the deterministic part of the study's training transform at a small geometry
                                  (Resize((64, 64)) -> CenterCrop(56) -> resized_crop(box, 56, BILINEAR) -> optional
                                  vflip, hflip -> ToTensor -> Normalize), for the boxes/flips listed in train_view.json.
  rrc_replay.json                 torchvision RandomResizedCrop.get_params on a 224x224 image with the study's
                                  scale (0.8, 1.2) and default ratio (3/4, 4/3): per trial the random values torch drew
                                  (scale fraction and aspect ratio per attempt, both float32 written as their shortest
                                  decimal; then top, left) and the box (top, left, height, width) get_params returned;
                                  plus statistics of 100k draws (whole-view rate, mean area, ...).
  jitter.json                     the ranges torchvision's ColorJitter(0.2, 0.2, 0.1, 0.1) derives, and frequencies
                                  of its random order over 24k draws.
  jitter_ops.npz                  ColorJitter's operations on the PIL training view (uint8, 56x56x3) with fixed factors,
                                  one array per case of JITTER_CASES (order of operation ids 0 brightness, 1 contrast,
                                  2 saturation, 3 hue, as ColorJitter.forward applies them), plus "view" (the input);
                                  jitter.json "cases" lists them with the distance (in 8-bit steps) of torchvision's
                                  own tensor path from the PIL result, for scale.

Run with Debian's interpreter and packages (apt-get install -y python3-torchvision python3-pil), not a pyenv python:

    /usr/bin/python3 tools/reference/make_study_pipeline_fixtures.py

Deterministic: fixed seeds; versions are recorded in each JSON's "meta". The study pinned torchvision 0.15.0
(env_files/environment.yml:16); the functions used here (PIL resize/crop, RandomResizedCrop.get_params,
ColorJitter.get_params) are the same code in Debian's 0.14.1.
"""
import json
import math
import os

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T
from torchvision.transforms import functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "dl4j-transfer", "src", "test", "resources", "fixtures", "study_pipeline")

# The study's statistics (defaults/datasets.py:246-247 APTOS2019, :21-22 CheXpert).
APTOS_MEAN, APTOS_STD = (0.415, 0.221, 0.073), (0.275, 0.150, 0.081)
CHEXPERT_MEAN, CHEXPERT_STD = (0.503,), (0.292,)

META = {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__,
        "numpy": np.__version__, "script": "tools/reference/make_study_pipeline_fixtures.py"}


# (key, operation order, brightness, contrast, saturation, hue): single operations at factors near the ends of the
# study's ranges, and two full ColorJitter applications in given orders.
JITTER_CASES = [
    ("brightness_up", [0], 1.17, None, None, None),
    ("brightness_down", [0], 0.81, None, None, None),
    ("contrast_up", [1], None, 1.19, None, None),
    ("contrast_down", [1], None, 0.83, None, None),
    ("saturation_up", [2], None, None, 1.09, None),
    ("saturation_down", [2], None, None, 0.91, None),
    ("hue_plus", [3], None, None, None, 0.07),
    ("hue_minus", [3], None, None, None, -0.06),
    ("all_3102", [3, 1, 0, 2], 1.12, 0.86, 1.05, 0.04),
    ("all_0213", [0, 2, 1, 3], 0.88, 1.15, 0.93, -0.09),
]


def f32(v):
    """A float32 value as the shortest decimal that reads back (via float) to the same float32."""
    return float(np.format_float_positional(np.float32(v), unique=True))


def test_image(w, h, channels):
    """Smooth gradients, a sinusoid, hard-edged blocks and a patch of seeded noise: every resampling case."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for c in range(channels):
        v = 40 + 150 * (x / w) * (1 - c * 0.3) + 50 * (y / h) * (c + 1) / 3
        v += 30 * np.sin(x / (3.0 + 2 * c)) * np.cos(y / (5.0 + c))
        v[(x // 25 + y // 20) % 5 == c] = 255 - 60 * c
        v[30:50, 200 + 10 * c:260] = 0
        planes.append(v)
    img = np.stack(planes, axis=-1)
    rng = np.random.RandomState(7 + channels)
    img[120:170, 40:110] = rng.randint(0, 256, size=(50, 70, channels))
    img = np.clip(np.round(img), 0, 255).astype(np.uint8)
    return img if channels == 3 else img[..., 0]


def study_eval(mean, std, resize=256, crop=224):
    # bases.py: Resize is split off as self.resizing and applied first (bases.py:38-39, :219-229); the rest of
    # the val_transforms list is CenterCrop, ToTensor, Normalize (bases.py:66-74, :144-148).
    resizing = T.Resize((resize, resize))
    rest = T.Compose([T.CenterCrop((crop, crop)), T.ToTensor(), T.Normalize(mean=mean, std=std)])
    return lambda img: rest(resizing(img))


def main():
    os.makedirs(OUT, exist_ok=True)
    rgb = Image.fromarray(test_image(300, 200, 3), "RGB")
    gray = Image.fromarray(test_image(300, 200, 1), "L")
    rgb.save(os.path.join(OUT, "input_rgb.png"), optimize=True)
    gray.save(os.path.join(OUT, "input_gray.png"), optimize=True)
    # Read back as the study does (pil_loader: open, convert('RGB') / convert('L')).
    rgb = Image.open(os.path.join(OUT, "input_rgb.png")).convert("RGB")
    gray = Image.open(os.path.join(OUT, "input_gray.png")).convert("L")

    e_rgb = study_eval(APTOS_MEAN, APTOS_STD)(rgb).numpy().astype(np.float32)
    e_gray = study_eval(CHEXPERT_MEAN, CHEXPERT_STD)(gray).numpy().astype(np.float32)
    assert e_rgb.shape == (3, 224, 224) and e_gray.shape == (1, 224, 224)
    np.savez_compressed(os.path.join(OUT, "eval.npz"), rgb=e_rgb, gray=e_gray)

    # Training view, small geometry: resize 64x64, centre crop 56, then the RRC box (crop, then resize to 56).
    view = T.CenterCrop(56)(T.Resize((64, 64))(rgb))
    cases = [  # (top, left, height, width, vflip, hflip)
        (0, 0, 56, 56, False, False),   # the whole view (torchvision's fallback)
        (3, 5, 50, 47, True, False),    # downscale, vertical flip
        (10, 2, 41, 52, False, True),   # mixed, horizontal flip
        (20, 25, 30, 28, True, True),   # strong upscale, both flips
    ]
    outs = {}
    for k, (i, j, h, w, vf, hf) in enumerate(cases):
        img = F.resized_crop(view, i, j, h, w, [56, 56], T.InterpolationMode.BILINEAR)
        if vf:
            img = F.vflip(img)
        if hf:
            img = F.hflip(img)
        outs[f"case{k}"] = T.Normalize(APTOS_MEAN, APTOS_STD)(T.ToTensor()(img)).numpy().astype(np.float32)
    np.savez_compressed(os.path.join(OUT, "train_view.npz"), **outs)
    with open(os.path.join(OUT, "train_view.json"), "w") as f:
        json.dump({"meta": META, "resize": 64, "crop": 56, "mean": APTOS_MEAN, "std": APTOS_STD,
                   "cases": [{"key": f"case{k}", "top": c[0], "left": c[1], "height": c[2], "width": c[3],
                              "vflip": c[4], "hflip": c[5]} for k, c in enumerate(cases)]}, f, indent=1)

    # RandomResizedCrop.get_params replay: draw with torch's generator exactly as get_params does, record the draws,
    # and check that get_params itself (same seed) returns the same box.
    scale, ratio = (0.8, 1.2), (3.0 / 4.0, 4.0 / 3.0)
    trials = []
    for seed in range(600):
        torch.manual_seed(seed)
        box = T.RandomResizedCrop.get_params(torch.zeros(3, 224, 224), list(scale), list(ratio))
        torch.manual_seed(seed)
        log_ratio = torch.log(torch.tensor(ratio))
        draws = []
        for _ in range(10):
            s = torch.empty(1).uniform_(scale[0], scale[1]).item()
            a = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
            draws.append([f32(s), f32(a)])
            w = int(round(math.sqrt(224 * 224 * s * a)))
            h = int(round(math.sqrt(224 * 224 * s / a)))
            if 0 < w <= 224 and 0 < h <= 224:
                i = torch.randint(0, 224 - h + 1, size=(1,)).item()
                j = torch.randint(0, 224 - w + 1, size=(1,)).item()
                draws[-1] += [i, j]
                break
        trials.append({"draws": draws, "box": list(box)})
    torch.manual_seed(12345)
    n = 100000
    fallback = area = full_w = full_h = 0
    for _ in range(n):
        i, j, h, w = T.RandomResizedCrop.get_params(torch.zeros(3, 224, 224), list(scale), list(ratio))
        area += h * w / (224.0 * 224.0)
        full_w += w == 224
        full_h += h == 224
        fallback += (h, w) == (224, 224)
    with open(os.path.join(OUT, "rrc_replay.json"), "w") as f:
        json.dump({"meta": META, "size": 224, "scale": scale, "ratio": ratio, "trials": trials,
                   "stats": {"n": n, "whole_view_rate": fallback / n, "mean_area": area / n,
                             "full_width_rate": full_w / n, "full_height_rate": full_h / n}}, f)

    def jitter(img, order, b, c, sat, h):
        for op in order:  # ColorJitter.forward's loop with fixed factors
            if op == 0:
                img = F.adjust_brightness(img, b)
            elif op == 1:
                img = F.adjust_contrast(img, c)
            elif op == 2:
                img = F.adjust_saturation(img, sat)
            else:
                img = F.adjust_hue(img, h)
        return img

    ops = {"view": np.asarray(view, dtype=np.uint8)}
    tensor_vs_pil = {}
    view_tensor = T.ToTensor()(view)
    for key, order, b, c, sat, h in JITTER_CASES:
        ops[key] = np.asarray(jitter(view, order, b, c, sat, h), dtype=np.uint8)
        # torchvision's own tensor path on the same input, for scale: how far float arithmetic lands from PIL's.
        t = jitter(view_tensor, order, b, c, sat, h).permute(1, 2, 0).numpy().astype(np.float64) * 255
        d = np.abs(t - ops[key].astype(np.float64))
        tensor_vs_pil[key] = {"max": float(d.max()), "mean": float(d.mean())}
    np.savez_compressed(os.path.join(OUT, "jitter_ops.npz"), **ops)

    cj = T.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.1, hue=0.1)
    torch.manual_seed(99)
    counts = {}
    lo = [9.0] * 4
    hi = [-9.0] * 4
    for _ in range(24000):
        fn_idx, b, c, s, h = T.ColorJitter.get_params(cj.brightness, cj.contrast, cj.saturation, cj.hue)
        key = "".join(str(int(v)) for v in fn_idx)
        counts[key] = counts.get(key, 0) + 1
        for k, v in enumerate((b, c, s, h)):
            lo[k] = min(lo[k], v)
            hi[k] = max(hi[k], v)
    with open(os.path.join(OUT, "jitter.json"), "w") as f:
        json.dump({"meta": META, "cases": [{"key": k, "order": o, "brightness": b, "contrast": c, "saturation": sa,
                                             "hue": h, "tensor_vs_pil_steps": tensor_vs_pil[k]}
                                            for k, o, b, c, sa, h in JITTER_CASES],
                   "brightness": list(cj.brightness), "contrast": list(cj.contrast),
                   "saturation": list(cj.saturation), "hue": list(cj.hue),
                   "order_counts": dict(sorted(counts.items())), "observed_min": lo, "observed_max": hi}, f, indent=1)


if __name__ == "__main__":
    main()
