"""PyTorch peer of bench/src/train.ts: trains ResNet-20 (He et al. 2016 §4.2,
option A shortcut) and an MLP 784-256-10 with SGD momentum, on random data of
the same shapes as the gradkit benchmark.

Run by the benchmark as a long-lived subprocess so its timed windows can be
interleaved with gradkit's and tfjs-layers' (machine load affects all alike):

    /usr/bin/python3 bench/torch_train.py --threads 1

Protocol: one JSON object per line on stdin, one JSON reply per line on stdout.
    {"cmd": "params", "model": "resnet20"}            -> {"params": 272474}
    {"cmd": "run", "model": "mlp", "steps": 10, "batch": 128} -> {"ms": 123.4}
    {"cmd": "quit"}
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class PadShortcut(nn.Module):
    def __init__(self, planes):
        super().__init__()
        self.extra = planes // 4

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.extra, self.extra))


class BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = PadShortcut(planes) if stride != 1 or cin != planes else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self, n=3, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                layers.append(BasicBlock(cin, planes, stride if i == 0 else 1))
                cin = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        y = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(y.mean((2, 3)))


def build(model):
    if model == "resnet20":
        net = ResNet20()
    elif model == "mlp":
        net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    else:
        raise ValueError("unknown model " + model)
    return net


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    nets = {}

    def get(model, batch):
        key = (model, batch)
        if key not in nets:
            net = build(model)
            net.train()
            opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
            shape = (batch, 3, 32, 32) if model == "resnet20" else (batch, 784)
            x = torch.randn(*shape)
            y = torch.randint(0, 10, (batch,))
            nets[key] = (net, opt, x, y)
        return nets[key]

    def step(net, opt, x, y):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss

    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req["cmd"] == "quit":
            break
        if req["cmd"] == "params":
            net = build(req["model"])
            print(json.dumps({"params": sum(p.numel() for p in net.parameters())}), flush=True)
        elif req["cmd"] == "run":
            net, opt, x, y = get(req["model"], req.get("batch", 128))
            t0 = time.perf_counter()
            for _ in range(req["steps"]):
                loss = step(net, opt, x, y)
            loss.item()
            print(json.dumps({"ms": (time.perf_counter() - t0) * 1000.0, "loss": loss.item()}), flush=True)
        else:
            print(json.dumps({"error": "unknown cmd " + str(req["cmd"])}), flush=True)


if __name__ == "__main__":
    main()
