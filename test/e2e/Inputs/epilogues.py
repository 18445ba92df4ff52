#!/usr/bin/python3
"""Weights, input and torch reference of Inputs/epilogues.mlir.

Usage: epilogues.py WEIGHTS.safetensors INPUT.bin REFERENCE.bin BATCH

Draws every weight of the model at random (the batch norm's variance in
[0.5, 1.5]), writes them with their canonical names, and computes the model
with torch.nn.functional from its definition, independently of the compiler.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "oracle"))
import safetensors_file  # noqa: E402


def main():
    weights_path, input_path, reference_path, batch = sys.argv[1:5]
    batch = int(batch)
    g = torch.Generator().manual_seed(5)

    def uniform(shape, lo, hi):
        return torch.rand(shape, generator=g) * (hi - lo) + lo

    w = {
        "a.conv.weight": uniform((8, 3, 3, 3), -0.5, 0.5),
        "a.bn.weight": uniform((8,), 0.5, 1.5),
        "a.bn.bias": uniform((8,), -0.3, 0.3),
        "a.bn.running_mean": uniform((8,), -0.3, 0.3),
        "a.bn.running_var": uniform((8,), 0.5, 1.5),
        "b.conv.weight": uniform((8, 8, 1, 1), -0.5, 0.5),
        "b.conv.bias": uniform((8,), -0.3, 0.3),
        "head.classifier.weight": uniform((5, 8), -0.5, 0.5),
        "head.classifier.bias": uniform((5,), -0.3, 0.3),
    }
    x = uniform((batch, 3, 8, 8), -1.0, 1.0)

    c1 = F.conv2d(x, w["a.conv.weight"], padding=1)
    bn = F.batch_norm(c1, w["a.bn.running_mean"], w["a.bn.running_var"],
                      w["a.bn.weight"], w["a.bn.bias"], training=False,
                      eps=1e-3)
    s = F.relu(bn) + c1
    c2 = F.conv2d(s, w["b.conv.weight"], w["b.conv.bias"])
    p = s.mean(dim=(2, 3), keepdim=True)
    q = (c2 * p).mean(dim=(2, 3))
    logits = F.linear(q, w["head.classifier.weight"],
                      w["head.classifier.bias"])

    safetensors_file.write(weights_path, {
        name: ("F32", list(t.shape), t.numpy().astype("<f4").tobytes())
        for name, t in w.items()})
    open(input_path, "wb").write(x.numpy().astype("<f4").tobytes())
    open(reference_path, "wb").write(logits.numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
