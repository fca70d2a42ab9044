#!/usr/bin/python3
"""Reference outputs for @gradkit/augment's tests.

- test/fixtures/pil-ops.json: two 7x6 RGB uint8 images and what Pillow 9.4's
  ImageOps / ImageEnhance make of them (AutoAugment's photometric ops).
- test/fixtures/grid-sample.json: lens distortion and affine warps of a
  random float64 batch, sampled by torch 1.13's grid_sample (bilinear,
  zero padding, align_corners=True, i.e. pixel centers at integers).
"""
import json
import os

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

rng = np.random.default_rng(0)
# Image 0: values in a narrow band (so equalize/autocontrast do something); image 1: full range.
images = [rng.integers(60, 140, size=(7, 6, 3), dtype=np.uint8), rng.integers(0, 256, size=(7, 6, 3), dtype=np.uint8)]

out = {"shape": [2, 7, 6, 3], "input": np.stack(images).flatten().tolist(), "ops": {}}


def run(name, fn):
    out["ops"][name] = np.stack([np.asarray(fn(Image.fromarray(im))) for im in images]).flatten().tolist()


run("equalize", ImageOps.equalize)
run("autocontrast", ImageOps.autocontrast)
run("posterize3", lambda im: ImageOps.posterize(im, 3))
run("solarize128", lambda im: ImageOps.solarize(im, 128))
run("invert", ImageOps.invert)
run("sharpness1.8", lambda im: ImageEnhance.Sharpness(im).enhance(1.8))

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "pil-ops.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)

# --- Sampling grids against torch.nn.functional.grid_sample (torch 1.13) ---
import math  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

N, H, W, C = 2, 6, 7, 2
img = torch.rand(N, H, W, C, generator=torch.Generator().manual_seed(0), dtype=torch.float64)


def sample(src_x, src_y):
    """Bilinear, zero padding, pixel centers at integers: grid_sample with align_corners=True."""
    grid = torch.stack([src_x / (W - 1) * 2 - 1, src_y / (H - 1) * 2 - 1], dim=-1)
    out = F.grid_sample(img.permute(0, 3, 1, 2), grid, mode="bilinear", padding_mode="zeros", align_corners=True)
    return out.permute(0, 2, 3, 1)


ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64), indexing="ij")
cx, cy = (W - 1) / 2, (H - 1) / 2

# Lens: r' = r(1 + k r^2), coordinates centered and divided by half the longer side.
ks = [0.3, -0.25]
half = max(W - 1, H - 1) / 2
u, v = (xs - cx) / half, (ys - cy) / half
f = torch.stack([1 + k * (u * u + v * v) for k in ks])
lens = sample(u * f * half + cx, v * f * half + cy)

# Affine: forward M = T(c + t) R(angle) Shear Scale T(-c); sample at M^-1 (output pixel).
params = [dict(angle=30.0, translate=(1.0, 0.0), scale=(1.1, 0.9), shear=(10.0, 0.0)), dict(angle=-75.0, translate=(0.0, -1.0), scale=(1.0, 1.0), shear=(0.0, -8.0))]
src_x, src_y = [], []
for p in params:
    t = math.radians(p["angle"])
    R = torch.tensor([[math.cos(t), math.sin(t), 0], [-math.sin(t), math.cos(t), 0], [0, 0, 1]], dtype=torch.float64)
    Sh = torch.tensor([[1, math.tan(math.radians(p["shear"][0])), 0], [math.tan(math.radians(p["shear"][1])), 1, 0], [0, 0, 1]], dtype=torch.float64)
    S = torch.diag(torch.tensor([p["scale"][0], p["scale"][1], 1.0], dtype=torch.float64))
    T0 = torch.tensor([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]], dtype=torch.float64)
    T1 = torch.tensor([[1, 0, cx + p["translate"][0]], [0, 1, cy + p["translate"][1]], [0, 0, 1]], dtype=torch.float64)
    Minv = torch.linalg.inv(T1 @ R @ Sh @ S @ T0)
    src_x.append(Minv[0, 0] * xs + Minv[0, 1] * ys + Minv[0, 2])
    src_y.append(Minv[1, 0] * xs + Minv[1, 1] * ys + Minv[1, 2])
affine = sample(torch.stack(src_x), torch.stack(src_y))

grids = {
    "shape": [N, H, W, C],
    "input": img.flatten().tolist(),
    "lens": {"k": ks, "output": lens.flatten().tolist()},
    "affine": {"params": params, "output": affine.flatten().tolist()},
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "grid-sample.json")
with open(path, "w") as f:
    json.dump(grids, f)
print("wrote", path)
