#!/usr/bin/python3
"""Times torchvision's model in PyTorch (eager, no_grad): median of RUNS
calls on BATCH images after warm-up, per thread count. Prints
"threads median_ms".
Usage: torch_time.py VARIANT RESOLUTION BATCH RUNS THREADS..."""
import statistics
import sys
import time

import torch
import torchvision.models as tvm


def main():
    variant, resolution = sys.argv[1], int(sys.argv[2])
    batch, runs = int(sys.argv[3]), int(sys.argv[4])
    model = getattr(tvm, "efficientnet_" + variant)(weights=None).eval()
    x = torch.full((batch, 3, resolution, resolution), 0.5)
    for threads in map(int, sys.argv[5:]):
        torch.set_num_threads(threads)
        times = []
        with torch.no_grad():
            for _ in range(5):
                model(x)
            for _ in range(runs):
                start = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - start) * 1e3)
        print(f"{threads} {statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
