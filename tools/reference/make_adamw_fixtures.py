#!/usr/bin/python3
"""Reference AdamW steps from torch.optim.AdamW, for AdamWReferenceTest (our fused float32 step and the ND4J-op
path must both reproduce them).

Three parameters as a transfer cell has them: a weight matrix (decayed), a bias (not decayed: rank 1) and a
position embedding (not decayed: by name), plus one large tensor (2^17 + 3 elements) that the fused step updates in
parallel chunks; its values and gradients follow a formula both sides compute (sin/cos in float64, then float32),
and only its values at 40 indices (chunk edges among them) and its sum are stored, to keep the fixture small. Five steps with given gradients and a learning rate that changes per step (warm-up then decay);
torch decays every parameter of a group, so the non-decayed ones sit in a group with weight_decay 0, as the study's
(and timm's) parameter groups do. Global-norm clipping (clip_grad_norm_, max norm 1.0) runs before each step.

Run with Debian's interpreter (apt-get install -y python3-torch), not a pyenv python:

    /usr/bin/python3 tools/reference/make_adamw_fixtures.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "dl4j-transfer", "src", "test", "resources", "fixtures", "optimizer")


def main():
    g = torch.Generator().manual_seed(7)
    shapes = {"head.weight": (5, 6), "head.bias": (5,), "pos_embed": (1, 3, 4), "blocks.0.mlp.fc1.weight": (131075,)}
    # the big tensor is rank 1 in torch but named and shaped as a decayed weight in the test (rank 2: 1 x n)
    big = "blocks.0.mlp.fc1.weight"
    ramp = torch.arange(shapes[big][0], dtype=torch.float64)
    params = {n: torch.nn.Parameter(torch.randn(*s, generator=g)) for n, s in shapes.items() if n != big}
    params[big] = torch.nn.Parameter(torch.sin(ramp * 0.37).float())
    decayed = ["head.weight", "blocks.0.mlp.fc1.weight"]
    groups = [{"params": [params[n] for n in decayed], "weight_decay": 0.05},
              {"params": [params[n] for n in shapes if n not in decayed], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    lrs = [2e-3, 4e-3, 3e-3, 1e-3, 5e-4]
    steps = []
    probe = sorted({0, 1, 2, 65535, 65536, 65537, 131071, 131072, 131073, 131074} | set(range(100, 131000, 4357)))

    def stored(n, t):
        t = t.detach().reshape(-1)
        if n != big:
            return t.tolist()
        return {"index": probe, "value": [t[i].item() for i in probe], "sum": t.double().sum().item()}

    init = {n: stored(n, p) for n, p in params.items()}
    for k, lr in enumerate(lrs):
        grads = {n: (torch.randn(*shapes[n], generator=g) * 0.7) for n in shapes if n != big}
        grads[big] = (torch.cos(ramp * 0.11 + k) * 0.7).float()
        for n, p in params.items():
            p.grad = grads[n].clone()
        torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0)
        for group in opt.param_groups:
            group["lr"] = lr
        opt.step()
        steps.append({"lr": lr,
                      "grads": {n: grads[n].reshape(-1).tolist() for n in shapes if n != big},
                      "params": {n: stored(n, p) for n, p in params.items()}})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "adamw_torch.json"), "w") as f:
        json.dump({"torch": torch.__version__, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.05, "clip_norm": 1.0,
                   "shapes": {n: list(s) for n, s in shapes.items()}, "formula": {big: {"init": "sin(0.37 i)", "grad": "0.7 cos(0.11 i + step)"}}, "init": init, "steps": steps}, f)


if __name__ == "__main__":
    main()
