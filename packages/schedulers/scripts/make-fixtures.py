#!/usr/bin/python3
"""Learning-rate sequences from PyTorch's schedulers, for @gradkit/schedulers' tests.

Run with Debian's python3-torch (1.13): /usr/bin/python3 scripts/make-fixtures.py
Writes test/fixtures/pytorch-schedulers.json and test/fixtures/pytorch-plateau.json.

Every scheduler wraps an SGD with two parameter groups (lr 0.1 and 0.02) so the
per-group behaviour is recorded too. `lrs[t]` is the lr of each group while
optimizer step t runs (after t calls of scheduler.step()), t = 0..STEPS-1.
Where PyTorch has a closed form (`_get_closed_form_lr`), it is recorded beside
the recursive ("chainable") value that training actually uses.
"""
import json
import math
import os
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")
STEPS = 300
BASE_LRS = [0.1, 0.02]
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures")


def optimizer(adam=False):
    p1 = torch.nn.Parameter(torch.zeros(1))
    p2 = torch.nn.Parameter(torch.zeros(1))
    groups = [{"params": [p1], "lr": BASE_LRS[0]}, {"params": [p2], "lr": BASE_LRS[1]}]
    return torch.optim.Adam(groups, lr=0.1) if adam else SGD(groups, lr=0.1, momentum=0.9)


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


def run(make, args, steps=STEPS, closed=True, momentum=False, adam=False):
    opt = optimizer(adam)
    sched = make(opt)
    lrs, closed_lrs, momenta = [], [], []
    for t in range(steps):
        lrs.append([g["lr"] for g in opt.param_groups])
        if momentum:
            momenta.append([momentum_of(g) for g in opt.param_groups])
        if closed and hasattr(sched, "_get_closed_form_lr"):
            closed_lrs.append(list(sched._get_closed_form_lr()))
        opt.step()
        sched.step()
    case = {"args": args, "lrs": lrs}
    if closed_lrs:
        case["closedForm"] = closed_lrs
    if momentum:
        case["momentum"] = momenta
    return case


cases = {}
cases["StepLR"] = run(lambda o: S.StepLR(o, step_size=30, gamma=0.5), {"step_size": 30, "gamma": 0.5})
cases["MultiStepLR"] = run(lambda o: S.MultiStepLR(o, milestones=[50, 120, 200], gamma=0.3), {"milestones": [50, 120, 200], "gamma": 0.3})
cases["ExponentialLR"] = run(lambda o: S.ExponentialLR(o, gamma=0.985), {"gamma": 0.985})
cases["ConstantLR"] = run(lambda o: S.ConstantLR(o, factor=0.25, total_iters=40), {"factor": 0.25, "total_iters": 40})
cases["CosineAnnealingLR"] = run(lambda o: S.CosineAnnealingLR(o, T_max=120, eta_min=0.001), {"T_max": 120, "eta_min": 0.001})
cases["LinearLR"] = run(lambda o: S.LinearLR(o, start_factor=0.9, end_factor=0.05, total_iters=200), {"start_factor": 0.9, "end_factor": 0.05, "total_iters": 200})
cases["LinearLR_decay"] = run(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=300), {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 300})
cases["PolynomialLR"] = run(lambda o: S.PolynomialLR(o, total_iters=250, power=2.5), {"total_iters": 250, "power": 2.5})
cases["CosineAnnealingWarmRestarts_Tmult2"] = run(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0.002), {"T_0": 10, "T_mult": 2, "eta_min": 0.002})
cases["CosineAnnealingWarmRestarts_Tmult3"] = run(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=3, eta_min=0.0), {"T_0": 7, "T_mult": 3, "eta_min": 0.0})
cases["CosineAnnealingWarmRestarts_Tmult1"] = run(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=37, T_mult=1, eta_min=0.005), {"T_0": 37, "T_mult": 1, "eta_min": 0.005})
cases["CyclicLR_triangular"] = run(lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=20, step_size_down=30, mode="triangular", base_momentum=0.7, max_momentum=0.95), {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 20, "step_size_down": 30, "mode": "triangular", "base_momentum": 0.7, "max_momentum": 0.95}, momentum=True)
cases["CyclicLR_triangular2"] = run(lambda o: S.CyclicLR(o, base_lr=0.005, max_lr=0.08, step_size_up=25, mode="triangular2"), {"base_lr": 0.005, "max_lr": 0.08, "step_size_up": 25, "mode": "triangular2"}, momentum=True)
cases["CyclicLR_exp_range"] = run(lambda o: S.CyclicLR(o, base_lr=0.001, max_lr=0.05, step_size_up=15, step_size_down=10, mode="exp_range", gamma=0.995), {"base_lr": 0.001, "max_lr": 0.05, "step_size_up": 15, "step_size_down": 10, "mode": "exp_range", "gamma": 0.995}, momentum=True)
for strategy in ["cos", "linear"]:
    for three in [False, True]:
        name = "OneCycleLR_%s%s" % (strategy, "_three_phase" if three else "")
        args = {"max_lr": 0.2, "total_steps": STEPS, "pct_start": 0.25, "anneal_strategy": strategy, "div_factor": 10.0, "final_div_factor": 100.0, "three_phase": three}
        args["base_momentum"] = 0.8
        args["max_momentum"] = 0.9
        cases[name] = run(lambda o, a=args: S.OneCycleLR(o, **a), args, momentum=True)
cases["OneCycleLR_defaults"] = run(lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=STEPS), {"max_lr": 0.1, "total_steps": STEPS}, momentum=True)
cases["OneCycleLR_adam"] = run(lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=STEPS, three_phase=True), {"max_lr": 0.01, "total_steps": STEPS, "three_phase": True, "optimizer": "Adam (betas[0] cycles)"}, momentum=True, adam=True)
cases["SequentialLR_warmup_cosine"] = run(
    lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=20), S.CosineAnnealingLR(o, T_max=280, eta_min=1e-4)], milestones=[20]),
    {"schedulers": [["LinearLR", {"start_factor": 0.1, "total_iters": 20}], ["CosineAnnealingLR", {"T_max": 280, "eta_min": 1e-4}]], "milestones": [20]}, closed=False)
cases["SequentialLR_three"] = run(
    lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.5, total_iters=10), S.ExponentialLR(o, gamma=0.99), S.StepLR(o, step_size=40, gamma=0.5)], milestones=[50, 150]),
    {"schedulers": [["ConstantLR", {"factor": 0.5, "total_iters": 10}], ["ExponentialLR", {"gamma": 0.99}], ["StepLR", {"step_size": 40, "gamma": 0.5}]], "milestones": [50, 150]}, closed=False)
cases["ChainedScheduler"] = run(
    lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.2, total_iters=15), S.ExponentialLR(o, gamma=0.99), S.StepLR(o, step_size=60, gamma=0.5)]),
    {"schedulers": [["ConstantLR", {"factor": 0.2, "total_iters": 15}], ["ExponentialLR", {"gamma": 0.99}], ["StepLR", {"step_size": 60, "gamma": 0.5}]]}, closed=False)
# Cosine's recursion is a ratio of cosines (multiplicative) only when eta_min = 0.
cases["ChainedScheduler_cosine"] = run(
    lambda o: S.ChainedScheduler([S.CosineAnnealingLR(o, T_max=400, eta_min=0.0), S.ExponentialLR(o, gamma=0.995)]),
    {"schedulers": [["CosineAnnealingLR", {"T_max": 400, "eta_min": 0.0}], ["ExponentialLR", {"gamma": 0.995}]]}, closed=False)
W = 25
cases["LambdaLR_inverse_sqrt"] = run(lambda o: S.LambdaLR(o, lambda t: math.sqrt(W / max(t, W))), {"lambda": "sqrt(w / max(t, w))", "w": W})
cases["LambdaLR_noam"] = run(lambda o: S.LambdaLR(o, lambda t: t / W if t < W else math.sqrt(W / t)), {"lambda": "t / w if t < w else sqrt(w / t)", "w": W})
cases["LambdaLR_inverse_time"] = run(lambda o: S.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.05 * t)), {"lambda": "1 / (1 + k t)", "k": 0.05})

with open(os.path.join(OUT, "pytorch-schedulers.json"), "w") as f:
    json.dump({"torch": torch.__version__, "steps": STEPS, "baseLrs": BASE_LRS, "cases": cases}, f)
    f.write("\n")


# ReduceLROnPlateau driven by a fixed metric sequence: a noisy decreasing loss with
# plateaus (for mode min) and its mirror as an accuracy (for mode max).
def loss_at(t):
    plateau = 0.6 if 30 <= t < 60 else (0.35 if 90 <= t < 130 else None)
    base = 1.0 / (1.0 + 0.04 * t)
    if plateau is not None:
        base = plateau
    return base + 0.01 * math.sin(1.7 * t) + 0.004 * math.cos(5.3 * t)


METRICS = [round(loss_at(t), 12) for t in range(160)]
plateau_cases = {}
configs = {
    "min_rel_cooldown": {"mode": "min", "factor": 0.5, "patience": 3, "threshold": 0.01, "threshold_mode": "rel", "cooldown": 2, "min_lr": [0.005, 0.001]},
    "min_abs": {"mode": "min", "factor": 0.3, "patience": 5, "threshold": 0.005, "threshold_mode": "abs", "cooldown": 0, "min_lr": 0.001},
    "max_rel": {"mode": "max", "factor": 0.2, "patience": 2, "threshold": 0.001, "threshold_mode": "rel", "cooldown": 4, "min_lr": 1e-4},
    "max_abs_eps": {"mode": "max", "factor": 0.5, "patience": 4, "threshold": 0.002, "threshold_mode": "abs", "cooldown": 1, "min_lr": 0.0, "eps": 0.004},
    "defaults": {},
}
for name, cfg in configs.items():
    metrics = METRICS if cfg.get("mode", "min") == "min" else [round(1.0 - m, 12) for m in METRICS]
    opt = optimizer()
    sched = S.ReduceLROnPlateau(opt, **cfg)
    lrs, best, bad, cool = [], [], [], []
    for m in metrics:
        sched.step(m)
        lrs.append([g["lr"] for g in opt.param_groups])
        best.append(sched.best)
        bad.append(sched.num_bad_epochs)
        cool.append(sched.cooldown_counter)
    plateau_cases[name] = {"args": cfg, "metrics": metrics, "lrs": lrs, "best": best, "numBadEpochs": bad, "cooldownCounter": cool}

with open(os.path.join(OUT, "pytorch-plateau.json"), "w") as f:
    json.dump({"torch": torch.__version__, "baseLrs": BASE_LRS, "cases": plateau_cases}, f, allow_nan=False)
    f.write("\n")
print("wrote", len(cases), "scheduler cases and", len(plateau_cases), "plateau cases")
