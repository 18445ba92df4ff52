#!/usr/bin/python3
"""Checks the output of effnet-bind-weights on a model exported by export_torchvision.py.

Usage: check_bound_weights.py UNBOUND.mlir BOUND.mlir

BOUND must hold the weights of UNBOUND, in the same order, each with a
`dense_resource` value of the weight's own type. Blobs printed in BOUND (the
tool may elide large ones with --mlir-elide-resource-strings-if-larger) are
checked against the ranges export_torchvision.py draws from, which tells
apart tensors of equal shape that a wrong name map could swap: batch-norm
weight and running_var lie in [0.5, 1.5], batch-norm bias, running_mean and
convolution and dense biases in [-0.2, 0.2].

Prints `weights: N bound`, then `blobs: M checked`.
"""
import re
import struct
import sys

UNBOUND = re.compile(r'effnet\.weight "([^"]+)" : (tensor<[^>]+>)')
BOUND = re.compile(r'effnet\.weight "([^"]+)" \{value = dense_resource<([^>]+)> '
                   r': (tensor<[^>]+>)\} : (tensor<[^>]+>)')
BLOB = re.compile(r'^\s*([A-Za-z0-9_.]+): "0x([0-9A-F]+)"', re.M)

RANGES = [(("bn.weight", "bn.running_var"), 0.5, 1.5),
          (("bn.bias", "bn.running_mean", ".bias"), -0.2, 0.2)]


def fail(message):
    raise SystemExit("check_bound_weights: " + message)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    unbound = UNBOUND.findall(open(sys.argv[1]).read())
    text = open(sys.argv[2]).read()
    bound = BOUND.findall(text)
    if not unbound:
        fail("no unbound weights in " + sys.argv[1])
    if len(bound) != len(unbound):
        fail(f"{len(unbound)} weights, but {len(bound)} bound")
    keys = {}
    for (name, type_), (bname, key, vtype, btype) in zip(unbound, bound):
        if (name, type_) != (bname, btype) or vtype != type_:
            fail(f"weight '{name}' : {type_} became '{bname}' "
                 f"{{value : {vtype}}} : {btype}")
        keys[key] = name
    print(f"weights: {len(bound)} bound")

    checked = 0
    for key, hex_data in BLOB.findall(text):
        name = keys.get(key)
        if name is None:
            continue
        for suffixes, lo, hi in RANGES:
            if name.endswith(suffixes):
                # 4 bytes of alignment first, then little-endian floats.
                data = bytes.fromhex(hex_data)[4:]
                values = struct.unpack(f"<{len(data) // 4}f", data)
                bad = [v for v in values if not lo <= v <= hi]
                if bad:
                    fail(f"'{name}' holds {bad[0]}, outside [{lo}, {hi}]")
                checked += 1
                break
    print(f"blobs: {checked} checked")


if __name__ == "__main__":
    main()
