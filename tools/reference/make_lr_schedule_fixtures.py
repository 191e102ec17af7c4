#!/usr/bin/python3
"""Reference learning rates of the study's warm-up scheduler (Palés Huix et al., WACV 2024).

Writes dl4j-transfer/src/test/resources/fixtures/lr_schedule/study_warmup.json for StudyLearningRateScheduleTest:
per case, the learning rate each optimiser step of the study's training loop runs with.

The scheduler is the study's own logic, re-implemented here on torch's _LRScheduler (study: utils/_utils.py:116-165
LinearWarmup, :277-323 MixedLRScheduler; defaults/wrappers.py:254-319 init_scheduler; defaults/trainer.py:93-126
global_step; classification.py:103-112 update_warmup; params.json:204-251):

  * LinearWarmup sets every group's lr to eta_min (default 1e-8), then _LRScheduler's constructor takes its first
    step, so the first optimiser step already runs at eta_min + (max_lr - eta_min) / W;
  * each step adds (1 / W) * (max_lr - eta_min) to the group's current lr while last_epoch <= W (accumulated in
    float64, not a closed form), then keeps it: from optimiser step W + 1 (1-based) on the rate is
    eta_min + (W + 1) * (max_lr - eta_min) / W, one increment above max_lr;
  * W = warmup_epochs * steps_per_epoch if warmup_epochs else warmup_iters; both 0 gives W = 1;
  * MixedLRScheduler.step() runs after every optimiser step (iteration-based), and with the study's scheduler
    list ["LinearWarmup"] nothing else changes the rate.

Run with Debian's interpreter (apt-get install -y python3-torch), not a pyenv python:

    /usr/bin/python3 tools/reference/make_lr_schedule_fixtures.py
"""
import json
import os
import warnings

import torch
from torch.optim.lr_scheduler import _LRScheduler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "dl4j-transfer", "src", "test", "resources", "fixtures", "lr_schedule")


class LinearWarmup(_LRScheduler):
    """The study's LinearWarmup (utils/_utils.py:116-165), same arithmetic and order."""

    def __init__(self, optimizer, max_lr, warmup_iters=0, warmup_epochs=0,
                 eta_min=1e-8, last_epoch=-1, steps_per_epoch=None):
        if warmup_iters and warmup_epochs:
            warmup_iters = steps_per_epoch * warmup_epochs
        if not warmup_iters and not warmup_epochs:
            warmup_iters = 1
        elif warmup_epochs:
            warmup_iters = steps_per_epoch * warmup_epochs
        self.warmup_iters = warmup_iters
        self.eta_min = eta_min
        self.max_lr = max_lr
        for group in optimizer.param_groups:
            group['lr'] = self.eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == -1:
            return [self.eta_min for _ in self.optimizer.param_groups]
        elif self.last_epoch > self.warmup_iters:
            return [group['lr'] for group in self.optimizer.param_groups]
        else:
            return [group['lr'] + (1 / self.warmup_iters) * (self.max_lr - self.eta_min)
                    for group in self.optimizer.param_groups]


class MixedLRScheduler:
    """The iteration-based branch of the study's MixedLRScheduler (utils/_utils.py:277-323)."""

    def __init__(self, schedulers):
        self.schedulers = schedulers
        self.iter = 0

    def step(self):
        self.iter += 1
        for sch in self.schedulers:
            sch.step()


def rates(max_lr, steps, warmup_epochs=0, warmup_iters=0, steps_per_epoch=None):
    """The rate of each of the first `steps` optimiser steps, read where AdamW reads it (at optimizer.step())."""
    p = torch.nn.Parameter(torch.zeros(1))
    # Two groups, as the study's init_optimizer makes (decayed and not); both follow the same schedule.
    opt = torch.optim.AdamW([{"params": [p]}, {"params": [], "weight_decay": 0.0}], lr=max_lr, weight_decay=1e-5)
    sch = MixedLRScheduler([LinearWarmup(opt, max_lr, warmup_iters=warmup_iters, warmup_epochs=warmup_epochs,
                                         steps_per_epoch=steps_per_epoch)])
    out = []
    for _ in range(steps):
        lrs = {g['lr'] for g in opt.param_groups}
        assert len(lrs) == 1
        out.append(lrs.pop())
        p.grad = torch.ones(1)
        opt.step()
        sch.step()
    return out, sch.schedulers[0].warmup_iters


CASES = [
    # (key, max_lr, warmup_epochs, warmup_iters, steps_per_epoch, steps): APTOS2019/DDSM use 5 epochs,
    # ISIC2019/CheXpert 1000 iterations (classification.py:103-112); Camelyon sets neither, so W = 1.
    ("epochs5_steps7", 1e-4, 5, 0, 7, 60),
    ("epochs5_steps3_lr1e-3", 1e-3, 5, 0, 3, 30),
    ("iterations1000", 1e-4, 0, 1000, 41, 1010),
    ("neither", 1e-4, 0, 0, 41, 6),
]


def main():
    warnings.simplefilter("ignore")
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for key, lr, we, wi, spe, n in CASES:
        r, w = rates(lr, n, warmup_epochs=we, warmup_iters=wi, steps_per_epoch=spe)
        cases.append({"key": key, "max_lr": lr, "eta_min": 1e-8, "warmup_epochs": we, "warmup_iters": wi,
                      "steps_per_epoch": spe, "warmup_steps": w, "rates": r})
    meta = {"torch": torch.__version__, "script": "tools/reference/make_lr_schedule_fixtures.py"}
    with open(os.path.join(OUT, "study_warmup.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
