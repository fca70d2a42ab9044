#!/usr/bin/python3
"""PyTorch 1.13 references for @gradkit/regularize's tests.

Writes test/fixtures/torch-reference.json:
- sgd_weight_decay: SGD steps with weight_decay=λ on an MSE loss (the L2
  penalty λ/2·Σw² added to the loss must give the same weights);
- polyak: torch.optim.swa_utils.AveragedModel (default equal-weight
  average) over a sequence of weights;
- prune_l1 / prune_global: the masks of torch.nn.utils.prune.l1_unstructured
  and global_unstructured (L1).
Linear weights are written in gradkit's [in, out] layout (torch's transposed).
"""
import json
import os

import torch
import torch.nn.utils.prune as prune
from torch.optim.swa_utils import AveragedModel

torch.manual_seed(0)
out = {"torch": torch.__version__}


def t(x):
    return x.detach().double().tolist()


# SGD with weight_decay vs an L2 penalty in the loss.
lam, lr, steps = 0.1, 0.05, 3
lin = torch.nn.Linear(3, 2).double()
x = torch.randn(5, 3, dtype=torch.float64)
y = torch.randn(5, 2, dtype=torch.float64)
init = {"weight": t(lin.weight.T), "bias": t(lin.bias)}
# weight_decay on the weight only (a parameter group without it for the bias),
# as the L2 penalty is used with filter weightsOnly.
opt = torch.optim.SGD([{"params": [lin.weight], "weight_decay": lam}, {"params": [lin.bias], "weight_decay": 0.0}], lr=lr)
for _ in range(steps):
    opt.zero_grad()
    torch.nn.functional.mse_loss(lin(x), y).backward()
    opt.step()
out["sgd_weight_decay"] = {
    "lambda": lam,
    "lr": lr,
    "steps": steps,
    "x": t(x),
    "y": t(y),
    "init": init,
    "final": {"weight": t(lin.weight.T), "bias": t(lin.bias)},
}

# Polyak averaging: AveragedModel's default avg_fn.
net = torch.nn.Linear(2, 2, bias=False).double()
avg = AveragedModel(net)
seq = []
for _ in range(4):
    with torch.no_grad():
        net.weight.copy_(torch.randn(2, 2, dtype=torch.float64))
    seq.append(t(net.weight.T))
    avg.update_parameters(net)
out["polyak"] = {"sequence": seq, "average": t(avg.module.weight.T)}

# Magnitude pruning masks.
a = torch.nn.Linear(4, 3)
b = torch.nn.Linear(3, 2)
wa, wb = t(a.weight.T), t(b.weight.T)
prune.l1_unstructured(a, "weight", amount=0.4)
out["prune_l1"] = {"weight": wa, "amount": 0.4, "mask": t(a.weight_mask.T)}
a2 = torch.nn.Linear(4, 3)
b2 = torch.nn.Linear(3, 2)
with torch.no_grad():
    a2.weight.copy_(torch.tensor(wa).T)
    b2.weight.copy_(torch.tensor(wb).T)
prune.global_unstructured([(a2, "weight"), (b2, "weight")], pruning_method=prune.L1Unstructured, amount=0.5)
out["prune_global"] = {"weights": [wa, wb], "amount": 0.5, "masks": [t(a2.weight_mask.T), t(b2.weight_mask.T)]}

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch-reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
