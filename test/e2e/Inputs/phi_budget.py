"""Checks what effnet-tune --budget-ms printed against its own measurements.

Usage: phi_budget.py STDERR STDOUT BUDGET_MS STEP
The probes (stderr: "effnet-tune: phi P (R px): MS ms, within|over the
budget") measure each phi once and call each within or over the budget as
its time says; the chosen phi (stdout's first line) is a probe within the
budget with the time printed for it; the next phi (stdout's second line) is
one step above it, a probe over the budget. Prints "consistent: N probes".

The budget lies between the grid's ends as an earlier run measured them, but
this machine's other work can slow or speed a probe severalfold. Where the
search's own probes put every phi over the budget (its error names the
smallest and its time) or every phi within it ("phi P is --phi-max"), the
answer is checked against those probes in the same way.
"""
import re
import sys


def main():
    err, out, budget, step = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    probes = {}
    for line in open(err):
        m = re.match(r"effnet-tune: phi (\S+) \((\d+) px\): (\S+) ms, (within|over) the budget$", line.strip())
        if not m:
            continue
        phi, ms = float(m.group(1)), float(m.group(3))
        assert phi not in probes, f"phi {phi} measured twice"
        assert (m.group(4) == "within") == (ms <= budget), line
        probes[phi] = ms
    lines = open(out).read().splitlines()
    if not lines:
        text = open(err).read()
        m = re.search(r"error: no phi from (\S+) to \S+ fits \S+ ms: phi (\S+) takes (\S+) ms", text)
        assert m, "no answer and no 'no phi fits' error"
        lowest, ms = float(m.group(2)), float(m.group(3))
        assert lowest == float(m.group(1)) and lowest == min(probes), m.group(0)
        assert abs(probes[lowest] - ms) < 1e-3 and ms > budget, m.group(0)
        print(f"consistent: {len(probes)} probes, none within the budget")
        return
    m = re.match(r"phi (\S+): resolution \d+, .* (\S+) ms at batch", lines[0])
    assert m, lines[0]
    chosen, ms = float(m.group(1)), float(m.group(2))
    assert chosen in probes, f"phi {chosen} was not measured"
    assert abs(probes[chosen] - ms) < 1e-3 and ms <= budget, lines[0]
    m = re.match(r"phi (\S+) is --phi-max$", lines[1])
    if m:
        assert float(m.group(1)) == chosen == max(probes), lines[1]
        print(f"consistent: {len(probes)} probes, all within the budget")
        return
    m = re.match(r"next phi (\S+): (\S+) ms, over the budget$", lines[1])
    assert m, lines[1]
    above, above_ms = float(m.group(1)), float(m.group(2))
    assert abs(above - chosen - step) < 1e-6, lines[1]
    assert above in probes and abs(probes[above] - above_ms) < 1e-3 and above_ms > budget, lines[1]
    print(f"consistent: {len(probes)} probes, phi {chosen} within the budget, phi {above} over")


if __name__ == "__main__":
    main()
