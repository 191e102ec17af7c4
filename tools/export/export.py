#!/usr/bin/python3
"""Export one backbone family to ONNX + sidecar + reference outputs.

    /usr/bin/python3 tools/export/export.py --family NAME [--tiny] [--weights FILE [--allow-missing REGEX]...
                                            [--strip-prefix PREFIX]...] [--opset 17] --out DIR
    /usr/bin/python3 tools/export/export.py --list

With --weights, every model tensor must come from the checkpoint: a missing one fails the export (exit 1,
naming the missing and unexpected keys) unless an --allow-missing regex matches the whole key.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, onnx 1.12).
"""
import argparse
import importlib
import inspect
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

# preset name -> module under families/
PRESETS = {
    "dinov2-vitb14": "dinov2",
    "deit-b16": "deit",
    "dino-vitb16": "dino",
    "openclip-vitb16": "openclip",
    "blip-vitb16": "blip",
    "deit-tail": "deit_tail",
    "sam-vitb": "sam",
    "seem-focalnet-t": "focalnet",
    "resnet152": "resnet",
    "convnext-t": "convnext",          # not a study backbone: the depthwise-convolution row of docs/performance.md
}


def load_family(name):
    if name not in PRESETS:
        raise SystemExit(f"unknown family {name!r}; known: {', '.join(PRESETS)}")
    return importlib.import_module(f"families.{PRESETS[name]}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", help="preset name (see --list)")
    ap.add_argument("--tiny", action="store_true", help="the small random-weight variant used for test fixtures")
    ap.add_argument("--weights", help="official checkpoint to load by parameter name; every model tensor must load")
    ap.add_argument("--allow-missing", action="append", default=[], metavar="REGEX",
                    help="with --weights: accept model tensors the checkpoint lacks when this regex matches the "
                         "whole key (repeatable; '.*' accepts a random model)")
    ap.add_argument("--strip-prefix", action="append", default=[], metavar="PREFIX",
                    help="with --weights: remove PREFIX from the front of every checkpoint key before the "
                         "family's own unwrapping (repeatable)")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--tokens", type=int, help="deit-tail only: number of input tokens N (a square)")
    ap.add_argument("--quick-gelu", action="store_true",
                    help="openclip-vitb16 only: QuickGELU x*sigmoid(1.702x) (OpenAI / -quickgelu weights) instead of GELU")
    ap.add_argument("--blip-feature-token", choices=("cls", "1"),
                    help="blip-vitb16 only: what the modern 'features' output is: cls (token 0, default) or 1 "
                         "(token 1 after the final norm, the study's feature); the study section always names token 1")
    ap.add_argument("--list", action="store_true", help="list the preset names and exit")
    args = ap.parse_args(argv)

    if args.list:
        for name, mod in PRESETS.items():
            present = os.path.exists(os.path.join(HERE, "families", mod + ".py"))
            print(f"{name:18s} families/{mod}.py{'' if present else '  (missing)'}")
        return 0
    if not args.family or not args.out:
        ap.error("--family and --out are required (or --list)")

    if (args.allow_missing or args.strip_prefix) and not args.weights:
        ap.error("--allow-missing and --strip-prefix need --weights")
    for pat in args.allow_missing:
        try:
            re.compile(pat)
        except re.error as e:
            ap.error(f"--allow-missing {pat!r} is not a regular expression: {e}")

    import torch
    import checkpoint
    torch.set_num_threads(1)          # deterministic, bit-identical references from run to run
    mod = load_family(args.family)
    kwargs = {}
    if args.tokens is not None:
        if "num_tokens" not in inspect.signature(mod.build).parameters:
            ap.error(f"--tokens is not supported by {args.family}")
        kwargs["num_tokens"] = args.tokens
    if args.quick_gelu:
        if "quick_gelu" not in inspect.signature(mod.build).parameters:
            ap.error(f"--quick-gelu is not supported by {args.family}")
        kwargs["quick_gelu"] = True
    if args.blip_feature_token is not None:
        if "feature_token" not in inspect.signature(mod.build).parameters:
            ap.error(f"--blip-feature-token is not supported by {args.family}")
        kwargs["feature_token"] = args.blip_feature_token
    t0 = time.time()
    checkpoint.reset(args.strip_prefix)
    model, meta = mod.build(args.tiny, args.weights, **kwargs)
    model.eval()
    if args.weights:
        meta.update(checkpoint.verify(args.weights, args.allow_missing))   # exits when tensors stay random
    else:
        meta.update(weights_sha256=None, tensors_loaded=0, tensors_total=len(checkpoint.counted_keys(model)))
    if hasattr(mod, "export"):
        path = mod.export(model, meta, args.out, opset=args.opset)
    else:
        import common
        path = common.export_backbone(model, meta, args.out, opset=args.opset)
    print(f"{args.family} ({'tiny' if args.tiny else 'full'}): {path} "
          f"{os.path.getsize(path) / 2**20:.2f} MiB in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
