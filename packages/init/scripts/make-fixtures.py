#!/usr/bin/python3
"""Reference values for @gradkit/init's tests, from PyTorch (Debian's python3-torch 1.13).

Writes test/fixtures/gain.json (calculate_gain for every nonlinearity) and
test/fixtures/fan.json (_calculate_fan_in_and_fan_out for the weights of
Linear, Conv1d, Conv2d, grouped Conv2d and ConvTranspose2d, together with
the shape gradkit stores the same weight in).

Run: /usr/bin/python3 packages/init/scripts/make-fixtures.py
"""
import json
import os

import torch
from torch.nn import init

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")
os.makedirs(OUT, exist_ok=True)

gains = []
for name in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu", "selu"]:
    gains.append({"nonlinearity": name, "param": None, "gain": init.calculate_gain(name)})
for slope in [None, 0.0, 0.01, 0.2, 1.0, 5.0]:
    gains.append({"nonlinearity": "leaky_relu", "param": slope, "gain": init.calculate_gain("leaky_relu", slope)})

def nhwc(layer):
    """The shape gradkit (tfjs) stores this layer's weight in."""
    w = layer.weight
    if isinstance(layer, torch.nn.Linear):
        return [w.shape[1], w.shape[0]]  # [in, out]
    if isinstance(layer, torch.nn.ConvTranspose2d):
        # torch [in, out/g, kh, kw]; tfjs conv2dTranspose filter [kh, kw, out, in]
        return [w.shape[2], w.shape[3], w.shape[1], w.shape[0]]
    # torch [out, in/g, *k]; gradkit [*k, in/g, out]
    return list(w.shape[2:]) + [w.shape[1], w.shape[0]]

layers = {
    "Linear(784, 128)": torch.nn.Linear(784, 128),
    "Linear(10, 3)": torch.nn.Linear(10, 3),
    "Conv1d(4, 8, 5)": torch.nn.Conv1d(4, 8, 5),
    "Conv2d(3, 16, 3)": torch.nn.Conv2d(3, 16, 3),
    "Conv2d(16, 32, (5, 3))": torch.nn.Conv2d(16, 32, (5, 3)),
    "Conv2d(8, 16, 3, groups=4)": torch.nn.Conv2d(8, 16, 3, groups=4),
    "ConvTranspose2d(16, 8, 4)": torch.nn.ConvTranspose2d(16, 8, 4),
    "ConvTranspose2d(6, 9, (3, 2))": torch.nn.ConvTranspose2d(6, 9, (3, 2)),
}
fans = []
for label, layer in layers.items():
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(layer.weight)
    fans.append({"layer": label, "torchShape": list(layer.weight.shape), "gradkitShape": nhwc(layer), "fanIn": fan_in, "fanOut": fan_out})

meta = {"torch": torch.__version__, "script": "packages/init/scripts/make-fixtures.py"}
with open(os.path.join(OUT, "gain.json"), "w") as f:
    json.dump({"meta": meta, "cases": gains}, f, indent=1)
with open(os.path.join(OUT, "fan.json"), "w") as f:
    json.dump({"meta": meta, "cases": fans}, f, indent=1)
print("wrote", OUT)
