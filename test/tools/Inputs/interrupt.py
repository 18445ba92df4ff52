"""interrupt.py TMP SIGNAL COMMAND...: runs COMMAND with TMPDIR set to the
empty folder TMP, sends it SIGNAL as soon as its last scratch file
(NAME_runtime.o) appears in TMP (they are all made before compiling
begins), waits for it to end and prints how it ended and what it left in
TMP. A signal that arrives while the scratch files are being made can leave
one made after LLVM's handler removed the others: effnetc's cleanup on a
signal is LLVM's, best effort."""
import os
import signal
import subprocess
import sys
import time

tmp, signame, command = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(tmp, exist_ok=True)
if os.listdir(tmp):
    sys.exit(f"{tmp} is not empty")
# As from a terminal: lit's workers ignore SIGINT, and their children would
# inherit that.
def default_signals():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


process = subprocess.Popen(command, env=dict(os.environ, TMPDIR=tmp),
                           preexec_fn=default_signals)
deadline = time.monotonic() + 300
while not any(f.endswith("_runtime.o") for f in os.listdir(tmp)):
    if process.poll() is not None:
        sys.exit(f"ended ({process.returncode}) before writing to {tmp}")
    if time.monotonic() > deadline:
        process.kill()
        sys.exit(f"wrote nothing to {tmp} in 300 s")
    time.sleep(0.002)
process.send_signal(getattr(signal, signame))
status = process.wait(timeout=300)
left = sorted(os.listdir(tmp))
print(f"status {status}")
print("left: " + (" ".join(left) if left else "nothing"))
