#!/usr/bin/python3
"""Reference outputs of BatchNorm in training mode (PyTorch ``model.train()``) on the tiny ResNet fixture.

The study fine-tunes ResNet-152 with the whole model in train mode (defaults/trainer.py:64 ``self.model.train()``;
defaults/models.py:188-189 puts the backbone back in eval mode only when ``freeze_backbone`` is set), so every
BatchNorm normalises with the batch's mean and biased variance and updates its running statistics
(momentum 0.1, running variance from the unbiased batch variance).

Reads fixtures/tiny/resnet152/model.onnx (exported with BatchNormalization nodes and torchvision's parameter
names), loads its initializers into the same torchvision-layout module the export used
(tools/export/families/resnet.py), and writes to dl4j-transfer/src/test/resources/fixtures/batchnorm_train/:

  features_eval.npy         (4, 256) eval-mode features of input_b4.npy (the fixture's own reference, as a check)
  features_train.npy        (4, 256) features of one train-mode forward of input_b4.npy
  features_eval_after.npy   (4, 256) eval-mode features after that forward (updated running statistics)
  running_mean.npy          running means after the forward, all BatchNorm layers concatenated in graph order
  running_var.npy           running variances likewise
  batchnorms.txt            one line per BatchNorm layer in that order: module name, channels

Run with Debian's interpreter (torch 1.13, onnx), not a pyenv python:

    /usr/bin/python3 tools/reference/make_batchnorm_train_fixtures.py
"""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "export"))
from families import resnet  # noqa: E402

FIX = os.path.join(ROOT, "dl4j-transfer", "src", "test", "resources", "fixtures")
OUT = os.path.join(FIX, "batchnorm_train")


def main():
    os.makedirs(OUT, exist_ok=True)
    tiny = os.path.join(FIX, "tiny", "resnet152")
    proto = onnx.load(os.path.join(tiny, "model.onnx"))
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer}

    model = resnet.Backbone(resnet.TinyResNet())
    state = model.state_dict()
    loadable = {k: weights[k] for k in state if k in weights}
    missing = [k for k in state if k not in weights and not k.endswith("num_batches_tracked")]
    if missing:
        raise SystemExit(f"initializers missing for {missing}")
    model.load_state_dict(loadable, strict=False)

    x = torch.from_numpy(np.load(os.path.join(tiny, "input_b4.npy")))
    with torch.no_grad():
        model.eval()
        eval_before = model(x)[0].numpy()
        expected = np.load(os.path.join(tiny, "features_b4.npy"))
        err = np.linalg.norm(eval_before - expected) / np.linalg.norm(expected)
        if err > 1e-5:
            raise SystemExit(f"loaded module does not reproduce the fixture (rel L2 {err})")
        model.train()
        train = model(x)[0].numpy()
        model.eval()
        eval_after = model(x)[0].numpy()

    # module name from the scale initializer's name (layer1.0.bn2.weight -> layer1.0.bn2)
    names = [n.input[1][:-len(".weight")] for n in proto.graph.node if n.op_type == "BatchNormalization"]
    bns = {name: m for name, m in model.named_modules() if isinstance(m, torch.nn.BatchNorm2d)}
    means, vars_, lines = [], [], []
    for n in names:
        bn = bns[n]
        assert bn.momentum == 0.1 and bn.eps == 1e-5, n
        means.append(bn.running_mean.numpy())
        vars_.append(bn.running_var.numpy())
        lines.append(f"{n} {bn.num_features}")
    np.save(os.path.join(OUT, "features_eval.npy"), eval_before.astype(np.float32))
    np.save(os.path.join(OUT, "features_train.npy"), train.astype(np.float32))
    np.save(os.path.join(OUT, "features_eval_after.npy"), eval_after.astype(np.float32))
    np.save(os.path.join(OUT, "running_mean.npy"), np.concatenate(means).astype(np.float32))
    np.save(os.path.join(OUT, "running_var.npy"), np.concatenate(vars_).astype(np.float32))
    with open(os.path.join(OUT, "batchnorms.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(names)} BatchNorm layers; train vs eval features rel L2 "
          f"{np.linalg.norm(train - eval_before) / np.linalg.norm(eval_before):.3f}")


if __name__ == "__main__":
    main()
