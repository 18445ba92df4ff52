#!/usr/bin/python3
"""Checks effnet-bind-weights' output, value by value, against the file it read.

Usage: check_bound_weights.py UNBOUND.mlir BOUND.mlir WEIGHTS.safetensors

BOUND must hold the weights of UNBOUND, in the same order, each with a
`dense_resource` value of the weight's own type. Every blob printed in BOUND
(the tool may elide large ones with --mlir-elide-resource-strings-if-larger)
must hold, byte for byte, the tensor of WEIGHTS that torchvision 0.14 names
for that weight. The torchvision name is worked out here, independently of
the compiler's own name map, from how torchvision builds EfficientNet:
features.0 is the stem (Conv2dNormActivation: 0 conv, 1 batch norm),
features.1..N the stages (block.K: the K-th of the parts the block has, in the
order expand, dw, se, project; squeeze-excite's convolutions are fc1 and
fc2), features.N+1 the head convolution, classifier.1 the dense layer. The
export draws every tensor at random, so a tensor read from the wrong name
(bn.weight from running_var, say) differs from the one expected.

Prints `weights: N bound`, then `blobs: M equal to the file`.
"""
import json
import re
import struct
import sys

UNBOUND = re.compile(r'effnet\.weight "([^"]+)" : (tensor<[^>]+>)')
BOUND = re.compile(r'effnet\.weight "([^"]+)" \{value = dense_resource<([^>]+)> '
                   r': (tensor<[^>]+>)\} : (tensor<[^>]+>)')
BLOB = re.compile(r'^\s*([A-Za-z0-9_.]+): "0x([0-9A-F]+)"', re.M)
PART_ORDER = ["expand", "dw", "se", "project"]


def fail(message):
    raise SystemExit("check_bound_weights: " + message)


def read_safetensors(path):
    """name -> raw bytes of every tensor."""
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    return {name: body[entry["data_offsets"][0]:entry["data_offsets"][1]]
            for name, entry in header.items() if name != "__metadata__"}


def torchvision_names(canonical_names):
    """canonical name -> torchvision 0.14 state_dict name."""
    parts = {}  # "blocks.S.B" -> set of parts
    stages = 0
    for name in canonical_names:
        fields = name.split(".")
        if fields[0] == "blocks":
            block = ".".join(fields[:3])
            parts.setdefault(block, set()).add(fields[3])
            stages = max(stages, int(fields[1]) + 1)

    def conv_bn(prefix, layer_param):
        layer, param = layer_param.split(".", 1)
        return f"{prefix}.0.{param}" if layer == "conv" else f"{prefix}.1.{param}"

    names = {}
    for name in canonical_names:
        fields = name.split(".")
        if fields[0] == "stem":
            names[name] = conv_bn("features.0", ".".join(fields[1:]))
        elif fields[0] == "head" and fields[1] == "classifier":
            names[name] = "classifier.1." + fields[2]
        elif fields[0] == "head":
            names[name] = conv_bn(f"features.{stages + 1}", ".".join(fields[1:]))
        else:
            stage, block, part = int(fields[1]), int(fields[2]), fields[3]
            present = [p for p in PART_ORDER
                       if p in parts[".".join(fields[:3])]]
            prefix = f"features.{stage + 1}.{block}.block.{present.index(part)}"
            if part == "se":
                fc = {"reduce": "fc1", "expand": "fc2"}[fields[4]]
                names[name] = f"{prefix}.{fc}.{fields[5]}"
            else:
                names[name] = conv_bn(prefix, ".".join(fields[4:]))
    return names


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    unbound = UNBOUND.findall(open(sys.argv[1]).read())
    text = open(sys.argv[2]).read()
    bound = BOUND.findall(text)
    tensors = read_safetensors(sys.argv[3])
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

    expected = torchvision_names([name for name, _ in unbound])
    equal = 0
    for key, hex_data in BLOB.findall(text):
        name = keys.get(key)
        if name is None:
            continue
        # 4 bytes of alignment first, then the little-endian floats.
        data = bytes.fromhex(hex_data)[4:]
        source = expected[name]
        if source not in tensors:
            fail(f"'{name}' should come from '{source}', which the file lacks")
        if data != tensors[source]:
            fail(f"'{name}' does not hold the values of '{source}'")
        equal += 1
    print(f"blobs: {equal} equal to the file")


if __name__ == "__main__":
    main()
