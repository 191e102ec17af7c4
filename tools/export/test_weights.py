#!/usr/bin/python3
"""``export.py --weights``: a checkpoint loads completely, or the export fails naming what is missing.

    /usr/bin/python3 tools/export/test_weights.py [-v]

No checkpoint can be downloaded here, so each test makes one: a tiny model of the family with other
seeded random weights, saved with ``torch.save`` in the key layout of that family's official release
(DeiT ``{"model": sd}``, DINO training checkpoints ``{"teacher": {"module.backbone.…": …}}``, BLIP
``{"model": {"visual_encoder.…": …, "text_encoder.…": …}}``, SAM's whole-model dict with ``image_encoder.``,
torchvision ResNet with ``module.`` prefixes from DataParallel). Then ``export.py`` runs as a subprocess, as a user would run it, and the
exit code, the message and the sidecar are checked; for complete loads also that the exported ONNX
initializers hold the checkpoint's tensors. About 20 s on one core. Not part of the Maven build (CI has no
torch); run it after changing ``export.py``, ``checkpoint.py`` or a family's loading code.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np          # noqa: E402
import onnx                 # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch                # noqa: E402

from families import _vit, _weights, blip, deit, dino, resnet, sam  # noqa: E402

PY = sys.executable or "/usr/bin/python3"


def export(*args):
    """Run export.py; returns (exit code, stdout + stderr)."""
    p = subprocess.run([PY, os.path.join(HERE, "export.py"), *args], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def other_weights(module, randomize, seed=7, **kw):
    """A tiny model of the family with weights unlike its default random ones, as a state dict."""
    model, _ = module.build(True, **kw)
    randomize(model, seed=seed)
    return model.state_dict()


class WeightsTest(unittest.TestCase):

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def save(self, name, obj):
        path = os.path.join(self.tmp, name)
        torch.save(obj, path)
        return path

    def sidecar(self, out):
        with open(os.path.join(out, "model.json")) as f:
            return json.load(f)

    def assert_initializers_equal(self, out, sd, names):
        inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(os.path.join(out, "model.onnx")).graph.initializer}
        for n in names:
            self.assertIn(n, inits, f"initializer {n} not in the export")
            np.testing.assert_array_equal(inits[n], sd[n].numpy(), err_msg=n)

    # (a) a correct checkpoint loads every tensor --------------------------------------------------------

    def test_correct_checkpoint_loads_every_tensor(self):
        sd = other_weights(deit, _vit.randomize_)
        ckpt = self.save("deit_base_patch16_224-b5f2ef4d.pth", {"model": sd})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--out", out)
        self.assertEqual(rc, 0, log)
        s = self.sidecar(out)
        self.assertEqual(s["weights"], "deit_base_patch16_224-b5f2ef4d.pth")
        self.assertEqual(s["weights_sha256"], sha256(ckpt))
        self.assertEqual(s["tensors_total"], len(sd))
        self.assertEqual(s["tensors_loaded"], s["tensors_total"])
        self.assert_initializers_equal(out, sd, ["cls_token", "blocks.0.norm1.weight", "norm.bias"])

    # (b) every key under a wrong prefix: fail, naming missing and unexpected keys --------------------

    def test_wrong_prefix_fails_naming_missing_and_unexpected_keys(self):
        sd = other_weights(deit, _vit.randomize_)
        ckpt = self.save("wrapped.pth", {"model": {"encoder." + k: v for k, v in sd.items()}})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--out", out)
        self.assertNotEqual(rc, 0, log)
        self.assertIn(f"loaded 0 of {len(sd)} model tensors", log)
        self.assertIn(f"missing (model tensors not in the checkpoint): {len(sd)}", log)
        self.assertIn(f"unexpected (checkpoint keys the model does not have): {len(sd)}", log)
        self.assertIn("    blocks.0.attn.qkv.weight", log)
        self.assertIn("    encoder.blocks.0.attn.qkv.weight", log)
        self.assertIn("... and 12 more", log)                       # 32 keys, 20 shown
        self.assertIn("--strip-prefix 'encoder.'", log)             # the hint
        self.assertFalse(os.path.exists(os.path.join(out, "model.json")), "nothing may be exported")

    # (c) the same, accepted on purpose --------------------------------------------------------------

    def test_allow_missing_everything_exports_and_says_nothing_loaded(self):
        sd = other_weights(deit, _vit.randomize_)
        ckpt = self.save("wrapped.pth", {"model": {"encoder." + k: v for k, v in sd.items()}})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--allow-missing", ".*", "--out", out)
        self.assertEqual(rc, 0, log)
        self.assertIn("RANDOM weights", log)
        s = self.sidecar(out)
        self.assertEqual(s["weights"], "wrapped.pth")
        self.assertEqual(s["weights_sha256"], sha256(ckpt))
        self.assertEqual(s["tensors_loaded"], 0)
        self.assertEqual(s["tensors_total"], len(sd))

    def test_strip_prefix_from_the_hint_loads_everything(self):
        sd = other_weights(deit, _vit.randomize_)
        ckpt = self.save("wrapped.pth", {"model": {"encoder." + k: v for k, v in sd.items()}})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--strip-prefix", "encoder.", "--out", out)
        self.assertEqual(rc, 0, log)
        self.assertEqual(self.sidecar(out)["tensors_loaded"], len(sd))

    def test_some_keys_missing_fail_unless_that_pattern_is_allowed(self):
        sd = other_weights(deit, _vit.randomize_)
        partial = {k: v for k, v in sd.items() if not k.startswith("head.")}
        ckpt = self.save("no_head.pth", {"model": partial})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--out", out)
        self.assertNotEqual(rc, 0, log)
        self.assertIn("missing (model tensors not in the checkpoint): 2", log)
        self.assertIn("    head.weight", log)
        self.assertIn("unexpected (checkpoint keys the model does not have): 0", log)
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--allow-missing", r"head\..*",
                         "--out", out)
        self.assertEqual(rc, 0, log)
        s = self.sidecar(out)
        self.assertEqual((s["tensors_loaded"], s["tensors_total"]), (len(sd) - 2, len(sd)))
        # a pattern must match the whole key: 'head' alone accepts nothing
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--allow-missing", "head",
                         "--out", os.path.join(self.tmp, "out2"))
        self.assertNotEqual(rc, 0, log)

    def test_shape_mismatch_is_missing(self):
        sd = other_weights(deit, _vit.randomize_)
        sd["blocks.1.mlp.fc1.weight"] = torch.zeros(8, 64)
        ckpt = self.save("bad_shape.pth", {"model": sd})
        rc, log = export("--family", "deit-b16", "--tiny", "--weights", ckpt, "--out", os.path.join(self.tmp, "out"))
        self.assertNotEqual(rc, 0, log)
        self.assertIn("shape mismatches (skipped, hence missing): 1", log)
        self.assertIn("    blocks.1.mlp.fc1.weight", log)

    # the documented unwrapping keeps working -------------------------------------------------------

    def test_dino_training_checkpoint_teacher_module_backbone(self):
        sd = other_weights(dino, _vit.randomize_)
        wrapped = {"module.backbone." + k: v for k, v in sd.items()}
        wrapped["module.head.mlp.0.weight"] = torch.zeros(4, 64)     # the DINO projection head: unexpected, fine
        ckpt = self.save("checkpoint.pth", {"teacher": wrapped, "epoch": 100})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "dino-vitb16", "--tiny", "--weights", ckpt, "--out", out)
        self.assertEqual(rc, 0, log)
        self.assertIn("unexpected: 1", log)
        s = self.sidecar(out)
        self.assertEqual(s["tensors_loaded"], s["tensors_total"])
        self.assert_initializers_equal(out, sd, ["pos_embed", "blocks.1.attn.proj.bias"])

    def test_blip_whole_model_checkpoint_selects_visual_encoder(self):
        sd = other_weights(blip, _vit.randomize_)
        whole = {"visual_encoder." + k: v for k, v in sd.items()}
        whole.update({"visual_encoder_m." + k: v for k, v in sd.items()})
        whole["text_encoder.embeddings.word_embeddings.weight"] = torch.zeros(10, 8)
        ckpt = self.save("model_base.pth", {"model": whole})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "blip-vitb16", "--tiny", "--weights", ckpt, "--out", out)
        self.assertEqual(rc, 0, log)
        s = self.sidecar(out)
        self.assertEqual(s["tensors_loaded"], s["tensors_total"])
        self.assertEqual(s["tensors_total"], len(sd))

    def test_conv_family_module_prefix_and_state_dict_wrapper(self):
        sd = other_weights(resnet, _weights.randomize_)
        floats = [k for k, v in sd.items() if v.is_floating_point()]
        ckpt = self.save("resnet152-ddp.pth", {"state_dict": {"module." + k: v for k, v in sd.items()}})
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "resnet152", "--tiny", "--weights", ckpt, "--out", out)
        self.assertEqual(rc, 0, log)
        s = self.sidecar(out)
        self.assertEqual(s["tensors_total"], len(floats))       # num_batches_tracked is not a tensor that counts
        self.assertEqual(s["tensors_loaded"], len(floats))
        self.assertEqual(s["weights_sha256"], sha256(ckpt))

    def test_sam_whole_model_checkpoint_selects_image_encoder(self):
        sd = other_weights(sam, _weights.randomize_)
        whole = {"image_encoder." + k: v for k, v in sd.items()}
        whole["prompt_encoder.pe_layer.positional_encoding_gaussian_matrix"] = torch.zeros(2, 4)   # ignored by design
        whole["mask_decoder.iou_token.weight"] = torch.zeros(1, 8)
        ckpt = self.save("sam_vit_b_01ec64.pth", whole)
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "sam-vitb", "--tiny", "--weights", ckpt, "--out", out)
        self.assertEqual(rc, 0, log)
        s = self.sidecar(out)
        self.assertEqual(s["tensors_loaded"], s["tensors_total"])
        self.assertEqual(s["tensors_total"], len(sd))

    def test_conv_family_wrong_prefix_fails(self):
        sd = other_weights(resnet, _weights.randomize_)
        ckpt = self.save("resnet.pth", {"backbone.body." + k: v for k, v in sd.items()})
        rc, log = export("--family", "resnet152", "--tiny", "--weights", ckpt, "--out", os.path.join(self.tmp, "out"))
        self.assertNotEqual(rc, 0, log)
        self.assertIn("loaded 0 of", log)
        self.assertIn("--strip-prefix 'backbone.body.'", log)

    # random exports say so too ----------------------------------------------------------------------

    def test_random_export_records_zero_loaded(self):
        out = os.path.join(self.tmp, "out")
        rc, log = export("--family", "deit-tail", "--tiny", "--out", out)
        self.assertEqual(rc, 0, log)
        s = self.sidecar(out)
        self.assertEqual(s["weights"], "random")
        self.assertIsNone(s["weights_sha256"])
        self.assertEqual(s["tensors_loaded"], 0)
        self.assertGreater(s["tensors_total"], 0)

    def test_allow_missing_needs_weights(self):
        rc, log = export("--family", "deit-tail", "--tiny", "--allow-missing", ".*", "--out", os.path.join(self.tmp, "o"))
        self.assertEqual(rc, 2, log)
        self.assertIn("need --weights", log)


if __name__ == "__main__":
    unittest.main()
