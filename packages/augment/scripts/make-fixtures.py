#!/usr/bin/python3
"""PIL (Pillow 9.4) reference outputs for the AutoAugment photometric ops.

Writes test/fixtures/pil-ops.json: two 7x6 RGB uint8 images and what
PIL.ImageOps / ImageEnhance make of them. The tests compare gradkit's float
ops on x/255 to these 8-bit results.
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
