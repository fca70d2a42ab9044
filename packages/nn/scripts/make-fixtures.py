#!/usr/bin/python3
"""Reference outputs and gradients for @gradkit/nn, from PyTorch 1.13.

Inputs and parameters are drawn in float32 (so gradkit can use them
exactly) and the references are computed in float64. Tensors are stored in
PyTorch's layouts (NCHW, weight [out, in/groups, kh, kw], ...); the tests
transpose them to gradkit's NHWC layouts. Every case stores a cotangent
`cot` of the output's shape: the gradients are those of sum(out * cot).

Run from the repository root: /usr/bin/python3 packages/nn/scripts/make-fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")


def rnd(*shape, lo=-2.0, hi=2.0):
    return (torch.rand(*shape, dtype=torch.float32) * (hi - lo) + lo).double()


def enc(t):
    t = t.detach().double()
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


def case(name, fn, inputs, params=None, options=None, extra=None, grad_inputs=None):
    """fn(inputs..., **params) -> output. Gradients of sum(out*cot) for every float input and parameter."""
    params = params or {}
    grad_inputs = grad_inputs if grad_inputs is not None else list(inputs.keys())
    leaves = {}
    for k, v in inputs.items():
        leaves[k] = v.clone().requires_grad_(k in grad_inputs)
    for k, v in params.items():
        leaves[k] = v.clone().requires_grad_(True)
    out = fn(**leaves)
    cot = rnd(*out.shape) if out.dim() > 0 else torch.tensor(1.0, dtype=torch.float64)
    (out * cot).sum().backward()
    rec = {
        "name": name,
        "options": options or {},
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "params": {k: enc(v) for k, v in params.items()},
        "out": enc(out),
        "cot": enc(cot),
        "grads": {k: enc(leaves[k].grad) for k in list(grad_inputs) + list(params.keys())},
    }
    if extra:
        rec.update(extra)
    return rec


def layers():
    cases = []
    x = rnd(2, 4)
    cases.append(case("linear", lambda x, weight, bias: F.linear(x, weight, bias), {"x": x},
                      {"weight": rnd(3, 4), "bias": rnd(3)}, {"inFeatures": 4, "outFeatures": 3}))

    for name, cin, cout, k, o in [
        ("conv1d", 2, 4, 3, {"stride": 2, "padding": 1, "dilation": 1, "groups": 1}),
        ("conv1d_groups_dilation", 4, 6, 3, {"stride": 1, "padding": 2, "dilation": 2, "groups": 2}),
    ]:
        x = rnd(2, cin, 9)
        w = rnd(cout, cin // o["groups"], k)
        cases.append(case(name, lambda x, weight, bias, o=o: F.conv1d(x, weight, bias, **o), {"x": x},
                          {"weight": w, "bias": rnd(cout)}, {"inChannels": cin, "outChannels": cout, "kernelSize": k, **o}))

    conv2d = [
        ("conv2d", 3, 4, 3, {"stride": 1, "padding": 1, "dilation": 1, "groups": 1}),
        ("conv2d_stride_dilation", 3, 4, 3, {"stride": 2, "padding": 1, "dilation": 2, "groups": 1}),
        ("conv2d_same", 2, 3, 3, {"stride": 1, "padding": "same", "dilation": 2, "groups": 1}),
        ("conv2d_same_even_kernel", 2, 3, 4, {"stride": 1, "padding": "same", "dilation": 1, "groups": 1}),
        ("conv2d_groups", 4, 6, 3, {"stride": 2, "padding": 1, "dilation": 1, "groups": 2}),
        ("conv2d_depthwise", 3, 6, 3, {"stride": 1, "padding": 1, "dilation": 1, "groups": 3}),
        ("conv2d_pad2_k5_s2", 2, 2, 5, {"stride": 2, "padding": 2, "dilation": 1, "groups": 1}),
    ]
    for name, cin, cout, k, o in conv2d:
        x = rnd(2, cin, 7, 7)
        w = rnd(cout, cin // o["groups"], k, k)
        cases.append(case(name, lambda x, weight, bias, o=o: F.conv2d(x, weight, bias, **o), {"x": x},
                          {"weight": w, "bias": rnd(cout)}, {"inChannels": cin, "outChannels": cout, "kernelSize": k, **o}))

    for name, o in [
        ("conv_transpose2d", {"stride": 2, "padding": 1, "output_padding": 1}),
        ("conv_transpose2d_plain", {"stride": 1, "padding": 0, "output_padding": 0}),
        ("conv_transpose2d_s3", {"stride": 3, "padding": 2, "output_padding": 2}),
    ]:
        x = rnd(2, 3, 4, 4)
        w = rnd(3, 2, 3, 3)
        cases.append(case(name, lambda x, weight, bias, o=o: F.conv_transpose2d(x, weight, bias, **o), {"x": x},
                          {"weight": w, "bias": rnd(2)},
                          {"inChannels": 3, "outChannels": 2, "kernelSize": 3, "stride": o["stride"], "padding": o["padding"], "outputPadding": o["output_padding"]}))

    for name, cin, cout, g, d in [("conv_transpose2d_groups", 4, 6, 2, 1), ("conv_transpose2d_dilation", 3, 2, 1, 2)]:
        o = {"stride": 2, "padding": 1, "output_padding": 1, "groups": g, "dilation": d}
        x = rnd(2, cin, 4, 4)
        w = rnd(cin, cout // g, 3, 3)
        cases.append(case(name, lambda x, weight, bias, o=o: F.conv_transpose2d(x, weight, bias, **o), {"x": x},
                          {"weight": w, "bias": rnd(cout)},
                          {"inChannels": cin, "outChannels": cout, "kernelSize": 3, "stride": 2, "padding": 1, "outputPadding": 1, "groups": g, "dilation": d}))

    for name, k, s, p in [("max_pool2d_overlap", 3, 2, 0), ("max_pool2d_k2", 2, 2, 0), ("max_pool2d_pad", 3, 2, 1)]:
        x = rnd(2, 3, 7, 7)
        cases.append(case(name, lambda x, k=k, s=s, p=p: F.max_pool2d(x, k, s, p), {"x": x}, options={"kernelSize": k, "stride": s, "padding": p}))
    for name, k, s, p, hw in [("max_pool2d_ceil", 3, 2, 0, 8), ("max_pool2d_ceil_pad", 3, 2, 1, 6)]:
        x = rnd(2, 3, hw, hw)
        cases.append(case(name, lambda x, k=k, s=s, p=p: F.max_pool2d(x, k, s, p, ceil_mode=True), {"x": x},
                          options={"kernelSize": k, "stride": s, "padding": p, "ceilMode": True}))
    for name, k, s, p in [("avg_pool2d_k2", 2, 2, 0), ("avg_pool2d_overlap_pad", 3, 2, 1)]:
        x = rnd(2, 3, 7, 7)
        cases.append(case(name, lambda x, k=k, s=s, p=p: F.avg_pool2d(x, k, s, p), {"x": x}, options={"kernelSize": k, "stride": s, "padding": p}))
    x = rnd(2, 3, 7, 7)
    cases.append(case("avg_pool2d_exclude_pad", lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), {"x": x},
                      options={"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False}))
    x = rnd(2, 3, 5, 4)
    cases.append(case("global_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, 1).flatten(1), {"x": x}))
    x = rnd(2, 7, 3, 3)
    o = {"size": 5, "alpha": 0.05, "beta": 0.75, "k": 2.0}
    cases.append(case("local_response_norm", lambda x: F.local_response_norm(x, **o), {"x": x}, options=o))
    x = rnd(2, 3, 4, 4)
    cases.append(case("prelu_channels", lambda x, weight: F.prelu(x, weight), {"x": x}, {"weight": rnd(3, lo=0.0, hi=0.5)}, {"channels": 3}))
    return cases


def activations():
    # 24 points in [-4, 4], none within 0.05 of 0 (ReLU-type kinks).
    x = rnd(4, 6, lo=-4.0, hi=4.0)
    x = torch.where(x.abs() < 0.05, x + 0.2, x)
    x = torch.cat([x, torch.tensor([[-30.0, -10.0, 10.0, 30.0, 0.5, -0.5]], dtype=torch.float64)])
    fns = {
        "sigmoid": (torch.sigmoid, {}),
        "tanh": (torch.tanh, {}),
        "relu": (F.relu, {}),
        "leaky_relu": (lambda t: F.leaky_relu(t, 0.1), {"negativeSlope": 0.1}),
        "elu": (lambda t: F.elu(t, 1.3), {"alpha": 1.3}),
        "celu": (lambda t: F.celu(t, 0.7), {"alpha": 0.7}),
        "selu": (F.selu, {}),
        "gelu": (F.gelu, {"approximate": "none"}),
        "gelu_tanh": (lambda t: F.gelu(t, approximate="tanh"), {"approximate": "tanh"}),
        "silu": (F.silu, {}),
        "hardswish": (F.hardswish, {}),
        "softplus": (lambda t: F.softplus(t, beta=2.0, threshold=5.0), {"beta": 2.0, "threshold": 5.0}),
        "softplus_default": (F.softplus, {}),
        "glu": (lambda t: F.glu(t, -1), {}),
    }
    cases = [case(n, lambda x, f=f: f(x), {"x": x}, options=o) for n, (f, o) in fns.items()]
    cases.append(case("prelu", lambda x, weight: F.prelu(x, weight), {"x": x}, {"weight": torch.tensor([0.25], dtype=torch.float64)}))
    return cases


def losses():
    cases = []
    n, c = 4, 5
    logits = rnd(n, c, lo=-3.0, hi=3.0)
    idx = torch.tensor([0, 3, 4, 1])
    soft = torch.softmax(rnd(n, c), -1)
    for red in ["mean", "sum", "none"]:
        for ls in [0.0, 0.1]:
            cases.append(case(f"cross_entropy_indices_{red}_ls{ls}", lambda x, t, red=red, ls=ls: F.cross_entropy(x, t, reduction=red, label_smoothing=ls),
                              {"x": logits, "t": idx}, options={"reduction": red, "labelSmoothing": ls}, grad_inputs=["x"]))
    for ls in [0.0, 0.2]:
        cases.append(case(f"cross_entropy_soft_ls{ls}", lambda x, t, ls=ls: F.cross_entropy(x, t, label_smoothing=ls),
                          {"x": logits, "t": soft}, options={"reduction": "mean", "labelSmoothing": ls}, grad_inputs=["x"]))
    w = rnd(c, lo=0.2, hi=2.0)
    idx_ign = torch.tensor([0, -100, 4, 1])
    for red in ["mean", "sum", "none"]:
        for ls in [0.0, 0.1]:
            cases.append(case(f"cross_entropy_weighted_{red}_ls{ls}", lambda x, t, red=red, ls=ls: F.cross_entropy(x, t, weight=w, reduction=red, label_smoothing=ls),
                              {"x": logits, "t": idx}, options={"reduction": red, "labelSmoothing": ls, "weight": w.tolist()}, grad_inputs=["x"]))
            cases.append(case(f"cross_entropy_ignore_{red}_ls{ls}", lambda x, t, red=red, ls=ls: F.cross_entropy(x, t, weight=w, reduction=red, label_smoothing=ls, ignore_index=-100),
                              {"x": logits, "t": idx_ign}, options={"reduction": red, "labelSmoothing": ls, "weight": w.tolist(), "ignoreIndex": -100}, grad_inputs=["x"]))
    cases.append(case("cross_entropy_soft_weighted", lambda x, t: F.cross_entropy(x, t, weight=w, label_smoothing=0.1),
                      {"x": logits, "t": soft}, options={"reduction": "mean", "labelSmoothing": 0.1, "weight": w.tolist()}, grad_inputs=["x"]))
    pred, target = rnd(3, 4), rnd(3, 4)
    for red in ["mean", "sum", "none"]:
        cases.append(case(f"mse_{red}", lambda x, t, red=red: F.mse_loss(x, t, reduction=red), {"x": pred, "t": target}, options={"reduction": red}, grad_inputs=["x"]))
    probs = rnd(3, 4, lo=0.02, hi=0.98)
    labels = (torch.rand(3, 4) > 0.5).double()
    soft_labels = rnd(3, 4, lo=0.0, hi=1.0)
    for red in ["mean", "sum", "none"]:
        cases.append(case(f"bce_{red}", lambda x, t, red=red: F.binary_cross_entropy(x, t, reduction=red), {"x": probs, "t": labels}, options={"reduction": red}, grad_inputs=["x"]))
    cases.append(case("bce_soft", lambda x, t: F.binary_cross_entropy(x, t), {"x": probs, "t": soft_labels}, options={"reduction": "mean"}, grad_inputs=["x"]))
    z = rnd(3, 4, lo=-6.0, hi=6.0)
    for red in ["mean", "sum", "none"]:
        cases.append(case(f"bce_logits_{red}", lambda x, t, red=red: F.binary_cross_entropy_with_logits(x, t, reduction=red), {"x": z, "t": labels},
                          options={"reduction": red}, grad_inputs=["x"]))
    pw = torch.tensor([0.5, 1.0, 2.0, 3.0], dtype=torch.float64)
    cases.append(case("bce_logits_pos_weight", lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw), {"x": z, "t": soft_labels},
                      options={"reduction": "mean", "posWeight": pw.tolist()}, grad_inputs=["x"]))
    return cases


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for group, make in [("layers", layers), ("activations", activations), ("losses", losses)]:
        data = {"torch": torch.__version__, "dtype": "float64 reference of float32 inputs", "cases": make()}
        with open(os.path.join(OUT, f"{group}.json"), "w") as f:
            json.dump(data, f, separators=(",", ":"))
        print(group, len(data["cases"]), "cases")
