#!/usr/bin/python3
"""Reference outputs from PyTorch 1.13 for @gradkit/data's tests.

resize.json: a 3x5 RGB byte image (pixel (r, c, ch) = (37*r + 11*c + 80*ch) % 256)
resized with torch.nn.functional.interpolate(mode="bilinear",
align_corners=False) -- no antialiasing -- to 4x7 (up) and 2x3 (down),
on values scaled to [0, 1], returned HWC.
"""
import json
import os

import torch
import torch.nn.functional as F

H, W = 3, 5
img = torch.tensor([[[(37 * r + 11 * c + 80 * ch) % 256 for ch in range(3)] for c in range(W)] for r in range(H)], dtype=torch.float32)
chw = (img / 255.0).permute(2, 0, 1).unsqueeze(0)
out = {"torch": torch.__version__, "height": H, "width": W, "pixels": img.flatten().int().tolist(), "resized": {}}
for (h, w) in [(4, 7), (2, 3)]:
    r = F.interpolate(chw, size=(h, w), mode="bilinear", align_corners=False)
    out["resized"][f"{h}x{w}"] = r[0].permute(1, 2, 0).flatten().tolist()

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "test", "fixtures", "resize.json"), "w") as f:
    json.dump(out, f)
print("wrote resize.json with torch", torch.__version__)
