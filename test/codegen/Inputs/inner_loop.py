#!/usr/bin/python3
"""Counts the instructions of the innermost loop that does vector FMAs in
llvm-objdump's disassembly of an AArch64 object (standard input).

A loop is the range from a backward branch's target to the branch, within
one function; the innermost with an fmla is the shortest such range that
holds one. Prints one line:
  innermost loop: N instructions, F fmla, Q vector loads, S scalar loads,
  R vector registers
Vector loads count each q register loaded (ldp loads two); scalar loads
count s registers and ld1r broadcasts; R is the distinct v/q/s registers the
loop names.
"""
import re
import sys

line_re = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
label_re = re.compile(r"^[0-9a-f]+ <(.+)>:$")


def main():
    functions = []
    for raw in sys.stdin:
        raw = raw.rstrip()
        if label_re.match(raw):
            functions.append([])
            continue
        m = line_re.match(raw)
        if m and functions:
            functions[-1].append((int(m.group(1), 16), m.group(2), m.group(3)))
    best = None
    for insns in functions:
        for i, (addr, op, args) in enumerate(insns):
            if not (op.startswith("b.") or op in ("b", "cbz", "cbnz", "tbz", "tbnz")):
                continue
            t = re.search(r"\b0x([0-9a-f]+)\b", args)
            if not t:
                continue
            target = int(t.group(1), 16)
            if target >= addr:
                continue
            body = [x for x in insns if target <= x[0] <= addr]
            if not any(x[1] == "fmla" for x in body):
                continue
            if best is None or len(body) < len(best):
                best = body
    if best is None:
        raise SystemExit("no loop with an fmla")
    fmla = sum(1 for _, op, _ in best if op == "fmla")
    vector_loads = scalar_loads = 0
    registers = set()
    for _, op, args in best:
        regs = re.findall(r"\b([vqs])(\d+)\b", args)
        registers.update(int(n) for _, n in regs)
        if op in ("ldr", "ldp", "ldur"):
            kinds = [k for k, _ in regs]
            vector_loads += kinds.count("q")
            scalar_loads += kinds.count("s")
        elif op == "ld1r":
            scalar_loads += 1
    print(f"innermost loop: {len(best)} instructions, {fmla} fmla, "
          f"{vector_loads} vector loads, {scalar_loads} scalar loads, "
          f"{len(registers)} vector registers")


if __name__ == "__main__":
    main()
