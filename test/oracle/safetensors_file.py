#!/usr/bin/python3
"""Writes safetensors files by hand, as safetensors.torch.save_file lays them out.

No safetensors package is needed (Debian has none): the format is an 8-byte
little-endian header length, a JSON header padded with spaces to a multiple of
8 bytes, then the tensors' bytes. As the safetensors library does, tensors are
stored by descending dtype alignment, then by name, so that every tensor stays
aligned; the header lists `__metadata__` first, then the tensors in data order.

As a program it writes a small test file whose tensors hold 0, 1, 2, ...:

  safetensors_file.py OUT NAME:DTYPE:SHAPE...

SHAPE is `2x3`, `7`, or `scalar`; DTYPE is one of F64 F32 F16 I64 I32 U8.
"""
import json
import struct
import sys

# The safetensors library's dtype order (increasing alignment); data is laid
# out from the last of these to the first.
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16",
               "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]

# struct formats of the dtypes the command line can fill.
STRUCT_FORMATS = {"F64": "d", "F32": "f", "F16": "e", "I64": "q", "I32": "i",
                  "U8": "B"}


def write(path, tensors, metadata=None):
    """Writes `tensors`, a dict name -> (dtype, shape, bytes), to `path`."""
    order = sorted(tensors, key=lambda name: (
        -DTYPE_ORDER.index(tensors[name][0]), name))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name in order:
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in order:
            f.write(tensors[name][2])


def parse_spec(spec):
    name, dtype, shape_text = spec.rsplit(":", 2)
    if dtype not in STRUCT_FORMATS:
        raise SystemExit(f"unsupported dtype '{dtype}' in '{spec}'")
    shape = [] if shape_text == "scalar" else [int(d) for d in
                                               shape_text.split("x")]
    count = 1
    for d in shape:
        count *= d
    data = struct.pack(f"<{count}{STRUCT_FORMATS[dtype]}", *range(count))
    return name, (dtype, shape, data)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    tensors = dict(parse_spec(spec) for spec in sys.argv[2:])
    write(sys.argv[1], tensors, {"format": "pt"})


if __name__ == "__main__":
    main()
