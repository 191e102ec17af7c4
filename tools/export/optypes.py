#!/usr/bin/python3
"""Summarise an exported ONNX graph: op-type counts and the things an importer trips over.

    /usr/bin/python3 tools/export/optypes.py MODEL.onnx [MODEL2.onnx ...] [--json]

Prints, per model: a Counter of op types; initializers whose names are anonymous (``onnx::...`` or
otherwise not a parameter-style dotted name), with their consumers; Identity nodes fed by an
initializer (how torch writes tied / deduplicated weights); graph inputs/outputs with shapes.
"""
import collections
import json
import re
import sys

import onnx

ANON = re.compile(r"^(onnx::|_v_|\d)|::")


def _shape(vi):
    dims = vi.type.tensor_type.shape.dim
    return [d.dim_param or d.dim_value for d in dims]


def summarise(path):
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    consumers = collections.defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n.op_type)
    ops = collections.Counter(n.op_type for n in g.node)
    anon = {name: {"shape": list(t.dims), "used_by": consumers.get(name, [])}
            for name, t in inits.items() if ANON.search(name)}
    ident = [{"node": n.name, "from": n.input[0], "to": n.output[0]}
             for n in g.node if n.op_type == "Identity" and n.input[0] in inits]
    const_nodes = sum(1 for n in g.node if n.op_type == "Constant")
    return {
        "model": path,
        "opset": [f"{o.domain or 'ai.onnx'}:{o.version}" for o in m.opset_import],
        "nodes": len(g.node),
        "op_types": dict(sorted(ops.items())),
        "initializers": len(inits),
        "anonymous_initializers": anon,
        "identity_from_initializer": ident,
        "constant_nodes": const_nodes,
        "inputs": {i.name: _shape(i) for i in g.input if i.name not in inits},
        "outputs": {o.name: _shape(o) for o in g.output},
    }


def main(argv):
    as_json = "--json" in argv
    paths = [a for a in argv if a != "--json"]
    if not paths:
        print(__doc__)
        return 2
    for p in paths:
        s = summarise(p)
        if as_json:
            print(json.dumps(s, indent=1))
            continue
        print(f"== {p}  ({s['nodes']} nodes, {s['initializers']} initializers, opset {', '.join(s['opset'])})")
        print(f"   inputs {s['inputs']}  outputs {s['outputs']}")
        print("   ops: " + ", ".join(f"{k} {v}" for k, v in s["op_types"].items()))
        a = s["anonymous_initializers"]
        print(f"   anonymous initializers: {len(a)}")
        for name, info in list(a.items())[:12]:
            print(f"     {name} {info['shape']} -> {info['used_by']}")
        if len(a) > 12:
            print(f"     ... {len(a) - 12} more")
        print(f"   Identity fed by an initializer: {len(s['identity_from_initializer'])}")
        for it in s["identity_from_initializer"][:12]:
            print(f"     {it['from']} -> {it['to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
