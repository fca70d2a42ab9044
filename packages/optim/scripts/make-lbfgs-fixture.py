#!/usr/bin/python3
"""Writes test/fixtures/lbfgs-rosenbrock.json: torch.optim.LBFGS (torch 1.13,
float64, line_search_fn="strong_wolfe") on Rosenbrock f(x, y) = (1 - x)^2 +
100 (y - x^2)^2 from (-1.5, 2).

- "perStep": max_iter=1 per step() call, 60 calls; the iterate after each call,
  for history_size 100 (the default), 3 and 1.
- "fixedStep": line_search_fn=None, lr=0.5, history_size=10: 30 calls of max_iter=1
  and 6 calls of max_iter=5.
- "longRun": one step() with max_iter=200 (max_eval 250, defaults otherwise):
  the final point, the iteration and evaluation counts PyTorch reports; with
  the default tolerances and with tight ones (tolerance_change 1e-14,
  tolerance_grad 1e-10), which reach (1, 1) within 1e-6.

Run: /usr/bin/python3 packages/optim/scripts/make-lbfgs-fixture.py
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
START = [-1.5, 2.0]


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def closure_for(p, opt, counter):
    def closure():
        opt.zero_grad()
        loss = rosenbrock(p)
        loss.backward()
        counter[0] += 1
        return loss

    return closure


def per_step(history_size, steps=60, lr=1, max_iter=1, line_search_fn="strong_wolfe"):
    p = torch.tensor(START, requires_grad=True)
    opt = torch.optim.LBFGS([p], lr=lr, max_iter=max_iter, history_size=history_size, line_search_fn=line_search_fn)
    counter = [0]
    closure = closure_for(p, opt, counter)
    iterates, losses = [], []
    for _ in range(steps):
        opt.step(closure)
        iterates.append(p.detach().tolist())
        losses.append(float(rosenbrock(p.detach())))
    state = opt.state[p]
    return {
        "historySize": history_size,
        "lr": lr,
        "lineSearchFn": line_search_fn,
        "maxIterPerStep": max_iter,
        "steps": steps,
        "iterates": iterates,
        "losses": losses,
        "closureCalls": counter[0],
        "funcEvals": state["func_evals"],
        "nIter": state["n_iter"],
    }


def long_run(history_size=100, max_iter=200, tolerance_change=1e-9, tolerance_grad=1e-7):
    p = torch.tensor(START, requires_grad=True)
    opt = torch.optim.LBFGS([p], lr=1, max_iter=max_iter, history_size=history_size, line_search_fn="strong_wolfe",
                            tolerance_change=tolerance_change, tolerance_grad=tolerance_grad)
    counter = [0]
    closure = closure_for(p, opt, counter)
    opt.step(closure)
    state = opt.state[p]
    return {
        "historySize": history_size,
        "maxIter": max_iter,
        "toleranceChange": tolerance_change,
        "toleranceGrad": tolerance_grad,
        "final": p.detach().tolist(),
        "loss": float(rosenbrock(p.detach())),
        "closureCalls": counter[0],
        "funcEvals": state["func_evals"],
        "nIter": state["n_iter"],
    }


def main():
    out = {
        "source": "torch.optim.LBFGS, torch " + torch.__version__ + ", float64, line_search_fn='strong_wolfe', lr=1",
        "problem": "rosenbrock (1-x)^2 + 100 (y-x^2)^2",
        "start": START,
        "perStep": [per_step(h) for h in (100, 3, 1)],
        "fixedStep": [per_step(10, 30, lr=0.5, line_search_fn=None), per_step(10, 6, lr=0.5, max_iter=5, line_search_fn=None)],
        "longRun": [long_run(100), long_run(3), long_run(100, tolerance_change=1e-14, tolerance_grad=1e-10)],
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "test", "fixtures", "lbfgs-rosenbrock.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
