"""Reference trajectory of the Lion optimizer for examples/lion/test/lion.test.ts.

Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
Algorithm 2), written as lucidrains' lion-pytorch `update_fn` (PyTorch 1.13
has no Lion):

    p  <- p * (1 - lr * wd)                          # decoupled weight decay
    c  <- beta1 * m + (1 - beta1) * g
    p  <- p - lr * sign(c)
    m  <- beta2 * m + (1 - beta2) * g

Two parameters (w [4, 3], b [3]) in float32, 20 steps with gradients drawn
beforehand (N(0, 1), numpy seed 0), so the reference exercises the update
rule alone; the params after every step and the final momentum are saved.

Run: /usr/bin/python3 examples/lion/scripts/fixtures.py
"""
import json
import os

import numpy as np
import torch

LR, BETAS, WD, STEPS = 0.01, (0.9, 0.99), 0.1, 20
SHAPES = {"w": (4, 3), "b": (3,)}


def update_fn(p, grad, exp_avg, lr, wd, beta1, beta2):
    # lucidrains/lion-pytorch, lion_pytorch/lion_pytorch.py
    p.data.mul_(1 - lr * wd)
    update = exp_avg.clone().mul_(beta1).add(grad, alpha=1 - beta1).sign_()
    p.add_(update, alpha=-lr)
    exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)


def main():
    rng = np.random.default_rng(0)
    init = {k: rng.uniform(-1, 1, size=s).astype(np.float32) for k, s in SHAPES.items()}
    grads = [{k: rng.standard_normal(size=s).astype(np.float32) for k, s in SHAPES.items()} for _ in range(STEPS)]
    params = {k: torch.tensor(v) for k, v in init.items()}
    moments = {k: torch.zeros_like(v) for k, v in params.items()}
    trajectory = []
    with torch.no_grad():
        for g in grads:
            for k in SHAPES:
                update_fn(params[k], torch.tensor(g[k]), moments[k], LR, WD, *BETAS)
            trajectory.append({k: params[k].flatten().tolist() for k in SHAPES})
    out = {
        "source": "examples/lion/scripts/fixtures.py (torch %s), lucidrains lion-pytorch update_fn" % torch.__version__,
        "lr": LR,
        "betas": list(BETAS),
        "weightDecay": WD,
        "shapes": {k: list(s) for k, s in SHAPES.items()},
        "init": {k: v.flatten().tolist() for k, v in init.items()},
        "grads": [{k: v.flatten().tolist() for k, v in g.items()} for g in grads],
        "params": trajectory,
        "expAvg": {k: v.flatten().tolist() for k, v in moments.items()},
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "lion-reference.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
