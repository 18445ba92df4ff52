#!/usr/bin/python3
"""Per-group time profile of a generated library, as an SVG chart and a table.

Usage: profile.py PLAN.txt PROFILE.txt IMAGES OUT.svg TITLE

PLAN.txt is `effnetc --emit=plan` of the model; PROFILE.txt is what Halide's
profiler printed at exit for a library built with `--target host-profile`
that ran IMAGES images in all. Each kernel's time (per image) is split evenly
over the groups that call it: they compute the same shapes with different
weights. Prints the groups by time, then writes one bar per group, in network
order, named as in the IR (blocks.3.1.dw, ...).
"""
import html
import re
import sys


def read_plan(path):
    steps = []
    for line in open(path):
        m = re.match(r"step (\d+) (\S+): kernel (\d+),", line)
        if m:
            steps.append((m.group(2), int(m.group(3))))
    return steps


def read_profile(path):
    kernels = {}
    text = open(path).read()
    # Halide prints "average threads used" only for a kernel that ran a
    # parallel loop; one that did not used one thread.
    for m in re.finditer(
            r"\S+_k(\d+)\n total time: ([\d.]+) ms .*?\n"
            r"(?: average threads used: ([\d.]+)\n)?",
            text):
        threads = float(m.group(3)) if m.group(3) else 1.0
        kernels[int(m.group(1))] = (float(m.group(2)), threads)
    return kernels


def kind(name):
    for part in ("expand", "dw", "se", "project", "stem", "head", "pool",
                 "classifier"):
        if "." + part in name or name.startswith(part) or name.endswith(part):
            return part
    return "other"


COLORS = {"stem": "#7f7f7f", "expand": "#1f77b4", "dw": "#ff7f0e",
          "se": "#2ca02c", "project": "#d62728", "head": "#9467bd",
          "pool": "#8c564b", "classifier": "#e377c2", "other": "#bcbd22"}


def main():
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    steps = read_plan(sys.argv[1])
    kernels = read_profile(sys.argv[2])
    images = int(sys.argv[3])
    out, title = sys.argv[4], sys.argv[5]
    if not steps or not kernels:
        raise SystemExit("profile.py: no steps in the plan or no kernels in "
                         "the profile")
    uses = {}
    for _, k in steps:
        uses[k] = uses.get(k, 0) + 1
    rows = []
    for name, k in steps:
        total, threads = kernels.get(k, (0.0, 0.0))
        rows.append((name, total / images / uses[k], threads))
    whole = sum(ms for _, ms, _ in rows)
    busy = sum(ms * threads for _, ms, threads in rows) / (whole or 1.0)
    print(f"{len(rows)} groups, {whole:.2f} ms per image in kernels, "
          f"{busy:.2f} threads busy on average (weighted by time)")
    for name, ms, threads in sorted(rows, key=lambda r: -r[1])[:15]:
        print(f"  {name:28s} {ms:7.3f} ms  {100 * ms / whole:5.1f}%  "
              f"threads {threads:.2f}")

    bar_h, left, width = 11, 190, 560
    top = 40
    height = top + bar_h * len(rows) + 30
    peak = max(ms for _, ms, _ in rows) or 1.0
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" '
           f'height="{height}" font-family="sans-serif" font-size="9">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="8" y="16" font-size="13">{html.escape(title)}</text>',
           f'<text x="8" y="30" font-size="10">ms per image in each group\'s '
           f'kernel (Halide profiler; {whole:.2f} ms in all), '
           f'network order; colour: part of the block</text>']
    for i, (name, ms, threads) in enumerate(rows):
        y = top + i * bar_h
        w = width * ms / peak
        svg.append(f'<text x="{left - 4}" y="{y + 8}" text-anchor="end">'
                   f'{html.escape(name)}</text>')
        svg.append(f'<rect x="{left}" y="{y + 1}" width="{w:.1f}" '
                   f'height="{bar_h - 2}" fill="{COLORS[kind(name)]}"/>')
        svg.append(f'<text x="{left + w + 3:.1f}" y="{y + 8}">{ms:.3f} '
                   f'({threads:.1f} thr)</text>')
    x = left
    for part, color in COLORS.items():
        svg.append(f'<rect x="{x}" y="{height - 18}" width="9" height="9" '
                   f'fill="{color}"/><text x="{x + 12}" y="{height - 10}">'
                   f'{part}</text>')
        x += 70
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
