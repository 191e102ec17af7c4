"""A small, slow, independent NumPy interpreter for the ONNX graphs these exporters write.

onnxruntime is not installed on the build machines, so this is how an export is checked against its
PyTorch reference: the graph is evaluated node by node in float64 (integers stay integers) from the
ONNX file alone, with ONNX semantics (not torch's). Only the operators the exporters emit are
implemented; an unknown operator raises ``NotImplementedError`` naming it.

    from onnx_eval import run
    outputs = run("model.onnx", {"images": x})   # dict name -> np.ndarray
"""
import math

import numpy as np
import onnx
from onnx import mapping, numpy_helper

_F = np.float64


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _np_dtype(onnx_type):
    dt = mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]
    return _F if np.issubdtype(dt, np.floating) else dt


def _as_value(t):
    a = numpy_helper.to_array(t)
    return a.astype(_F) if np.issubdtype(a.dtype, np.floating) else a


def _erf(x):
    try:
        import torch
        return torch.special.erf(torch.from_numpy(np.ascontiguousarray(x))).numpy()
    except ImportError:  # pragma: no cover
        return np.vectorize(math.erf)(x)


def _bcast_div(a, b):
    if np.issubdtype(np.result_type(a, b), np.integer):
        q = np.abs(a) // np.abs(b)
        return (np.sign(a) * np.sign(b) * q).astype(np.result_type(a, b))
    return a / b


def _conv(x, w, b, at):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    group = at.get("group", 1)
    sh, sw = at.get("strides", [1, 1])
    dh, dw = at.get("dilations", [1, 1])
    pads = at.get("pads", [0, 0, 0, 0])
    if at.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("Conv auto_pad")
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, m, oh, ow), dtype=_F)
    mg = m // group
    for gi in range(group):
        xs = x[:, gi * cg:(gi + 1) * cg]
        ws = w[gi * mg:(gi + 1) * mg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
                out[:, gi * mg:(gi + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, ws[:, :, i, j], optimize=True)
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _slice(x, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else [int(a) % x.ndim for a in axes]
    steps = [1] * len(starts) if steps is None else steps
    sl = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        big = np.iinfo(np.int64)
        e = None if (st > 0 and e >= big.max) or (st < 0 and e <= big.min + 1) else int(e)
        sl[a] = slice(int(s), e, int(st))
    return x[tuple(sl)]


def _reshape(x, shape, allowzero=0):
    shape = [int(s) for s in shape]
    if not allowzero:
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _layernorm(x, scale, bias, at):
    axis = at.get("axis", -1) % x.ndim
    eps = at.get("epsilon", 1e-5)
    red = tuple(range(axis, x.ndim))
    mu = x.mean(axis=red, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=red, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps) * scale
    return y + bias if bias is not None else y


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gemm(a, b, c, at):
    if at.get("transA", 0):
        a = a.T
    if at.get("transB", 0):
        b = b.T
    y = at.get("alpha", 1.0) * (a @ b)
    if c is not None:
        y = y + at.get("beta", 1.0) * c
    return y


def _split(x, split, at, nout):
    axis = at.get("axis", 0)
    if split is None:
        split = at.get("split")
    if split is None:
        split = [x.shape[axis] // nout] * nout
    idx = np.cumsum(split)[:-1]
    return np.split(x, idx, axis=axis)


def _pool(x, at, kind):
    kh, kw = at["kernel_shape"]
    sh, sw = at.get("strides", [1, 1])
    pads = at.get("pads", [0, 0, 0, 0])
    fill = -np.inf if kind == "max" else 0.0
    if at.get("ceil_mode", 0):
        # ONNX: ceil((in + pads - k) / s) + 1 outputs, less the last if it starts past the input and the begin pad
        if kind != "max":
            raise NotImplementedError("AveragePool with ceil_mode")
        pads = list(pads)
        for a, (k, s, n) in enumerate(((kh, sh, x.shape[2]), (kw, sw, x.shape[3]))):
            span = n + pads[a] + pads[a + 2] - k
            out = -(-span // s) + 1
            if (out - 1) * s >= n + pads[a]:
                out -= 1
            pads[a + 2] += max(0, (out - 1) * s - span)
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=fill)
    oh = (x.shape[2] - kh) // sh + 1
    ow = (x.shape[3] - kw) // sw + 1
    win = [x[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw] for i in range(kh) for j in range(kw)]
    if kind == "max":
        return np.max(win, axis=0)
    if not at.get("count_include_pad", 0) and any(pads):
        raise NotImplementedError("AveragePool with pads and count_include_pad=0")
    return np.mean(win, axis=0)


def _eval(node, ins):
    op = node.op_type
    at = _attrs(node)
    x = ins[0] if ins else None
    unary = {"Erf": _erf, "Sqrt": np.sqrt, "Exp": np.exp, "Neg": np.negative, "Abs": np.abs,
             "Tanh": np.tanh, "Sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)), "Relu": lambda v: np.maximum(v, 0),
             "Identity": lambda v: v, "Reciprocal": lambda v: 1.0 / v, "Floor": np.floor, "Ceil": np.ceil,
             "Not": np.logical_not, "Log": np.log, "Sin": np.sin, "Cos": np.cos}
    binary = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": _bcast_div, "Pow": np.power,
              "Equal": np.equal, "Less": np.less, "Greater": np.greater, "And": np.logical_and,
              "Or": np.logical_or, "MatMul": np.matmul, "Max": np.maximum, "Min": np.minimum,
              "LessOrEqual": np.less_equal, "GreaterOrEqual": np.greater_equal, "Mod": np.mod}
    if op in unary:
        return [unary[op](x)]
    if op in binary:
        r = binary[op](ins[0], ins[1])
        if op == "Pow" and np.issubdtype(ins[0].dtype, np.floating):
            r = r.astype(_F)
        return [r]
    if op == "Constant":
        if "value" in at:
            return [_as_value(at["value"])]
        for k, dt in (("value_float", _F), ("value_int", np.int64)):
            if k in at:
                return [np.array(at[k], dtype=dt)]
        for k, dt in (("value_floats", _F), ("value_ints", np.int64)):
            if k in at:
                return [np.array(at[k], dtype=dt)]
        raise NotImplementedError(f"Constant {list(at)}")
    if op == "ConstantOfShape":
        v = _as_value(at["value"]).reshape(-1)[0] if "value" in at else _F(0)
        return [np.full([int(s) for s in x], v, dtype=np.asarray(v).dtype)]
    if op == "Cast":
        return [x.astype(_np_dtype(at["to"]))]
    if op == "Shape":
        s = np.array(x.shape, dtype=np.int64)
        return [s[at.get("start", 0):at.get("end", None)]]
    if op == "Gather":
        return [np.take(x, ins[1].astype(np.int64), axis=at.get("axis", 0))]
    if op == "Unsqueeze":
        out = x
        axes = sorted(int(a) % (x.ndim + len(ins[1])) for a in ins[1])
        for a in axes:
            out = np.expand_dims(out, a)
        return [out]
    if op == "Squeeze":
        if len(ins) > 1 and ins[1] is not None:
            return [np.squeeze(x, axis=tuple(int(a) for a in ins[1]))]
        return [np.squeeze(x)]
    if op == "Concat":
        return [np.concatenate(ins, axis=at["axis"])]
    if op == "Reshape":
        return [_reshape(x, ins[1], at.get("allowzero", 0))]
    if op == "Flatten":
        a = at.get("axis", 1)
        return [x.reshape(int(np.prod(x.shape[:a])), -1)]
    if op == "Transpose":
        return [np.transpose(x, at.get("perm"))]
    if op == "Expand":
        shape = [int(s) for s in ins[1]]
        target = np.broadcast_shapes(x.shape, tuple(shape))
        return [np.broadcast_to(x, target).copy()]
    if op == "Where":
        return [np.where(ins[0], ins[1], ins[2])]
    if op == "Slice":
        return [_slice(x, ins[1], ins[2], ins[3] if len(ins) > 3 else None, ins[4] if len(ins) > 4 else None)]
    if op == "Softmax":
        return [_softmax(x, at.get("axis", -1))]
    if op == "LayerNormalization":
        return [_layernorm(x, ins[1], ins[2] if len(ins) > 2 else None, at)]
    if op == "Conv":
        return [_conv(x, ins[1], ins[2] if len(ins) > 2 else None, at)]
    if op == "Gemm":
        return [_gemm(x, ins[1], ins[2] if len(ins) > 2 else None, at)]
    if op == "Split":
        return _split(x, ins[1] if len(ins) > 1 else None, at, len(node.output))
    if op == "ReduceMean":
        axes = at.get("axes")
        if axes is None and len(ins) > 1:
            axes = list(ins[1])
        return [x.mean(axis=None if axes is None else tuple(int(a) for a in axes),
                       keepdims=bool(at.get("keepdims", 1)))]
    if op == "ReduceSum":
        axes = list(ins[1]) if len(ins) > 1 and ins[1] is not None else at.get("axes")
        return [x.sum(axis=None if axes is None else tuple(int(a) for a in axes), keepdims=bool(at.get("keepdims", 1)))]
    if op == "GlobalAveragePool":
        return [x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)]
    if op == "MaxPool":
        return [_pool(x, at, "max")]
    if op == "AveragePool":
        return [_pool(x, at, "avg")]
    if op == "BatchNormalization":
        s, b, mu, var = ins[1:5]
        sh = (1, -1) + (1,) * (x.ndim - 2)
        return [(x - mu.reshape(sh)) / np.sqrt(var.reshape(sh) + at.get("epsilon", 1e-5)) * s.reshape(sh) + b.reshape(sh)]
    if op == "Pad":
        mode = at.get("mode", b"constant")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        pads = [int(p) for p in ins[1]]
        cval = ins[2].reshape(-1)[0] if len(ins) > 2 and ins[2] is not None and ins[2].size else 0
        r = x.ndim
        axes = list(range(r)) if len(ins) < 4 or ins[3] is None else [int(a) % r for a in ins[3]]
        width = [(0, 0)] * r
        for i, a in enumerate(axes):
            width[a] = (pads[i], pads[i + len(axes)])
        if any(p < 0 for pw in width for p in pw):
            raise NotImplementedError("Pad with negative pads")
        if mode == "constant":
            return [np.pad(x, width, mode="constant", constant_values=cval)]
        return [np.pad(x, width, mode={"reflect": "reflect", "edge": "edge"}[mode])]
    if op == "Einsum":
        eq = at["equation"]
        eq = eq.decode() if isinstance(eq, bytes) else eq
        return [np.einsum(eq.replace(" ", ""), *ins, optimize=True)]
    if op == "Range":
        return [np.arange(ins[0], ins[1], ins[2]).astype(np.result_type(ins[0]))]
    if op == "Dropout":                                  # inference: identity, mask all true
        return [x, np.ones(x.shape, dtype=bool)]
    if op == "HardSigmoid":
        return [np.clip(at.get("alpha", 0.2) * x + at.get("beta", 0.5), 0, 1)]
    if op == "HardSwish":
        return [x * np.clip(x / 6 + 0.5, 0, 1)]
    if op == "ScatterND":
        return [_scatter_nd(x, ins[1], ins[2], at.get("reduction", b"none"))]
    if op == "Resize":
        return [_resize(x, ins, at)]
    raise NotImplementedError(f"onnx_eval: operator {op} is not implemented")


def _scatter_nd(data, indices, updates, reduction):
    out = np.array(data, copy=True)
    reduction = reduction.decode() if isinstance(reduction, bytes) else reduction
    for idx in np.ndindex(indices.shape[:-1]):
        at = tuple(int(i) for i in indices[idx])
        if reduction == "add":
            out[at] += updates[idx]
        elif reduction == "mul":
            out[at] *= updates[idx]
        else:
            out[at] = updates[idx]
    return out


def _resize_coeffs(mode, ratio, a):
    if mode == "linear":
        return np.array([1 - ratio, ratio])
    if mode == "cubic":                                    # Keys kernel at distances 1+r, r, 1-r, 2-r
        def w(d):
            d = abs(d)
            if d <= 1:
                return ((a + 2) * d - (a + 3)) * d * d + 1
            return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a if d < 2 else 0.0
        return np.array([w(ratio + 1), w(ratio), w(1 - ratio), w(2 - ratio)])
    raise NotImplementedError(f"Resize mode {mode}")


def _resize_axis(x, axis, out_len, scale, at):
    """One axis of ONNX Resize, sample by sample from the operator definition (edge samples repeat)."""
    mode = at.get("mode", b"nearest").decode()
    ctm = at.get("coordinate_transformation_mode", b"half_pixel").decode()
    n = x.shape[axis]
    xs = np.moveaxis(x, axis, -1)
    out = np.zeros(xs.shape[:-1] + (out_len,))
    for j in range(out_len):
        if ctm == "half_pixel":
            src = (j + 0.5) / scale - 0.5
        elif ctm == "pytorch_half_pixel":
            src = (j + 0.5) / scale - 0.5 if out_len > 1 else 0.0
        elif ctm == "align_corners":
            src = 0.0 if out_len == 1 else j * (n - 1) / (out_len - 1)
        elif ctm == "asymmetric":
            src = j / scale
        else:
            raise NotImplementedError(f"Resize {ctm}")
        if mode == "nearest":
            nm = at.get("nearest_mode", b"round_prefer_floor").decode()
            i = {"floor": math.floor(src), "ceil": math.ceil(src), "round_prefer_ceil": math.floor(src + 0.5),
                 "round_prefer_floor": math.ceil(src - 0.5)}[nm]
            out[..., j] = xs[..., min(max(i, 0), n - 1)]
            continue
        base = math.floor(src)
        c = _resize_coeffs(mode, src - base, at.get("cubic_coeff_a", -0.75))
        first = base - (len(c) // 2 - 1)
        idx = [first + t for t in range(len(c))]
        if at.get("exclude_outside", 0):
            c = np.array([ci if 0 <= i < n else 0.0 for ci, i in zip(c, idx)])
            c = c / c.sum()
        for ci, i in zip(c, idx):
            out[..., j] += ci * xs[..., min(max(i, 0), n - 1)]
    return np.moveaxis(out, -1, axis)


def _resize(x, ins, at):
    sizes = ins[3] if len(ins) > 3 and ins[3] is not None and ins[3].size else None
    scales = ins[2] if len(ins) > 2 and ins[2] is not None and ins[2].size else None
    for axis in range(x.ndim):
        n = x.shape[axis]
        if sizes is not None:
            m, sc = int(sizes[axis]), float(sizes[axis]) / n
        else:
            sc = float(scales[axis])
            m = int(math.floor(n * sc))
        if m != n or sc != 1:
            x = _resize_axis(x, axis, m, sc, at)
    return x


def run(model, feeds, outputs=None):
    """Evaluate ``model`` (path or ModelProto) on ``feeds`` (name -> array). Returns name -> array."""
    m = onnx.load(model) if isinstance(model, str) else model
    g = m.graph
    env = {i.name: _as_value(i) for i in g.initializer}
    for k, v in feeds.items():
        v = np.asarray(v)
        env[k] = v.astype(_F) if np.issubdtype(v.dtype, np.floating) else v
    for node in g.node:
        ins = [env[i] if i else None for i in node.input]
        try:
            outs = _eval(node, ins)
        except NotImplementedError:
            raise
        except Exception as e:  # add the node to the message
            raise RuntimeError(f"{node.op_type} {node.name}: {e}") from e
        for name, val in zip(node.output, outs):
            if name:
                env[name] = np.asarray(val)
    names = outputs or [o.name for o in g.output]
    return {n: env[n] for n in names}
