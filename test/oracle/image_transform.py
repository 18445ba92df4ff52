#!/usr/bin/python3
"""References for a library's image entries (NAME_run_image): images of any
size through torchvision 0.14's evaluation transform, then the model.

Usage: image_transform.py VARIANT OUT.safetensors --resolution R --resize S
           [--antialias] [--seed N] [--num-classes K] [--normalize HOW]
           --case NAME:WIDTHxHEIGHT:ROW_STRIDE:BATCH ... --dir DIR

Builds the seeded model export_torchvision.py builds, with its batch norms'
statistics measured on images drawn as the cases' are (smooth photographs
give activations unlike the random inputs export_torchvision.py calibrates
on: uncalibrated, B0's logits reached 7000 and float32 runs differed from
float64 ones by 1e-4), saves its weights, then for each case draws BATCH images of WIDTH x HEIGHT 8-bit RGB pixels
(smooth gradients, edges and noise, as photographs have; seeded by the case)
and writes, in DIR:
  NAME.pixels  the images as the library takes them: rows ROW_STRIDE bytes
               apart, the bytes between rows 0xAB, images back to back;
  NAME.input   what torchvision's transform gives for them, float32 NCHW:
               F.resize(img, [S], BILINEAR, antialias) on the image as a
               uint8 tensor, F.center_crop(img, [R]), F.convert_image_dtype
               and F.normalize (without --antialias, the same as
               torchvision's ImageClassification(crop_size=R, resize_size=S,
               interpolation=BILINEAR), which is checked);
  NAME.ref     the model's logits for NAME.input, computed in float64 (the
               float32 run must agree within 5e-5 of their range), float32.
"""
import argparse
import copy
import os
import sys

import numpy as np
import torch
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
from torchvision.transforms._presets import ImageClassification

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torchvision  # noqa: E402

NORMALIZATIONS = {"imagenet": ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
                  "advprop": ([0.5] * 3, [0.5] * 3)}


def draw(width, height, seed):
    """A height x width x 3 uint8 image: two smooth waves per channel, a
    hard-edged disc, a band of one-pixel stripes and noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    image = np.empty((height, width, 3))
    for c in range(3):
        fx, fy = rng.uniform(0.5, 4, 2) * 2 * np.pi
        image[..., c] = 128 + 90 * np.sin(fx * x / width + c) * np.cos(
            fy * y / height + 2 * c)
    disc = (x - width * rng.uniform(0.3, 0.7)) ** 2 + \
        (y - height * rng.uniform(0.3, 0.7)) ** 2 < (min(width, height) / 4) ** 2
    image[disc] = rng.uniform(0, 255, 3)
    band = (y > height * 0.7) & (y < height * 0.8)
    image[band] = np.where((x[band] % 2)[:, None] == 0, 20, 235)
    image += rng.normal(0, 12, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def transform(image, resolution, resize, antialias, mean, std):
    """torchvision's evaluation transform of one H x W x 3 uint8 image."""
    tensor = torch.from_numpy(image).permute(2, 0, 1).contiguous()
    resized = F.resize(tensor, [resize], InterpolationMode.BILINEAR,
                       antialias=antialias)
    cropped = F.center_crop(resized, [resolution])
    out = F.normalize(F.convert_image_dtype(cropped, torch.float), mean, std)
    if not antialias:
        preset = ImageClassification(crop_size=resolution, resize_size=resize,
                                     mean=mean, std=std,
                                     interpolation=InterpolationMode.BILINEAR)
        if not torch.equal(preset(tensor), out):
            raise SystemExit("torchvision's preset and the functions differ")
    return out


def calibrate(model, resolution, resize, antialias, mean, std, seed):
    """Each batch norm's running statistics, as training would measure them
    (the rest of the model in eval mode), on 32 transformed images of sizes
    and content drawn as the cases' are, from seeds the cases do not use."""
    rng = np.random.default_rng(seed + 7919)
    images = []
    for n in range(32):
        width, height = (int(v) for v in rng.integers(resolution // 2,
                                                      4 * resolution, 2))
        image = draw(width, height, 10 ** 6 + seed * 100 + n)
        images.append(transform(image, resolution, resize, antialias, mean,
                                std))
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    with torch.no_grad():
        model(torch.stack(images))
    for m in norms:
        m.momentum = 0.1
    model.eval()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variant")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--num-classes", type=int, default=1000)
    parser.add_argument("--resolution", type=int, required=True)
    parser.add_argument("--resize", type=int, required=True)
    parser.add_argument("--antialias", action="store_true")
    parser.add_argument("--normalize", choices=sorted(NORMALIZATIONS),
                        default="imagenet")
    parser.add_argument("--case", action="append", required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()

    torch.set_num_threads(2)
    model = export_torchvision.build(args.variant, args.num_classes, args.seed,
                                     resolution=args.resolution)
    mean, std = NORMALIZATIONS[args.normalize]
    calibrate(model, args.resolution, args.resize, args.antialias, mean, std,
              args.seed)
    export_torchvision.save(model, args.out)
    wide = copy.deepcopy(model).double()
    for index, case in enumerate(args.case):
        name, size, stride, batch = case.split(":")
        width, height = (int(v) for v in size.split("x"))
        stride, batch = int(stride), int(batch)
        if stride < 3 * width:
            parser.error(f"case {name}: a row stride below 3 x width")
        pixels = np.full((batch, height, stride), 0xAB, dtype=np.uint8)
        inputs = []
        for n in range(batch):
            image = draw(width, height, args.seed * 1000 + index * 10 + n)
            pixels[n, :, :3 * width] = image.reshape(height, 3 * width)
            inputs.append(transform(image, args.resolution, args.resize,
                                    args.antialias, mean, std))
        x = torch.stack(inputs)
        # The reference is the model run in float64 on torchvision's
        # floats; torch's own float32 run must be within half the tests'
        # tolerance of it, or a check at 1e-4 would mean little.
        with torch.no_grad():
            logits = wide(x.double())
            drift = (model(x).double() - logits).abs().max() / \
                logits.abs().max()
        if not drift < 5e-5:
            raise SystemExit(f"case {name}: torch's float32 logits differ "
                             f"from float64's by {drift:.1e} of their range")
        base = os.path.join(args.dir, name)
        pixels.tofile(base + ".pixels")
        x.numpy().astype("<f4").tofile(base + ".input")
        logits.numpy().astype("<f4").tofile(base + ".ref")


if __name__ == "__main__":
    main()
