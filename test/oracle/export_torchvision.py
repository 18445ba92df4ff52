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
torchvision's initialization; batch norms get weight U(0.5, 1.5) and bias
U(-0.2, 0.2), and running statistics measured on random images (see
calibrate), and convolution and dense biases (zero in torchvision's
initialization) U(-0.2, 0.2), so that no part of the arithmetic is trivially
an identity and the output depends on the input. With --input
and --output it runs the model in eval mode on a seeded N(0, 1) NCHW float32
input of B images at R x R (default: the variant's resolution, as effnetc
uses it) and writes the input and the B x K logits as raw little-endian
float32. With --tf-same-padding the reference run gives every convolution
wider than 1 x 1 TensorFlow's "same" padding instead of torchvision's, computed
here from its definition (see tf_same_padding), for checkpoints ported from
TensorFlow. With --outputs, the tensors a backbone returns (effnetc --outputs)
are written instead of the logits, one file each (see run_outputs). With
--rgb8 the input is 8-bit RGB pixels, normalized for the reference run as
torchvision's transforms do (--normalize). With --bn-eps every BatchNorm2d
of the reference model gets that epsilon (TensorFlow's checkpoints use 1e-3).

With --naming the file holds the same state_dict under another package's
names: `efficientnet-pytorch` (lukemelas/EfficientNet-PyTorch,
efficientnet_pytorch/model.py; B variants only) or `timm`
(huggingface/pytorch-image-models, timm/models/efficientnet.py and
_efficientnet_blocks.py). Neither package is installed here, so the tests
build such files by renaming torchvision's; the renaming (rename_modules) is
written from those packages' module structure, apart from effnetc's map.
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

NAMINGS = ("torchvision", "efficientnet-pytorch", "timm")


def block_layers(block):
    """The parts of a torchvision MBConv or FusedMBConv: a dict from
    "expand", "dw", "se" and "project" to the index in block.block."""
    from torchvision.models.efficientnet import FusedMBConv
    from torchvision.ops.misc import SqueezeExcitation
    parts = {}
    layers = list(block.block)
    if isinstance(block, FusedMBConv):
        # A KxK expansion and a 1x1 projection, or one KxK convolution.
        names = ["expand", "project"] if len(layers) == 2 else ["project"]
        return dict(zip(names, range(len(layers))))
    for i, layer in enumerate(layers):
        if isinstance(layer, SqueezeExcitation):
            parts["se"] = i
        elif layer[0].groups > 1:
            parts["dw"] = i
        elif "dw" in parts:
            parts["project"] = i
        else:
            parts["expand"] = i
    return parts


def rename_modules(model, naming):
    """A dict from torchvision's module names (of convolutions, batch norms,
    squeeze-excite's convolutions and the classifier) to `naming`'s."""
    from torchvision.models.efficientnet import FusedMBConv
    stages = list(model.features)[1:-1]
    head = len(stages) + 1
    if naming == "efficientnet-pytorch":
        # EfficientNet: _conv_stem, _bn0, _blocks (one flat list), _conv_head,
        # _bn1, _fc; MBConvBlock: _expand_conv, _bn0, _depthwise_conv, _bn1,
        # _se_reduce, _se_expand, _project_conv, _bn2.
        names = {"features.0.0": "_conv_stem", "features.0.1": "_bn0",
                 f"features.{head}.0": "_conv_head",
                 f"features.{head}.1": "_bn1", "classifier.1": "_fc"}
        layers = {"expand": ("_expand_conv", "_bn0"),
                  "dw": ("_depthwise_conv", "_bn1"),
                  "se": ("_se_reduce", "_se_expand"),
                  "project": ("_project_conv", "_bn2")}
        flat = 0
        for s, stage in enumerate(stages):
            for b, block in enumerate(stage):
                if isinstance(block, FusedMBConv):
                    raise SystemExit("efficientnet-pytorch has no "
                                     "Fused-MBConv blocks (B variants only)")
                for part, i in block_layers(block).items():
                    old = f"features.{s + 1}.{b}.block.{i}"
                    first, second = layers[part]
                    sub = ("fc1", "fc2") if part == "se" else ("0", "1")
                    names[f"{old}.{sub[0]}"] = f"_blocks.{flat}.{first}"
                    names[f"{old}.{sub[1]}"] = f"_blocks.{flat}.{second}"
                flat += 1
        return names
    # timm's EfficientNet: conv_stem, bn1, blocks.S.B, conv_head, bn2,
    # classifier. Its block types (from the arch defs' ds/ir/er/cn):
    # DepthwiseSeparableConv (conv_dw, bn1, se, conv_pw, bn2) for MBConv
    # without expansion, InvertedResidual (conv_pw, bn1, conv_dw, bn2, se,
    # conv_pwl, bn3) with, EdgeResidual (conv_exp, bn1, conv_pwl, bn2) for
    # Fused-MBConv with expansion, ConvBnAct (conv, bn1) without.
    names = {"features.0.0": "conv_stem", "features.0.1": "bn1",
             f"features.{head}.0": "conv_head",
             f"features.{head}.1": "bn2", "classifier.1": "classifier"}
    for s, stage in enumerate(stages):
        for b, block in enumerate(stage):
            parts = block_layers(block)
            if isinstance(block, FusedMBConv):
                layers = ({"expand": ("conv_exp", "bn1"),
                           "project": ("conv_pwl", "bn2")}
                          if "expand" in parts else
                          {"project": ("conv", "bn1")})
            elif "expand" in parts:
                layers = {"expand": ("conv_pw", "bn1"),
                          "dw": ("conv_dw", "bn2"),
                          "project": ("conv_pwl", "bn3")}
            else:
                layers = {"dw": ("conv_dw", "bn1"),
                          "project": ("conv_pw", "bn2")}
            layers["se"] = ("se.conv_reduce", "se.conv_expand")
            for part, i in parts.items():
                old = f"features.{s + 1}.{b}.block.{i}"
                first, second = layers[part]
                sub = ("fc1", "fc2") if part == "se" else ("0", "1")
                names[f"{old}.{sub[0]}"] = f"blocks.{s}.{b}.{first}"
                names[f"{old}.{sub[1]}"] = f"blocks.{s}.{b}.{second}"
    return names


def build(variant, num_classes, seed, in_channels=3, resolution=64,
          bn_eps=None):
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
                if bn_eps is not None:
                    m.eps = bn_eps
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
            elif isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                if m.bias is not None:
                    m.bias.uniform_(-0.2, 0.2)
    calibrate(model, in_channels, resolution, seed)
    return model.eval()


def hashed_pixels(count):
    """`count` bytes that look uniformly random, from a hash of each one's
    index i (NHWC order for a batch of pixels): h = i, then h ^= h >> 16,
    h *= 0x7feb352d, h ^= h >> 15, h *= 0x846ca68b, h ^= h >> 16 in 32-bit
    unsigned arithmetic, and the byte is h >> 24. A C program computes the
    same (bench/gpu_check.c). A plain multiplicative hash gave images whose
    regular pattern the calibrated model amplified: the library and
    torchvision then differed by 4e-4 of the largest logit, where random
    pixels give 1e-5."""
    import numpy as np
    mask = np.uint64(0xFFFFFFFF)
    h = np.arange(count, dtype=np.uint64)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x7feb352d)) & mask
    h ^= h >> np.uint64(15)
    h = (h * np.uint64(0x846ca68b)) & mask
    h ^= h >> np.uint64(16)
    return (h >> np.uint64(24)).astype(np.uint8)


def calibrate(model, in_channels, resolution, seed):
    """Gives every batch norm the running mean and variance of what reaches
    it, as training would: measured on random images at `resolution` (the
    rest of the model in eval mode), half N(0, 1) and half random 8-bit
    pixels normalized as ImageNet's, the two kinds of input the tests give;
    enough images that the smallest maps hold a few hundred values.

    With made-up statistics instead, the activations of a randomly
    initialized model shrink block after block until the logits no longer
    depend on the image (from the fourth stage on, two images gave logits
    equal to 1e-7): comparing logits could not see a wrong stem or a wrong
    first block. Calibrated, different images give different logits, and
    float32 and float64 runs of the model agree to about 1e-5.
    """
    model.eval()
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a plain average over the batches seen
        m.train()
    # The smallest maps are 1x1 below 64 pixels: a few hundred images are
    # enough there (at resolution 1 the uncapped count, 32768, took minutes).
    count = max(4, min(512, round(8 * (64 / resolution) ** 2)))
    generator = torch.Generator().manual_seed(seed + 1000)
    gaussian = torch.randn(count, in_channels, resolution, resolution,
                           generator=generator)
    pixels = torch.randint(0, 256, (count, in_channels, resolution,
                                    resolution), generator=generator)
    with torch.no_grad():
        model(torch.cat([gaussian, (pixels / 255.0 - 0.45) / 0.225]))
    for m in norms:
        m.momentum = 0.1
    model.eval()


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


def run_outputs(model, x, names):
    """The model's tensors named by `names`, computed with forward hooks.

    `logits` is the model's result; `features` the head convolution's
    activation (features[-1]); `reduction_K` EfficientNet-PyTorch's
    endpoints (extract_endpoints), found from their definition: walking the
    blocks from the stem's output, a block's input is the next endpoint when
    the block lowers the height, the last block's output is one unless that
    block lowers it, and the head's activation is the last.
    """
    outputs = []
    hooks = []

    def keep(module, inputs, output):
        outputs.append(output)

    units = [model.features[0]]
    for stage in model.features[1:-1]:
        units.extend(stage)
    units.append(model.features[-1])
    for unit in units:
        hooks.append(unit.register_forward_hook(keep))
    logits = model(x)
    for hook in hooks:
        hook.remove()
    stem, blocks, head = outputs[0], outputs[1:-1], outputs[-1]
    endpoints = []
    previous = stem
    for index, block in enumerate(blocks):
        if previous.shape[2] > block.shape[2]:
            endpoints.append(previous)
        elif index == len(blocks) - 1:
            endpoints.append(block)
        previous = block
    endpoints.append(head)
    result = []
    for name in names:
        if name == "logits":
            result.append(logits)
        elif name == "features":
            result.append(head)
        else:
            result.append(endpoints[int(name[len("reduction_"):]) - 1])
    return result


def normalize(pixels, how):
    """B x H x W x 3 bytes to the normalized NCHW floats the model takes:
    torchvision.transforms' ToTensor (to [0, 1]) and Normalize(mean, std)."""
    import torchvision.transforms.functional as TF
    if how == "imagenet":
        mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    elif how == "advprop":
        mean, std = [0.5] * 3, [0.5] * 3
    else:
        means, stds = how.split(":")
        mean = [float(v) for v in means.split(",")]
        std = [float(v) for v in stds.split(",")]
    images = [TF.normalize(TF.to_tensor(image.numpy()), mean, std)
              for image in pixels]
    return torch.stack(images)


def pad_raw_pixels(model, border):
    """Makes the stem pad each channel with `border` (a raw zero pixel,
    normalized) instead of zero."""
    stem = model.features[0][0]

    def forward(x, m=stem):
        pad = m.padding[0]
        padded = border.view(1, -1, 1, 1).expand(
            x.shape[0], x.shape[1], x.shape[2] + 2 * pad,
            x.shape[3] + 2 * pad).clone()
        padded[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]] = x
        return torch.nn.functional.conv2d(padded, m.weight, m.bias, m.stride,
                                          0, m.dilation, m.groups)
    stem.forward = forward


def round_weights_fp16(model):
    """The model as effnetc --fp16-weights computes it: every batch norm
    folded into the convolution in front of it (in float64, as effnetc's
    effnet-fold-batchnorm does: weight x scale, bias x scale + shift, each
    rounded to float32), then every convolution's and dense layer's weight
    rounded to the nearest IEEE half (ties to even) and widened back to
    float32; biases stay float32. (Winograd's transformed weights are
    rounded after the transform, which this does not reproduce: use it for
    models without Winograd kernels, such as B0.)"""
    nn = torch.nn
    with torch.no_grad():
        for module in list(model.modules()):
            if not isinstance(module, nn.Sequential):
                continue
            for index in range(len(module) - 1):
                conv, bn = module[index], module[index + 1]
                if not (isinstance(conv, nn.Conv2d) and
                        isinstance(bn, nn.BatchNorm2d)):
                    continue
                scale = bn.weight.double() / torch.sqrt(
                    bn.running_var.double() + bn.eps)
                shift = bn.bias.double() - bn.running_mean.double() * scale
                bias = (conv.bias.double() if conv.bias is not None
                        else torch.zeros_like(scale))
                conv.weight.copy_(
                    (conv.weight.double() * scale.view(-1, 1, 1, 1)).float())
                conv.bias = nn.Parameter((bias * scale + shift).float())
                module[index + 1] = nn.Identity()
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                module.weight.copy_(module.weight.half().float())


def save(model, path, naming="torchvision"):
    renamed = None if naming == "torchvision" else rename_modules(model, naming)
    tensors = {}
    for name, t in model.state_dict().items():
        if renamed is not None:
            module, param = name.rsplit(".", 1)
            name = renamed[module] + "." + param
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
    parser.add_argument("--outputs",
                        help="with --output, write these tensors (names "
                             "separated by commas, as effnetc --outputs "
                             "takes them) to OUTPUT.0, OUTPUT.1, ..., NCHW")
    parser.add_argument("--rgb8", action="store_true",
                        help="the input is 8-bit RGB pixels (B x R x R x 3, "
                             "written as bytes), normalized for the model "
                             "as torchvision's ToTensor and Normalize do")
    parser.add_argument("--normalize", default="imagenet",
                        help="with --rgb8: imagenet, advprop or "
                             "MEAN,MEAN,MEAN:STD,STD,STD")
    parser.add_argument("--raw-border", action="store_true",
                        help="with --rgb8, a wrong reference on purpose: the "
                             "stem pads the raw pixels with zeros before "
                             "normalizing (what folding the normalization "
                             "into the stem's weights would compute)")
    parser.add_argument("--bn-eps", type=float,
                        help="epsilon of every batch norm of the reference")
    parser.add_argument("--naming", choices=NAMINGS, default="torchvision",
                        help="the package whose names the file uses")
    parser.add_argument("--fp16-weights", action="store_true",
                        help="the reference run (--output) is of the model "
                             "as effnetc --fp16-weights computes it "
                             "(round_weights_fp16); the file written keeps "
                             "the float32 weights")
    parser.add_argument("--hashed-pixels", action="store_true",
                        help="with --rgb8: the batch's pixels are "
                             "hashed_pixels' instead of a seeded draw, so "
                             "that a C program makes the same input without "
                             "the file (bench/gpu_check.c)")
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
                      args.in_channels,
                      args.resolution or RESOLUTIONS[args.variant], args.bn_eps)
    save(model, args.out, args.naming)
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
    if args.fp16_weights:
        round_weights_fp16(model)
    generator = torch.Generator().manual_seed(args.seed)
    if args.hashed_pixels and not args.rgb8:
        parser.error("--hashed-pixels goes with --rgb8")
    if args.rgb8:
        if args.hashed_pixels:
            count = args.batch * resolution * resolution * 3
            pixels = torch.from_numpy(hashed_pixels(count)).reshape(
                args.batch, resolution, resolution, 3)
        else:
            pixels = torch.randint(0, 256,
                                   (args.batch, resolution, resolution, 3),
                                   generator=generator, dtype=torch.uint8)
        with open(args.input, "wb") as f:
            f.write(pixels.numpy().tobytes())
        x = normalize(pixels, args.normalize)
        if args.raw_border:
            pad_raw_pixels(model, normalize(torch.zeros_like(pixels[:1]),
                                            args.normalize)[0, :, 0, 0])
    else:
        x = torch.randn(args.batch, args.in_channels, resolution, resolution,
                        generator=generator, dtype=torch.float32)
        with open(args.input, "wb") as f:
            f.write(x.numpy().astype("<f4").tobytes())
    with torch.no_grad():
        if args.outputs:
            tensors = run_outputs(model, x, args.outputs.split(","))
            for index, tensor in enumerate(tensors):
                with open(f"{args.output}.{index}", "wb") as f:
                    f.write(tensor.numpy().astype("<f4").tobytes())
            return
        logits = model(x)
    with open(args.output, "wb") as f:
        f.write(logits.numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
