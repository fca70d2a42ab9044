"""Reference values and gradients of Mish for examples/mish/test/mish.test.ts:
torch 1.13's torch.nn.functional.mish (Misra 2019, x * tanh(softplus(x))),
float32, at 61 points in [-20, 20] plus a few large ones.

Run: /usr/bin/python3 examples/mish/scripts/fixtures.py
"""
import json
import os

import torch

xs = [round(-6 + 0.2 * i, 6) for i in range(61)] + [-20.0, -12.0, 12.0, 20.0]
x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
y = torch.nn.functional.mish(x)
(grad,) = torch.autograd.grad(y.sum(), x)
out = {
    "source": "examples/mish/scripts/fixtures.py, torch %s torch.nn.functional.mish" % torch.__version__,
    "x": x.detach().tolist(),
    "y": y.detach().tolist(),
    "dydx": grad.tolist(),
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "mish-torch.json")
with open(path, "w") as f:
    json.dump(out, f)
    f.write("\n")
print("wrote", os.path.normpath(path))
