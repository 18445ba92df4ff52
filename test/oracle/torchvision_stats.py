#!/usr/bin/python3
"""Prints torchvision 0.14's parameter and multiply-add counts for EfficientNet variants.

The oracle for `effnetc --stats`: parameters are every trainable tensor (convolution
and dense weights and biases, batch-norm scale and shift; running statistics are
buffers and excluded); multiply-adds are those of Conv2d and Linear layers, counted
with forward hooks on one image at the given resolution.

Usage: torchvision_stats.py VARIANT RESOLUTION [NUM_CLASSES]
VARIANT is b0-b7, v2_s, v2_m, v2_l, or phi:F for B0 scaled by width 1.1^F and
depth 1.2^F (torchvision's own _efficientnet_conf with those multipliers).
Prints: `params: N` and `macs: N`.
"""
import sys

import torch
import torchvision.models as tvm
from torchvision.models import efficientnet as tve


def build(variant, num_classes):
    if variant.startswith("phi:"):
        phi = float(variant[4:])
        setting, last_channel = tve._efficientnet_conf(
            "efficientnet_b0", width_mult=1.1**phi, depth_mult=1.2**phi)
        return tve.EfficientNet(setting, 0.2, last_channel=last_channel,
                                num_classes=num_classes)
    name = "efficientnet_" + variant
    if not hasattr(tvm, name):
        raise SystemExit(f"unknown variant '{variant}'")
    return getattr(tvm, name)(weights=None, num_classes=num_classes)


def count_macs(model, resolution):
    total = [0]

    def conv_hook(module, inputs, output):
        k = module.kernel_size[0] * module.kernel_size[1]
        cin = module.in_channels // module.groups
        total[0] += output.numel() * cin * k

    def linear_hook(module, inputs, output):
        total[0] += output.numel() * module.in_features

    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, torch.nn.Linear):
            m.register_forward_hook(linear_hook)
    with torch.no_grad():
        model(torch.zeros(1, 3, resolution, resolution))
    return total[0]


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    variant, resolution = sys.argv[1], int(sys.argv[2])
    num_classes = int(sys.argv[3]) if len(sys.argv) == 4 else 1000
    model = build(variant, num_classes).eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"params: {params}")
    print(f"macs: {count_macs(model, resolution)}")


if __name__ == "__main__":
    main()
