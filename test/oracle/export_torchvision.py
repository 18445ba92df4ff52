#!/usr/bin/python3
"""Exports a seeded torchvision 0.14 EfficientNet as safetensors, with a reference run.

The oracle for `effnet-bind-weights` and, later, for compiled models: the file
holds model.state_dict() (torchvision's names, I64 num_batches_tracked
included) laid out as safetensors.torch.save_file lays it out, with
__metadata__ {"format": "pt"}.

Usage: export_torchvision.py VARIANT OUT.safetensors [--seed S] [--num-classes K]
           [--resolution R] [--batch B] [--input IN.bin --output REF.bin]

VARIANT is b0-b7, v2_s, v2_m or v2_l. The model is built without pretrained
weights from torch.manual_seed(S): convolution and dense weights keep
torchvision's initialization; batch norms get weight U(0.5, 1.5), bias
U(-0.2, 0.2), running_mean U(-0.2, 0.2) and running_var U(0.5, 1.5), and
convolution and dense biases (zero in torchvision's initialization) U(-0.2,
0.2), so that no part of the arithmetic is trivially an identity. With --input
and --output it runs the model in eval mode on a seeded N(0, 1) NCHW float32
input of B images at R x R (default: the variant's resolution, as effnetc
uses it) and writes the input and the B x K logits as raw little-endian
float32. With --tf-same-padding the reference run gives every convolution
wider than 1 x 1 TensorFlow's "same" padding instead of torchvision's, computed
here from its definition (see tf_same_padding), for checkpoints ported from
TensorFlow.
"""
import argparse
import os
import sys

import torch
import torchvision.models as tvm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_file  # noqa: E402

# The paper's resolutions, which effnetc uses (models/Models.cpp).
RESOLUTIONS = {"b0": 224, "b1": 240, "b2": 260, "b3": 300, "b4": 380,
               "b5": 456, "b6": 528, "b7": 600, "v2_s": 384, "v2_m": 480,
               "v2_l": 480}

DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def build(variant, num_classes, seed, in_channels=3):
    torch.manual_seed(seed)
    model = getattr(tvm, "efficientnet_" + variant)(weights=None,
                                                    num_classes=num_classes)
    if in_channels != 3:
        # torchvision builds RGB models only: the stem convolution is
        # replaced by one of `in_channels` inputs, as EfficientNet-PyTorch's
        # in_channels does, with torchvision's initialization.
        old = model.features[0][0]
        stem = torch.nn.Conv2d(in_channels, old.out_channels, old.kernel_size,
                               old.stride, old.padding, bias=False)
        torch.nn.init.kaiming_normal_(stem.weight, mode="fan_out")
        model.features[0][0] = stem
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
            elif isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                if m.bias is not None:
                    m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def tf_same_padding(model):
    """Pads every convolution wider than 1 x 1 as TensorFlow's "same" does.

    Per dimension: total = max((ceil(in / stride) - 1) * stride +
    (kernel - 1) * dilation + 1 - in, 0); before = total // 2, after = the
    rest; torch.nn.functional.pad, then conv2d without padding.
    """
    def amounts(size, kernel, stride, dilation):
        out = -(-size // stride)
        total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
        return total // 2, total - total // 2

    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d) and m.kernel_size != (1, 1):
            def forward(x, m=m):
                top, bottom = amounts(x.shape[2], m.kernel_size[0],
                                      m.stride[0], m.dilation[0])
                left, right = amounts(x.shape[3], m.kernel_size[1],
                                      m.stride[1], m.dilation[1])
                x = torch.nn.functional.pad(x, (left, right, top, bottom))
                return torch.nn.functional.conv2d(x, m.weight, m.bias,
                                                  m.stride, 0, m.dilation,
                                                  m.groups)
            m.forward = forward


def save(model, path):
    tensors = {}
    for name, t in model.state_dict().items():
        dtype, numpy_dtype = DTYPES[t.dtype]
        data = t.detach().contiguous().numpy().astype(numpy_dtype).tobytes()
        tensors[name] = (dtype, list(t.shape), data)
    safetensors_file.write(path, tensors, {"format": "pt"})


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variant", choices=sorted(RESOLUTIONS))
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--num-classes", type=int, default=1000)
    parser.add_argument("--resolution", type=int)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--input")
    parser.add_argument("--output")
    parser.add_argument("--onnx", help="also write the model as ONNX (any batch)")
    parser.add_argument("--in-channels", type=int, default=3,
                        help="channels of the input image (stem replaced)")
    parser.add_argument("--tf-same-padding", action="store_true",
                        help="the reference run pads as TensorFlow does")
    parser.add_argument("--pretrained", action="store_true",
                        help="torchvision's ImageNet weights instead of "
                             "random ones (downloads them; needs a network)")
    args = parser.parse_args()
    if (args.input is None) != (args.output is None):
        parser.error("--input and --output go together")

    torch.set_num_threads(2)
    if args.pretrained:
        model = getattr(tvm, "efficientnet_" + args.variant)(
            weights="DEFAULT").eval()
    else:
        model = build(args.variant, args.num_classes, args.seed,
                      args.in_channels)
    save(model, args.out)
    if args.onnx:
        resolution = args.resolution or RESOLUTIONS[args.variant]
        torch.onnx.export(model, torch.zeros(1, args.in_channels, resolution,
                                             resolution),
                          args.onnx, opset_version=13, input_names=["input"],
                          output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"},
                                        "logits": {0: "batch"}})
    if args.input is None:
        return
    resolution = args.resolution or RESOLUTIONS[args.variant]
    if args.tf_same_padding:
        tf_same_padding(model)
    generator = torch.Generator().manual_seed(args.seed)
    x = torch.randn(args.batch, args.in_channels, resolution, resolution,
                    generator=generator, dtype=torch.float32)
    with torch.no_grad():
        logits = model(x)
    with open(args.input, "wb") as f:
        f.write(x.numpy().astype("<f4").tobytes())
    with open(args.output, "wb") as f:
        f.write(logits.numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
