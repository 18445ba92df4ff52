"""Damages every entry of a kernel cache folder: one byte flipped in the
middle of each, and the first (by name) cut to half its length.

Usage: damage_cache.py DIR
"""
import os
import sys


def main():
    folder = sys.argv[1]
    names = sorted(n for n in os.listdir(folder) if n.endswith(".o"))
    assert names, "no entries"
    for i, name in enumerate(names):
        path = os.path.join(folder, name)
        data = bytearray(open(path, "rb").read())
        if i == 0:
            data = data[: len(data) // 2]
        else:
            data[len(data) // 2] ^= 0x5A
        open(path, "wb").write(data)


if __name__ == "__main__":
    main()
