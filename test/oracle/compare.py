#!/usr/bin/python3
"""Compares a generated library's outputs (logits or feature maps) with torchvision's.

Usage: compare.py REFERENCE.bin OURS.bin [TOLERANCE]
Both files hold raw little-endian float32 values. Passes when
max |ours - ref| / max |ref| <= TOLERANCE (default 1e-4); prints the ratio.
"""
import sys

import numpy as np


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    ref = np.fromfile(sys.argv[1], dtype="<f4")
    ours = np.fromfile(sys.argv[2], dtype="<f4")
    tolerance = float(sys.argv[3]) if len(sys.argv) == 4 else 1e-4
    if ref.size == 0 or ref.size != ours.size:
        raise SystemExit(f"size mismatch: reference {ref.size}, ours {ours.size}")
    if not np.all(np.isfinite(ours)):
        raise SystemExit("ours holds non-finite values")
    scale = np.abs(ref).max()
    ratio = np.abs(ours - ref).max() / scale
    print(f"max|ours - ref| / max|ref| = {ratio:.3e} over {ref.size} values "
          f"(tolerance {tolerance:g})")
    if not ratio <= tolerance:
        raise SystemExit(f"FAIL: {ratio:.3e} > {tolerance:g}")


if __name__ == "__main__":
    main()
