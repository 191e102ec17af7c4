"""Backbone families. Each module exposes ``build(tiny: bool, weights: str | None) -> (module, meta)``.

``module.forward(images)`` returns ``(features, tokens)``; ``meta`` is a ``common.sidecar(...)`` dict.
A module may also define ``export(model, meta, out_dir, opset)`` when it does not fit
``common.export_backbone`` (the DeiT tail: tokens in, features out).
The preset-name -> module table lives in ``tools/export/export.py``.
"""
