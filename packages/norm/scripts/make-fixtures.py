#!/usr/bin/python3
"""Reference values for @gradkit/norm's tests, from PyTorch (Debian's python3-torch 1.13).

For each normalization on fixed inputs: the forward output and the
gradients of L = sum(y * r) (r a fixed random upstream gradient) with
respect to the input and every parameter; BatchNorm's running statistics
over 5 training batches and its eval output afterwards (momentum 0.1 and
None). Everything is float64 in torch, written as plain JSON lists in
PyTorch's layouts (NCHW, [out, in]); the tests transpose to gradkit's.

Run: /usr/bin/python3 packages/norm/scripts/make-fixtures.py
"""
import json
import os

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")
os.makedirs(OUT, exist_ok=True)


def L(t):
    return t.detach().tolist()


def run(module, x, params):
    """forward + backward of sum(y * r); returns the case dict."""
    x = x.clone().requires_grad_(True)
    y = module(x)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    case = {"x": L(x), "y": L(y), "r": L(r), "dx": L(x.grad)}
    for name in params:
        p = getattr(module, name)
        case[name] = L(p)
        case["d_" + name] = L(p.grad)
    return case


def affine_init(m):
    with torch.no_grad():
        if getattr(m, "weight", None) is not None:
            m.weight.copy_(1 + 0.5 * torch.randn_like(m.weight))
            m.bias.copy_(0.5 * torch.randn_like(m.bias))


cases = {}

bn1 = torch.nn.BatchNorm1d(3)
affine_init(bn1)
cases["batchnorm1d"] = run(bn1, 2 * torch.randn(6, 3) + 1, ["weight", "bias"])
cases["batchnorm1d"]["running_mean"] = L(bn1.running_mean)
cases["batchnorm1d"]["running_var"] = L(bn1.running_var)

bn2 = torch.nn.BatchNorm2d(4)
affine_init(bn2)
cases["batchnorm2d"] = run(bn2, torch.randn(2, 4, 3, 3) * 1.5 - 0.5, ["weight", "bias"])
cases["batchnorm2d"]["running_mean"] = L(bn2.running_mean)
cases["batchnorm2d"]["running_var"] = L(bn2.running_var)

ln = torch.nn.LayerNorm([3, 4])
affine_init(ln)
cases["layernorm"] = run(ln, torch.randn(2, 5, 3, 4) + 0.3, ["weight", "bias"])
cases["layernorm"]["normalizedShape"] = [3, 4]

gn = torch.nn.GroupNorm(2, 6)
affine_init(gn)
cases["groupnorm"] = run(gn, torch.randn(2, 6, 3, 2) * 2, ["weight", "bias"])
cases["groupnorm"]["groups"] = 2

inn = torch.nn.InstanceNorm2d(3)
cases["instancenorm2d"] = run(inn, torch.randn(2, 3, 4, 3) + 1, [])

inn_a = torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
affine_init(inn_a)
cases["instancenorm2d_affine_tracked"] = run(inn_a, torch.randn(2, 3, 4, 3) - 1, ["weight", "bias"])
cases["instancenorm2d_affine_tracked"]["running_mean"] = L(inn_a.running_mean)
cases["instancenorm2d_affine_tracked"]["running_var"] = L(inn_a.running_var)
inn_a.eval()
xe = torch.randn(2, 3, 4, 3)
cases["instancenorm2d_affine_tracked"]["eval_x"] = L(xe)
cases["instancenorm2d_affine_tracked"]["eval_y"] = L(inn_a(xe))

inn1 = torch.nn.InstanceNorm1d(2)
cases["instancenorm1d"] = run(inn1, torch.randn(3, 2, 5), [])

lin = torch.nn.Linear(4, 3)
wn = torch.nn.utils.weight_norm(lin, name="weight", dim=0)
case = run(wn, torch.randn(5, 4), ["weight_g", "weight_v", "bias"])
case["weight"] = L(wn.weight)
cases["weightnorm_linear"] = case

conv = torch.nn.Conv2d(2, 3, 3)
wnc = torch.nn.utils.weight_norm(conv, name="weight", dim=0)
case = run(wnc, torch.randn(2, 2, 5, 5), ["weight_g", "weight_v", "bias"])
cases["weightnorm_conv2d"] = case

# BatchNorm running statistics over 5 training batches, then eval.
for label, momentum in [("momentum_0.1", 0.1), ("momentum_none", None)]:
    for kind, shape in [("2d", (4, 3, 2, 2)), ("1d", (8, 3))]:
        bn = torch.nn.BatchNorm2d(3, momentum=momentum) if kind == "2d" else torch.nn.BatchNorm1d(3, momentum=momentum)
        affine_init(bn)
        batches, means, vars_ = [], [], []
        for i in range(5):
            xb = torch.randn(*shape) * (1 + i) + i
            with torch.no_grad():
                bn(xb)
            batches.append(L(xb))
            means.append(L(bn.running_mean))
            vars_.append(L(bn.running_var))
        bn.eval()
        xe = torch.randn(*shape)
        with torch.no_grad():
            ye = bn(xe)
        cases[f"bn{kind}_running_{label}"] = {
            "momentum": momentum,
            "weight": L(bn.weight),
            "bias": L(bn.bias),
            "batches": batches,
            "running_mean": means,
            "running_var": vars_,
            "num_batches_tracked": int(bn.num_batches_tracked),
            "eval_x": L(xe),
            "eval_y": L(ye),
        }

# BatchNorm1d on [N, C, L] (gradkit [N, L, C]): statistics over N and L.
bn1l = torch.nn.BatchNorm1d(3)
affine_init(bn1l)
cases["batchnorm1d_ncl"] = run(bn1l, torch.randn(4, 3, 5) * 2 - 1, ["weight", "bias"])
cases["batchnorm1d_ncl"]["running_mean"] = L(bn1l.running_mean)
cases["batchnorm1d_ncl"]["running_var"] = L(bn1l.running_var)

with open(os.path.join(OUT, "norm.json"), "w") as f:
    json.dump({"meta": {"torch": torch.__version__, "script": "packages/norm/scripts/make-fixtures.py", "dtype": "float64"}, "cases": cases}, f)
print("wrote", OUT)
