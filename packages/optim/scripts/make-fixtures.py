#!/usr/bin/python3
"""Writes test/fixtures/trajectories.json: PyTorch 1.13 optimizer trajectories.

The problem (float32 throughout, as gradkit's parameters are float32):
    x in R^2, y in R^3, starting at x = (-1.2, 1.0), y = (0.5, -0.3, 0.8)
    f(x, y) = (1 - x0)^2 + 5 (x1 - x0^2)^2 + x1 * sum(sin(2 y)) + 0.5 * |y|^2
a Rosenbrock-like valley in x coupled to a periodic term in y: non-convex.
Its gradient is written out by hand (the same formulas as
test/problem.ts), so both sides differ only by float32 rounding:
    df/dx0 = -2 (1 - x0) - 20 x0 (x1 - x0^2)
    df/dx1 = 10 (x1 - x0^2) + sum(sin(2 y))
    df/dy  = 2 x1 cos(2 y) + y

For each setting: 30 steps; "x" and "y" hold the parameters after every step
(30 entries each). Run: /usr/bin/python3 packages/optim/scripts/make-fixtures.py
"""
import json
import os

import torch

STEPS = 30
DT = torch.float32


def grads(x, y):
    r = x[1] - x[0] * x[0]
    gx0 = -2 * (1 - x[0]) - 20 * x[0] * r
    gx1 = 10 * r + torch.sin(2 * y).sum()
    gy = 2 * x[1] * torch.cos(2 * y) + y
    return torch.stack([gx0, gx1]), gy


# (fixture name, torch class, torch kwargs, gradkit options)
SETTINGS = [
    ("sgd", torch.optim.SGD, dict(lr=0.02), dict(lr=0.02)),
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.01, momentum=0.9), dict(lr=0.01, momentum=0.9)),
    ("sgd_dampening", torch.optim.SGD, dict(lr=0.01, momentum=0.9, dampening=0.3), dict(lr=0.01, momentum=0.9, dampening=0.3)),
    ("sgd_nesterov", torch.optim.SGD, dict(lr=0.01, momentum=0.8, nesterov=True), dict(lr=0.01, momentum=0.8, nesterov=True)),
    ("sgd_weight_decay", torch.optim.SGD, dict(lr=0.02, momentum=0.5, weight_decay=0.1), dict(lr=0.02, momentum=0.5, weightDecay=0.1)),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.3), dict(lr=0.3)),
    ("adagrad_lr_decay", torch.optim.Adagrad,
     dict(lr=0.3, lr_decay=0.05, initial_accumulator_value=0.5, weight_decay=0.01, eps=1e-6),
     dict(lr=0.3, lrDecay=0.05, initialAccumulatorValue=0.5, weightDecay=0.01, eps=1e-6)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=0.005), dict(lr=0.005)),
    ("rmsprop_centered", torch.optim.RMSprop, dict(lr=0.005, centered=True), dict(lr=0.005, centered=True)),
    ("rmsprop_momentum", torch.optim.RMSprop, dict(lr=0.003, momentum=0.7), dict(lr=0.003, momentum=0.7)),
    ("rmsprop_centered_momentum", torch.optim.RMSprop,
     dict(lr=0.003, momentum=0.7, centered=True, alpha=0.9, weight_decay=0.01),
     dict(lr=0.003, momentum=0.7, centered=True, alpha=0.9, weightDecay=0.01)),
    ("adadelta", torch.optim.Adadelta, dict(lr=0.8, rho=0.95, eps=1e-5), dict(lr=0.8, rho=0.95, eps=1e-5)),
    ("adadelta_weight_decay", torch.optim.Adadelta, dict(lr=2.0, weight_decay=0.05), dict(lr=2.0, weightDecay=0.05)),
    ("adam", torch.optim.Adam, dict(lr=0.05), dict(lr=0.05)),
    ("adam_weight_decay", torch.optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1),
     dict(lr=0.05, betas=[0.8, 0.99], weightDecay=0.1)),
    ("adam_amsgrad", torch.optim.Adam, dict(lr=0.05, amsgrad=True), dict(lr=0.05, amsgrad=True)),
    ("adamw", torch.optim.AdamW, dict(lr=0.05), dict(lr=0.05)),
    ("adamw_amsgrad", torch.optim.AdamW, dict(lr=0.05, weight_decay=0.1, amsgrad=True, eps=1e-6),
     dict(lr=0.05, weightDecay=0.1, amsgrad=True, eps=1e-6)),
]


def run(cls, kwargs):
    x = torch.tensor([-1.2, 1.0], dtype=DT, requires_grad=True)
    y = torch.tensor([0.5, -0.3, 0.8], dtype=DT, requires_grad=True)
    opt = cls([x, y], **kwargs)
    xs, ys = [], []
    for _ in range(STEPS):
        with torch.no_grad():
            gx, gy = grads(x, y)
        x.grad, y.grad = gx.clone(), gy.clone()
        opt.step()
        xs.append([float(v) for v in x.detach()])
        ys.append([float(v) for v in y.detach()])
    return xs, ys


def main():
    out = {
        "torch": torch.__version__,
        "dtype": "float32",
        "steps": STEPS,
        "x0": [-1.2, 1.0],
        "y0": [0.5, -0.3, 0.8],
        "settings": {},
    }
    for name, cls, kwargs, options in SETTINGS:
        xs, ys = run(cls, kwargs)
        out["settings"][name] = {"optimizer": cls.__name__.lower(), "options": options, "x": xs, "y": ys}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "trajectories.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path), len(SETTINGS), "settings")


if __name__ == "__main__":
    main()
