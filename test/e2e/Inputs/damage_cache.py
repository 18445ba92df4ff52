"""Damages a kernel cache's entries, or reports its size.

damage_cache.py DIR: changes a byte in the middle of every other entry and
cuts the rest short (each stays a file of the same name).
damage_cache.py DIR --total: prints "N entries, at most B bytes" when the
entries' sizes add up to at most B, the --cache-size the caller gave as
200K (the test's), else says by how much they exceed it.
"""
import os
import sys


def entries(folder):
    for sub in sorted(os.listdir(folder)):
        path = os.path.join(folder, sub)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith(".o"):
                yield os.path.join(path, name)


def main():
    folder = sys.argv[1]
    found = list(entries(folder))
    if len(sys.argv) > 2 and sys.argv[2] == "--total":
        total = sum(os.path.getsize(path) for path in found)
        bound = 200 * 1024
        if found and total <= bound:
            print(f"{len(found)} entries, at most {bound} bytes")
        else:
            print(f"{len(found)} entries, {total} bytes: over {bound}")
        return
    if not found:
        sys.exit("damage_cache.py: no entries in " + folder)
    for index, path in enumerate(found):
        data = bytearray(open(path, "rb").read())
        if index % 2 == 0:
            data[len(data) // 2] ^= 0x40
        else:
            data = data[: len(data) // 2]
        open(path, "wb").write(bytes(data))


main()
