"""Checks a schedule file's in-model screen (effnet-tune's screenInModel)
against its own rule: a tuned kernel's line gives its time inside the
model at most 0.97x of the default's; a winner screened out says it was
over 0.97x there (both as printed, to two places); no more tuned kernels
than the header's kept count (the whole-model check may drop some after).
Usage: check_screen.py FILE"""
import re
import sys

text = open(sys.argv[1]).read()
header = re.search(r"^# Each winner timed inside the model .*: (\d+) of (\d+) "
                   r"kept, at least 3% faster", text, re.M)
if not header:
    sys.exit("no screen header")
kept, screened = int(header.group(1)), int(header.group(2))
tuned = [float(r) for r in re.findall(
    r"^# .*: tuned [\d.]+ ms, default [\d.]+ ms \([\d.]+x\), in the model "
    r"([\d.]+)x", text, re.M)]
slower = [float(r) for r in re.findall(r", ([\d.]+)x inside the model", text)]
errors = []
if any(r > 0.97 for r in tuned):
    errors.append(f"a tuned kernel over 0.97x in the model: {tuned}")
if any(r < 0.97 for r in slower):
    errors.append(f"a screened-out kernel under 0.97x: {slower}")
if len(tuned) > kept:
    errors.append(f"{len(tuned)} tuned kernels, {kept} kept")
if kept + len(slower) != screened:
    errors.append(f"{kept} kept and {len(slower)} out of {screened}")
if errors:
    sys.exit("; ".join(errors))
print(f"screen: {kept} of {screened} kept, {len(tuned)} tuned in the file")
