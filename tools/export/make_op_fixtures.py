#!/usr/bin/python3
"""Write the small one-hazard ONNX graphs the importer's unit tests load.

    /usr/bin/python3 tools/export/make_op_fixtures.py [--out DIR] [CASE ...]

Default DIR: dl4j-transfer/src/test/resources/fixtures/ops. Each case becomes DIR/<case>/ with
``model.onnx`` (input "x", output "y", dynamic batch axis 0 unless case.json says "batch_axis": 1),
``x_b1.npy``/``y_b1.npy`` and ``x_b3.npy``/``y_b3.npy`` (batches 1 and 5 for the newer cases; float32, computed
by PyTorch), for cases with "grad" torch's gradients (``probe.npy``, ``w_<param>.npy``, ``grad_<param>.npy``: see
``_write_gradients``) and ``case.json``:
{"case", "description", "opset", "inputs", "outputs", "batch_axis", "op_types" (Counter of the graph's
op types), "initializers" (name -> shape, as written), plus case-specific findings}.

Every graph is checked with ``onnx.checker``; op-type expectations (e.g. that a Constant node, or the
Shape->Gather->Unsqueeze->Concat->Reshape chain, is really present) are asserted. When the NumPy
interpreter ``onnx_eval.py`` next to this script implements every op of a graph, the graph is also
evaluated and compared with the PyTorch outputs.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, onnx 1.12).
"""
import argparse
import collections
import json
import math
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "dl4j-transfer", "src", "test", "resources", "fixtures", "ops")


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------

def _randomize(module, seed):
    """Seeded non-trivial values for every parameter and BatchNorm buffer (norm affine != 1/0)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            r = torch.randn(p.shape, generator=g)
            leaf = name.rsplit(".", 1)[-1]
            if p.dim() >= 2 and leaf.endswith("weight"):
                p.copy_(r / math.sqrt(p[0].numel()))
            elif leaf == "weight":                       # norm scales
                p.copy_(1.0 + 0.3 * r)
            elif leaf.endswith("bias"):
                p.copy_(0.2 * r)
            else:
                p.copy_(0.5 * r)
        for name, b in module.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.3 * torch.randn(b.shape, generator=g))
            elif name.endswith("running_var"):
                b.copy_(0.5 + 1.5 * torch.rand(b.shape, generator=g))
    return module


def _counter(model):
    return dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items()))


class LayerNorm2d(nn.Module):
    """SAM's channel-first LayerNorm (mean/var over dim 1 of NCHW)."""

    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


# --------------------------------------------------------------------------------------------------
# the cases: name -> (description, module factory, per-sample input shape, options)
# --------------------------------------------------------------------------------------------------

class GemmBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 6)

    def forward(self, x):
        return self.lin(x)


class MatMul3d2d(GemmBias):
    pass


class MatMulBatched4d(nn.Module):
    def forward(self, x):
        q, k = torch.chunk(x, 2, dim=-1)                 # (B, 2, 5, 4) each
        return q @ k.transpose(-2, -1)


class ReduceMeanKeepNeg(nn.Module):
    def forward(self, x):
        return x - x.mean(-1, keepdim=True)


class ReduceMeanNoKeep(nn.Module):
    def forward(self, x):
        return x.mean(1)


class Pow2(nn.Module):
    def forward(self, x):
        return x.pow(2) + 0.5 * x.pow(3)


class GatherScalar(nn.Module):
    def forward(self, x):
        return x[:, 0]


class ConstantNode(nn.Module):
    def forward(self, x):
        scale = torch.tensor([0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0, 1.0])
        return x * scale + 2.0


class ShapeSubgraph(nn.Module):
    def forward(self, x):
        y = x.reshape(x.shape[0], x.shape[1], 2, 4).permute(0, 2, 1, 3)
        return y.reshape(x.shape[0], -1)


class LayerNormCase(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(8, eps=1e-6)

    def forward(self, x):
        return self.norm(x)


class GeluErf(nn.Module):
    def forward(self, x):
        return F.gelu(x)


class GeluTanh(nn.Module):
    def forward(self, x):
        return F.gelu(x, approximate="tanh")


class EinsumRelPos(nn.Module):
    """SAM's decomposed relative position terms: x (B, h, w, c) with tables (h, k, c) and (w, k, c)."""

    def __init__(self):
        super().__init__()
        self.rel_h = nn.Parameter(torch.zeros(4, 4, 8))
        self.rel_w = nn.Parameter(torch.zeros(4, 4, 8))

    def forward(self, x):
        a = torch.einsum("bhwc,hkc->bhwk", x, self.rel_h)
        b = torch.einsum("bhwc,wkc->bhwk", x, self.rel_w)
        return a + 2.0 * b


class TiedWeights(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin_a = nn.Linear(8, 8)
        self.lin_b = nn.Linear(8, 8)

    def forward(self, x):
        return self.lin_b(torch.tanh(self.lin_a(x)))


class ExpandCls(nn.Module):
    def __init__(self):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, 8))

    def forward(self, x):
        return torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)


class ConvBnReluMaxPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(6)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(3, 2, 1)

    def forward(self, x):
        return self.pool(self.relu(self.bn(self.conv(x))))


class DepthwiseConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, kernel_size=3, padding=1, groups=4)

    def forward(self, x):
        return self.conv(x)


class SoftmaxAttention(nn.Module):
    def __init__(self, dim=8, heads=2):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, C // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B, N, C))


class LayerNorm2dCase(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = LayerNorm2d(4)

    def forward(self, x):
        return self.norm(x)


class WindowPartitionPad(nn.Module):
    """SAM's window_partition / window_unpartition (shapes taken from x.shape, as the official code
    does), with a per-window mean mixed in so that the padded zeros influence the visible result."""

    ws = 3

    def forward(self, x):
        B, H, W, C = x.shape
        ws = self.ws
        pad_h = (ws - H % ws) % ws
        pad_w = (ws - W % ws) % ws
        x = F.pad(x, (0, 0, 0, pad_w, 0, pad_h))
        Hp, Wp = H + pad_h, W + pad_w
        win = x.view(B, Hp // ws, ws, Wp // ws, ws, C).permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, C)
        win = win + win.mean(dim=(1, 2), keepdim=True)
        Bw = win.shape[0] // (Hp * Wp // ws // ws)
        y = win.view(Bw, Hp // ws, Wp // ws, ws, ws, -1).permute(0, 1, 3, 2, 4, 5).contiguous().view(Bw, Hp, Wp, -1)
        return y[:, :H, :W, :].contiguous()


class MHA(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2)          # batch_first=False, as OpenCLIP uses it

    def forward(self, x):                                # x: (L, B, E)
        return self.attn(x, x, x, need_weights=False)[0]


class AvgPoolFlatten(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return torch.flatten(self.pool(x), 1)


class DropoutMask(nn.Module):
    """swin_t's attention dropout: F.dropout with its default training=True and p=0 writes a Dropout node whose
    mask output is declared, even in an eval-mode export."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)
        self.proj = nn.Linear(8, 6)

    def forward(self, x):
        return self.proj(F.dropout(self.lin(x).softmax(-1), p=0.0))


class HardSwishSE(nn.Module):
    """MobileNetV3's inverted-residual pieces: conv + Hardswish, squeeze-excitation gated by Hardsigmoid."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)
        self.act = nn.Hardswish()
        self.fc1 = nn.Conv2d(8, 4, 1)
        self.fc2 = nn.Conv2d(4, 8, 1)
        self.gate = nn.Hardsigmoid()

    def forward(self, x):
        # scaled so that every piece of both activations (0, the ramp, the identity/1) is reached
        h = self.act(3.0 * self.conv(x))
        s = self.gate(3.0 * self.fc2(torch.relu(self.fc1(h.mean((2, 3), keepdim=True)))))
        return h * s


class GroupedConv(nn.Module):
    """RegNet/ResNeXt grouped convolutions: groups 6 (2 in / 3 out channels per group, stride 2, bias) and groups 3
    (dilation 2, no bias), after a 1x1 conv so the input gradient passes through both."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 12, 1)
        self.g6 = nn.Conv2d(12, 18, 3, stride=2, padding=1, groups=6)
        self.g3 = nn.Conv2d(18, 9, 3, padding=2, dilation=2, groups=3, bias=False)

    def forward(self, x):
        return self.g3(torch.relu(self.g6(self.stem(x))))


class DepthwiseTaps(nn.Module):
    """Depthwise convolutions as SEEM's FocalNet (3x3, 5x5) and ConvNeXt (7x7) have them, imported as sums of shifted
    taps: bias or not, stride 2, dilation 2, after a 1x1 conv so the input gradient passes through all of them."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 6, 1)
        self.dw3 = nn.Conv2d(6, 6, 3, padding=1, groups=6)
        self.dw5 = nn.Conv2d(6, 6, 5, stride=2, padding=2, groups=6, bias=False)
        self.dw3d = nn.Conv2d(6, 6, 3, padding=2, dilation=2, groups=6)
        self.dw7 = nn.Conv2d(6, 6, 7, padding=3, groups=6)

    def forward(self, x):
        x = self.dw3(self.stem(x))
        x = self.dw5(torch.relu(x))
        return self.dw7(self.dw3d(x))


class ClassTokenZeros(nn.Module):
    """A CLIP ViT's class token written the usual way: torch.zeros(x.shape[0], 1, width) + class_embedding, which
    exports as ConstantOfShape of a batch-dependent shape."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 4, stride=4, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(8))
        self.positional_embedding = nn.Parameter(torch.zeros(5, 8))
        self.proj = nn.Linear(8, 6)

    def forward(self, x):
        x = self.conv1(x).flatten(2).transpose(1, 2)
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype, device=x.device)
        return self.proj(torch.cat([cls, x], dim=1) + self.positional_embedding)


class ShiftedWindowMask(nn.Module):
    """torchvision's swin ShiftedWindowAttention (window 3, shift 1, 2 heads) on a 5x5 grid: padded to 6x6, rolled,
    and masked with the shifted-window mask built at run time (ConstantOfShape, ScatterND, Equal, Not, Where,
    Expand), plus the attention Dropout with its mask output."""

    def __init__(self):
        super().__init__()
        from torchvision.models.swin_transformer import ShiftedWindowAttention
        self.attn = ShiftedWindowAttention(8, [3, 3], [1, 1], 2)

    def forward(self, x):
        return self.attn(x)


class ResizeModes(nn.Module):
    """Every Resize form F.interpolate writes in torch 1.13 (no antialias: torch 1.13 cannot export it): nearest
    (asymmetric, floor), bilinear and bicubic (half_pixel; align_corners), up and down, sizes and scales; after a
    1x1 conv so the gradient passes through each."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 1)

    def forward(self, x):
        x = self.conv(x)
        parts = [F.interpolate(x, size=(7, 9), mode="nearest"),
                 F.interpolate(x, size=(3, 4), mode="nearest"),
                 F.interpolate(x, size=(7, 9), mode="bilinear"),
                 F.interpolate(x, size=(3, 4), mode="bilinear", align_corners=True),
                 F.interpolate(x, size=(7, 9), mode="bicubic"),
                 F.interpolate(x, size=(4, 3), mode="bicubic"),
                 F.interpolate(x, scale_factor=(1.5, 0.5), mode="bicubic", align_corners=True),
                 F.interpolate(x, scale_factor=2, mode="bilinear")]
        return torch.cat([p.flatten(1) for p in parts], 1)


class InterpolatedPosEmbed(nn.Module):
    """DINOv2's interpolate_pos_encoding as the upstream hub model runs it when the patch grid (6x6 here) differs from
    the trained one (4x4): the position embedding (a weight) is resized bicubically in the graph with
    scale_factor=((6 + 0.1) / 4, ...)."""

    def __init__(self):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, 8, 2, stride=2)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, 8))
        self.pos_embed = nn.Parameter(torch.zeros(1, 17, 8))
        self.head = nn.Linear(8, 6)

    def forward(self, x):
        b, _, h, w = x.shape
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat((self.cls_token.expand(b, -1, -1), x), dim=1)
        m = 4
        w0, h0 = w // 2 + 0.1, h // 2 + 0.1
        patch = F.interpolate(self.pos_embed[:, 1:].reshape(1, m, m, 8).permute(0, 3, 1, 2),
                              scale_factor=(float(w0) / m, float(h0) / m), mode="bicubic")
        patch = patch.permute(0, 2, 3, 1).view(1, -1, 8)
        return self.head(x + torch.cat((self.pos_embed[:, :1], patch), dim=1))


class MaxPoolCeil(nn.Module):
    """GoogLeNet's and SqueezeNet's ceil-mode max pools: the partial last window (8 -> 4, not 3), with padding
    (4 -> 3, not 2), and a 2x2/2 pool on an odd size (3 -> 2); after a 1x1 conv so the gradient passes through each."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.pool2 = nn.MaxPool2d(3, 2, padding=1, ceil_mode=True)
        self.pool3 = nn.MaxPool2d(2, 2, ceil_mode=True)

    def forward(self, x):
        a = self.pool1(self.conv(x))
        b = self.pool2(a)
        return torch.cat([a.flatten(1), b.flatten(1), self.pool3(b).flatten(1)], 1)


CASES = {
    "gemm_bias": ("nn.Linear(8, 6) on (B, 8): a Gemm with transB=1 and the bias as input C", GemmBias, (8,), {}),
    "matmul_3d_2d": ("nn.Linear(8, 6) on (B, 5, 8): MatMul with a pre-transposed (8, 6) weight initializer "
                     "(still named lin.weight) + Add of the bias", MatMul3d2d, (5, 8), {}),
    "matmul_batched_4d": ("q @ k^T on (B, 2, 5, 4) halves of one (B, 2, 5, 8) input: Split + Transpose + "
                          "4-D batched MatMul", MatMulBatched4d, (2, 5, 8), {}),
    "reduce_mean_keepdims_neg": ("x - x.mean(-1, keepdim=True): ReduceMean over a negative axis with "
                                 "keepdims=1, broadcast Sub", ReduceMeanKeepNeg, (5, 8), {}),
    "reduce_mean_nokeep": ("x.mean(1) on (B, 5, 8): ReduceMean keepdims=0 (rank drops)", ReduceMeanNoKeep, (5, 8), {}),
    "pow2": ("x^2 + 0.5*x^3: Pow with scalar float exponents (negative bases with an odd exponent)",
             Pow2, (5, 8), {}),
    "gather_scalar": ("x[:, 0] on (B, 5, 8): Gather with a 0-d (scalar) index, rank drops",
                      GatherScalar, (5, 8), {}),
    "constant_node": ("x * tensor([...]) + 2.0: values carried by Constant nodes (not initializers)",
                      ConstantNode, (5, 8), {"expect": ["Constant"]}),
    "shape_subgraph": ("reshape with sizes read from x.shape: Shape -> Gather -> Unsqueeze -> Concat -> "
                       "Reshape computes the target shape at run time", ShapeSubgraph, (5, 8),
                       {"expect": ["Shape", "Gather", "Unsqueeze", "Concat", "Reshape"]}),
    "layernorm_opset17": ("nn.LayerNorm(8, eps=1e-6), random affine, opset 17: one LayerNormalization op",
                          LayerNormCase, (5, 8), {"expect": ["LayerNormalization"]}),
    "layernorm_opset14": ("the same LayerNorm at opset 14: decomposed into ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add",
                          LayerNormCase, (5, 8), {"opset": 14, "forbid": ["LayerNormalization"]}),
    "gelu_erf": ("nn.GELU(): exact GELU written as Div/Erf/Add/Mul", GeluErf, (5, 8), {"expect": ["Erf"]}),
    "gelu_tanh": ("nn.GELU(approximate='tanh'): the tanh approximation written out with Pow/Tanh",
                  GeluTanh, (5, 8), {"expect": ["Tanh"]}),
    "einsum_relpos": ("SAM decomposed relative position: einsum 'bhwc,hkc->bhwk' and 'bhwc,wkc->bhwk' with "
                      "parameter tables (Einsum nodes with an equation attribute)", EinsumRelPos, (4, 4, 8),
                      {"expect": ["Einsum"]}),
    "tied_weights": ("two nn.Linear with identical (copied) weights: how torch 1.13 writes duplicate "
                     "initializers", TiedWeights, (8,), {"tie": True}),
    "expand_cls": ("cls_token.expand(B, -1, -1) concatenated in front of x: Expand with a run-time shape, "
                   "Concat on axis 1", ExpandCls, (5, 8), {"expect": ["Expand", "Concat"]}),
    "conv_bn_relu_maxpool": ("Conv2d 3x3/2 pad 1 (no bias) + BatchNorm2d (random running stats) + ReLU + "
                             "MaxPool2d(3, 2, 1) on (B, 3, 16, 16), exported with TrainingMode.PRESERVE so the "
                             "BatchNormalization node (training_mode=0) and parameter names are kept",
                             ConvBnReluMaxPool, (3, 16, 16), {"training": "PRESERVE",
                                                              "expect": ["BatchNormalization", "MaxPool"]}),
    "conv_bn_folded": ("the same Conv+BN+ReLU+MaxPool exported the default way (TrainingMode.EVAL): torch folds "
                       "BN into the Conv and renames its weight/bias to anonymous onnx::Conv_* initializers",
                       ConvBnReluMaxPool, (3, 16, 16), {"forbid": ["BatchNormalization"], "seed_as": "conv_bn_relu_maxpool"}),
    "depthwise_conv": ("Conv2d(4, 4, 3, padding=1, groups=4) with bias on (B, 4, 8, 8): grouped/depthwise Conv",
                       DepthwiseConv, (4, 8, 8), {}),
    "softmax_attention": ("a small multi-head self-attention (qkv Linear, reshape to 2 heads, "
                          "softmax(q k^T * scale) v, proj) on (B, 5, 8)", SoftmaxAttention, (5, 8),
                          {"expect": ["Softmax"]}),
    "layernorm2d": ("SAM's LayerNorm2d: mean/var over the channel axis 1 of NCHW, affine via weight[:, None, None]",
                    LayerNorm2dCase, (4, 6, 6), {}),
    "window_partition_pad": ("SAM window partition/unpartition with window 3 on a 5x5 grid (pad to 6x6 via F.pad, "
                             "pads computed from x.shape), per-window mean, crop back", WindowPartitionPad,
                             (5, 5, 4), {"expect": ["Pad"]}),
    "multihead_attention": ("nn.MultiheadAttention(8, 2), batch_first=False, need_weights=False, as OpenCLIP "
                            "uses it, on (5, B, 8): the batch is axis 1 of input and output", MHA, (5, None, 8),
                            {"batch_axis": 1}),
    "avgpool_flatten": ("AdaptiveAvgPool2d(1) + flatten(1) on (B, 4, 5, 5): GlobalAveragePool + Flatten",
                        AvgPoolFlatten, (4, 5, 5), {"expect": ["GlobalAveragePool", "Flatten"]}),
    # what torchvision's swin_t, regnet_y_400mf, mobilenet_v3_small and CLIP/DINOv2 written the usual way need;
    # batch 1 and 5 from one dynamic-batch file, and torch's gradients of sum(y * probe) at batch 5
    "dropout_mask": ("F.dropout(softmax(lin(x)), p=0) as swin_t's attention writes it: a Dropout node with its mask "
                     "output declared", DropoutMask, (5, 8), {"expect": ["Dropout"], "batches": (1, 5), "grad": True}),
    "hardswish_se": ("MobileNetV3 pieces: Conv + Hardswish, squeeze-excitation gated by Hardsigmoid",
                     HardSwishSE, (4, 6, 6), {"expect": ["HardSwish", "HardSigmoid"], "batches": (1, 5), "grad": True}),
    "grouped_conv": ("1x1 conv, grouped conv groups=6 stride 2 with bias, grouped conv groups=3 dilation 2 without",
                     GroupedConv, (3, 8, 8), {"expect": ["Conv"], "batches": (1, 5), "grad": True}),
    "class_token_zeros": ("CLIP's class token as torch.zeros(x.shape[0], 1, width) + class_embedding: "
                          "ConstantOfShape whose shape holds the batch", ClassTokenZeros, (3, 8, 8),
                          {"expect": ["ConstantOfShape"], "batches": (1, 5), "grad": True}),
    "shifted_window_mask": ("torchvision swin ShiftedWindowAttention(8, window 3, shift 1, 2 heads) on (B, 5, 5, 8): "
                            "pad, roll, run-time shifted-window mask, attention dropout", ShiftedWindowMask, (5, 5, 8),
                            {"expect": ["ScatterND", "Equal", "Not", "Where", "Expand", "ConstantOfShape", "Dropout"],
                             "batches": (1, 5), "grad": True}),
    "resize_modes": ("F.interpolate nearest / bilinear / bicubic, align_corners or not, up and down, sizes and "
                     "scales on (B, 2, 5, 6)", ResizeModes, (3, 5, 6),
                     {"expect": ["Resize"], "batches": (1, 5), "grad": True}),
    "interpolated_pos_embed": ("DINOv2's position embedding (4x4 grid) resized bicubically in the graph to a 6x6 "
                               "patch grid", InterpolatedPosEmbed, (3, 12, 12),
                               {"expect": ["Resize"], "batches": (1, 5), "grad": True}),
    # what the torchvision sweep added
    "maxpool_ceil": ("MaxPool2d(3, 2, ceil_mode=True) on 8x8, MaxPool2d(3, 2, 1, ceil_mode=True), MaxPool2d(2, 2, "
                     "ceil_mode=True) on 3x3", MaxPoolCeil, (3, 8, 8),
                     {"expect": ["MaxPool"], "batches": (1, 5), "grad": True}),
    # depthwise convolutions imported as sums of taps (performance round 2)
    "depthwise_taps": ("depthwise Conv 3x3 (bias), 5x5 stride 2 (no bias), 3x3 dilation 2, 7x7 on (B, 3, 12, 12) after "
                       "a 1x1 conv", DepthwiseTaps, (3, 12, 12), {"expect": ["Conv"], "batches": (1, 5), "grad": True}),
}


def _shape(sample_shape, batch, axis):
    if axis == 0:
        return (batch,) + tuple(sample_shape)
    s = list(sample_shape)
    s[axis] = batch
    return tuple(s)


def _try_eval(path, x):
    """Evaluate with onnx_eval.py when it implements every op of the graph; else return a reason."""
    try:
        sys.path.insert(0, HERE)
        import onnx_eval
    except Exception as e:  # pragma: no cover
        return None, f"onnx_eval unavailable ({e})"
    try:
        return onnx_eval.run(path, {"x": x})["y"], None
    except NotImplementedError as e:
        return None, str(e)


def _write_gradients(model, x, m, d, g):
    """torch's gradients of sum(y * probe) for every parameter the graph holds as a weight (its values, perhaps
    transposed or re-laid out, are an initializer's): probe.npy, w_<param>.npy (the values) and grad_<param>.npy.
    A test finds the imported weight by its values, so the comparison does not depend on names or layouts.
    Parameters torch folds into other constants (e.g. a gathered bias table) are listed as not checked."""
    inits = [np.sort(numpy_helper.to_array(t).astype(np.float32).ravel()) for t in m.graph.initializer]
    model.zero_grad()
    y = model(x)
    probe = torch.randn(y.shape, generator=g)
    (y * probe).sum().backward()
    np.save(os.path.join(d, "probe.npy"), np.ascontiguousarray(probe.numpy(), dtype=np.float32))
    checked, folded = [], []
    for pname, p in model.named_parameters():
        values = p.detach().numpy().astype(np.float32)
        if not any(s.size == values.size and np.array_equal(s, np.sort(values.ravel())) for s in inits):
            folded.append(pname)
            continue
        assert len(np.unique(values)) == values.size, f"{pname}: values must be distinct to find them again"
        np.save(os.path.join(d, f"w_{pname}.npy"), np.ascontiguousarray(values))
        np.save(os.path.join(d, f"grad_{pname}.npy"), np.ascontiguousarray(p.grad.numpy(), dtype=np.float32))
        checked.append(pname)
    assert checked, "no parameter to check"
    return {"loss": "sum(y * probe) at the largest batch", "checked": checked, "not_checked_folded": folded}


def make_case(name, out_root, seed):
    desc, factory, sample_shape, opts = CASES[name]
    opset = opts.get("opset", 17)
    axis = opts.get("batch_axis", 0)
    torch.manual_seed(seed)
    model = _randomize(factory(), seed)
    if opts.get("tie"):
        with torch.no_grad():
            model.lin_b.weight.copy_(model.lin_a.weight)
            model.lin_b.bias.copy_(model.lin_a.bias)
    model.eval()

    d = os.path.join(out_root, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    path = os.path.join(d, "model.onnx")
    g = torch.Generator().manual_seed(seed + 1)
    example = torch.randn(_shape(sample_shape, 2, axis), generator=g)
    training = getattr(torch.onnx.TrainingMode, opts.get("training", "EVAL"))
    with torch.no_grad():
        torch.onnx.export(model, example, path, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {axis: "batch"}, "y": {axis: "batch"}},
                          opset_version=opset, do_constant_folding=True, training=training)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = _counter(m)
    for op in opts.get("expect", []):
        assert op in ops, f"{name}: expected a {op} node, got {ops}"
    for op in opts.get("forbid", []):
        assert op not in ops, f"{name}: did not expect {op}, got {ops}"

    info = {"case": name, "description": desc, "opset": opset, "inputs": ["x"], "outputs": ["y"],
            "batch_axis": axis, "export_training_mode": training.name}
    worst = 0.0
    eval_note = None
    batches = opts.get("batches", (1, 3))
    info["batches"] = list(batches)
    for b in batches:
        x = torch.randn(_shape(sample_shape, b, axis), generator=g)
        with torch.no_grad():
            y = model(x)
        if opts.get("grad") and b == max(batches):
            info["gradients"] = _write_gradients(model, x, m, d, g)
        xn = np.ascontiguousarray(x.numpy(), dtype=np.float32)   # C order in the .npy header
        yn = np.ascontiguousarray(y.numpy(), dtype=np.float32)
        np.save(os.path.join(d, f"x_b{b}.npy"), xn)
        np.save(os.path.join(d, f"y_b{b}.npy"), yn)
        info[f"x_b{b}_shape"], info[f"y_b{b}_shape"] = list(xn.shape), list(yn.shape)
        got, why = _try_eval(path, xn)
        if got is None:
            eval_note = why
        else:
            assert got.shape == yn.shape, f"{name}: onnx_eval shape {got.shape} vs torch {yn.shape}"
            worst = max(worst, float(np.abs(got - yn).max() / max(1e-6, np.abs(yn).max())))
    assert worst < 1e-5, f"{name}: onnx_eval differs from torch (rel {worst:.2e})"

    info["op_types"] = ops
    # names exactly as torch wrote them (common.restore_param_names is NOT applied to these graphs)
    info["initializers"] = {t.name: list(t.dims) for t in m.graph.initializer}
    inits = {t.name for t in m.graph.initializer}
    anon = sorted(n for n in inits if n.startswith("onnx::") or "::" in n)
    if anon:
        info["anonymous_initializers"] = anon
    ident = [{"from": n.input[0], "to": n.output[0]} for n in m.graph.node
             if n.op_type == "Identity" and n.input[0] in inits]
    if ident:
        info["identity_from_initializer"] = ident
    if name == "tied_weights":
        uses = collections.Counter(i for n in m.graph.node for i in n.input if i in inits)
        shared = sorted(k for k, v in uses.items() if v > 1)
        info["tied_form"] = ("identity_from_initializer" if ident else
                             "shared_initializer" if shared else "separate_initializers")
        info["tied_shared_initializers"] = shared
    if name == "einsum_relpos":
        info["einsum_equations"] = [onnx.helper.get_attribute_value(a).decode()
                                    for n in m.graph.node if n.op_type == "Einsum"
                                    for a in n.attribute if a.name == "equation"]
    if name == "multihead_attention":
        info["note"] = ("batch is axis 1 (L, B, E) on input and output; the dynamic axis is 1. in_proj is a "
                        "MatMul with the folded in_proj_weight^T (anonymous onnx::MatMul_* name), out_proj a Gemm")
    if name == "matmul_batched_4d":
        info["note"] = ("torch.chunk exports as two Slice ops whose bounds are computed from Shape/Gather/Div/Mul "
                        "at run time (no Split)")
    if name == "expand_cls":
        info["note"] = ("expand(B, -1, -1) exports as Expand whose shape comes from Shape/Gather/Concat plus "
                        "ConstantOfShape/Equal/Where replacing the -1 entries")
    if name == "matmul_3d_2d":
        info["note"] = "the weight initializer holds W^T (8, 6) under an anonymous onnx::MatMul_* name"
    if name == "window_partition_pad":
        info["note"] = ("the pads input of Pad is computed at run time (ConstantOfShape/Concat/Reshape/Slice/"
                        "Transpose/Cast chain) even though its values are constant")
    info["verified_with_onnx_eval"] = eval_note is None
    if eval_note:
        info["onnx_eval_skipped"] = eval_note
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump(info, f, indent=2)
    size = sum(os.path.getsize(os.path.join(d, fn)) for fn in os.listdir(d))
    assert size < 200 * 1024, f"{name}: {size} bytes"
    return info, size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("cases", nargs="*", help=f"default: all ({', '.join(CASES)})")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)   # constant_node's torch.tensor
    warnings.filterwarnings("ignore", message=".*constant folding.*")      # conv_bn_relu_maxpool (PRESERVE)
    names = args.cases or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        ap.error(f"unknown case(s) {unknown}")
    out = os.path.abspath(args.out)
    seeds = {n: 100 + i for i, n in enumerate(CASES)}
    for name in names:
        seed = seeds[CASES[name][3].get("seed_as", name)]
        info, size = make_case(name, out, seed)
        ev = "verified" if info["verified_with_onnx_eval"] else "not evaluated: " + info["onnx_eval_skipped"]
        print(f"{name:26s} opset {info['opset']:2d} {size:6d} B  {info['op_types']}  [{ev}]")
        for k in ("tied_form", "anonymous_initializers", "identity_from_initializer", "einsum_equations"):
            if k in info:
                print(f"{'':26s} {k}: {info[k]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
