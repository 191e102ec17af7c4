#!/usr/bin/python3
"""PyTorch 1.13 CPU peer for PerfBench: the same architecture as the ONNX export (tools/export families,
random weights), one workload per process so that ru_maxrss is that workload's peak.

    /usr/bin/python3 tools/perf/torch_bench.py --family deit-b16 --workload fwd --batch 8 --reps 3
    workloads: fwd | unfrozen-linear | unfrozen-deit | head | sgemm | flops
Prints one line: PERF {json}. Threads: torch.get_num_threads() (OMP_NUM_THREADS, default all cores).

unfrozen-linear: backbone features -> Linear(C, 10), softmax CE, backward, AdamW step (all weights).
unfrozen-deit:   backbone tokens -> Linear(C, 768) + LayerNorm -> DeiT-B body (deit-tail, pos_embed
                 for the backbone's token grid) -> Linear(768, 10), same loss/optimiser.
head:            frozen-linear on cached features: Linear(C, 10) alone.
Models stay in eval() mode (BatchNorm uses running statistics, no dropout) like the imported graph.
"""
import argparse
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "export"))

import torch  # noqa: E402


def build_backbone(family):
    import export
    mod = export.load_family(family)
    model, meta = mod.build(False, None)
    return model.eval(), meta


def timed(fn, reps):
    t0 = time.perf_counter()
    fn()
    warm = time.perf_counter() - t0
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return warm, ts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--family")
    ap.add_argument("--workload", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--n", type=int, default=2048)
    args = ap.parse_args()
    torch.manual_seed(0)
    r = {"workload": "torch-" + args.workload, "torch": torch.__version__, "threads": torch.get_num_threads(),
         "batch": args.batch}
    start = time.perf_counter()
    B = args.batch
    if args.workload == "sgemm":
        n = args.n
        a, b = torch.rand(n, n), torch.rand(n, n)
        warm, ts = timed(lambda: torch.mm(a, b), args.reps)
        r.update(n=n, gflops=2 * n ** 3 / min(ts) / 1e9)
    elif args.workload == "flops":
        model, meta = build_backbone(args.family)
        x = torch.randn(1, *meta["image_size"])
        r.update(macs=count_macs(model, x))
        warm, ts = 0.0, [0.0]
    elif args.workload == "head":
        dim = args.n
        head = torch.nn.Linear(dim, 10)
        opt = torch.optim.AdamW(head.parameters(), lr=1e-4, weight_decay=0.05)
        x, y = torch.randn(B, dim), torch.arange(B) % 10

        def step():
            opt.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(head(x), y).backward()
            opt.step()
        warm, ts = timed(step, args.reps)
    else:
        model, meta = build_backbone(args.family)
        x = torch.randn(B, *meta["image_size"])
        r["parameters"] = sum(p.numel() for p in model.parameters())
        if args.workload == "fwd":
            def fwd():
                with torch.no_grad():
                    model(x)
            warm, ts = timed(fwd, args.reps)
        else:
            y = torch.arange(B) % 10
            import common
            names = common.output_names(model, meta)      # families may return the study's taps as well
            fi, ti = names.index(meta["outputs"]["features"]), names.index(meta["outputs"]["tokens"])
            with torch.no_grad():
                outs = model(x[:1])
                feats, toks = outs[fi], outs[ti]
            if args.workload == "unfrozen-linear":
                head = torch.nn.Linear(feats.shape[-1], 10)
                params = list(model.parameters()) + list(head.parameters())

                def logits():
                    return head(model(x)[fi])
            elif args.workload == "unfrozen-deit":
                import export
                n, c = toks.shape[1], toks.shape[2]
                tail, _ = export.load_family("deit-tail").build(False, None, num_tokens=n)
                tail = tail.eval()
                proj = torch.nn.Sequential(torch.nn.Linear(c, 768), torch.nn.LayerNorm(768, eps=1e-6))
                head = torch.nn.Linear(768, 10)
                params = list(model.parameters()) + list(proj.parameters()) + list(tail.parameters()) + list(head.parameters())

                def logits():
                    return head(tail(proj(model(x)[ti])))
            else:
                raise SystemExit("unknown workload " + args.workload)
            r["trainableParameters"] = sum(p.numel() for p in params)
            opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.05)

            def step():
                opt.zero_grad(set_to_none=True)
                torch.nn.functional.cross_entropy(logits(), y).backward()
                opt.step()
            warm, ts = timed(step, args.reps)
    med = sorted(ts)[len(ts) // 2]
    best = min(ts)
    r.update(warmupSeconds=warm, seconds=ts, medianSeconds=med, bestSeconds=best,
             imagesPerSecond=B / best if best > 0 else None, imagesPerSecondMedian=B / med if med > 0 else None,
             wallSeconds=time.perf_counter() - start,
             peakRssBytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print("PERF " + json.dumps(r), flush=True)


def count_macs(model, x):
    """Multiply-accumulates of Conv2d, Linear and matmul (@) in one forward, via hooks and a
    __torch_function__ mode for matmul; elementwise ops, softmax and norms are not counted."""
    macs = {"conv": 0, "linear": 0, "matmul": 0}

    def conv_hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        macs["conv"] += out.numel() * k

    def lin_hook(m, inp, out):
        macs["linear"] += out.numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, torch.nn.Linear):
            hooks.append(m.register_forward_hook(lin_hook))

    class MatmulCounter(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            if func in (torch.matmul, torch.Tensor.matmul, torch.Tensor.__matmul__, torch.bmm, torch.einsum):
                if func is torch.einsum:
                    return out  # none of the four benchmark backbones uses einsum in forward
                a = args[0]
                macs["matmul"] += out.numel() * a.shape[-1]
            return out

    with torch.no_grad(), MatmulCounter():
        model(x)
    for h in hooks:
        h.remove()
    macs["total"] = sum(macs.values())
    return macs


if __name__ == "__main__":
    main()
