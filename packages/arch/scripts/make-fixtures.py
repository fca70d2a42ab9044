#!/usr/bin/python3
"""Reference parameter counts and a small forward pass for @gradkit/arch.

Builds each architecture in PyTorch 1.13 (Debian's python3-torch) the way the
reference implementations do -- akamaster's CIFAR ResNet (option A/B),
torchvision's resnet.py (v1.5; copied here because Debian has no
torchvision), andreasveit's DenseNet(-BC) for CIFAR -- and writes
test/fixtures/param-counts.json and test/fixtures/resnet-forward.json.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")


def count(m):
    return sum(p.numel() for p in m.parameters())


# ── CIFAR ResNet (He et al. 2016 §4.2; akamaster/pytorch_resnet_cifar10) ──
class LambdaLayer(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class CifarBasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride, option):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            if option == "A":
                extra = planes - in_planes
                self.shortcut = LambdaLayer(lambda x: F.pad(x[:, :, ::stride, ::stride], (0, 0, 0, 0, extra // 2, extra - extra // 2)))
            else:
                self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, depth, num_classes=10, option="A", widths=(16, 32, 64)):
        super().__init__()
        n = (depth - 2) // 6
        self.in_planes = widths[0]
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.layer1 = self._stage(widths[0], n, 1, option)
        self.layer2 = self._stage(widths[1], n, 2, option)
        self.layer3 = self._stage(widths[2], n, 2, option)
        self.fc = nn.Linear(widths[2], num_classes)

    def _stage(self, planes, n, stride, option):
        layers = []
        for s in [stride] + [1] * (n - 1):
            layers.append(CifarBasicBlock(self.in_planes, planes, s, option))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        return self.fc(out.mean(dim=(2, 3)))


# ── torchvision.models.resnet (v1.5), same modules ──
def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, 3, stride, 1, bias=False)


def conv1x1(i, o, stride=1):
    return nn.Conv2d(i, o, 1, stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * 4)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = downsample


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], 2)
        self.layer3 = self._make_layer(block, 256, layers[2], 2)
        self.layer4 = self._make_layer(block, 512, layers[3], 2)
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride), nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)


# ── DenseNet(-BC) for CIFAR (Huang et al. 2017; andreasveit/densenet-pytorch) ──
class DenseLayer(nn.Module):
    def __init__(self, c, k, bottleneck):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c)
        if bottleneck:
            self.conv1 = nn.Conv2d(c, 4 * k, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(4 * k)
            self.conv2 = nn.Conv2d(4 * k, k, 3, padding=1, bias=False)
        else:
            self.conv1 = nn.Conv2d(c, k, 3, padding=1, bias=False)


class Transition(nn.Module):
    def __init__(self, c, out):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c)
        self.conv1 = nn.Conv2d(c, out, 1, bias=False)

    def forward(self, x):
        return F.avg_pool2d(self.conv1(F.relu(self.bn1(x))), 2)


def dense_layer_forward(self, x):
    y = self.conv1(F.relu(self.bn1(x)))
    if hasattr(self, "conv2"):
        y = self.conv2(F.relu(self.bn2(y)))
    return torch.cat([x, y], 1)


DenseLayer.forward = dense_layer_forward


def bottleneck_forward(self, x):
    out = F.relu(self.bn1(self.conv1(x)))
    out = F.relu(self.bn2(self.conv2(out)))
    out = self.bn3(self.conv3(out))
    return F.relu(out + (x if self.downsample is None else self.downsample(x)))


Bottleneck.forward = bottleneck_forward


class DenseNet(nn.Module):
    def __init__(self, depth, k, bottleneck, compression, num_classes=10):
        super().__init__()
        n = (depth - 4) // (6 if bottleneck else 3)
        c = 2 * k if bottleneck else 16
        self.conv1 = nn.Conv2d(3, c, 3, padding=1, bias=False)
        for b in range(3):
            layers = []
            for _ in range(n):
                layers.append(DenseLayer(c, k, bottleneck))
                c += k
            setattr(self, f"block{b + 1}", nn.Sequential(*layers))
            if b < 2:
                out = int(math.floor(c * compression))
                setattr(self, f"trans{b + 1}", Transition(c, out))
                c = out
        self.bn = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x):
        y = self.trans1(self.block1(self.conv1(x)))
        y = self.trans2(self.block2(y))
        y = F.relu(self.bn(self.block3(y)))
        return self.fc(y.mean(dim=(2, 3)))


# ── the small nets, as gradkit builds them ──
def lenet(in_ch, size, classes):
    return nn.Sequential(
        nn.Conv2d(in_ch, 6, 5, padding=2 if size == 28 else 0), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, classes),
    )


def alexnet(in_ch, size, classes):
    side = size
    for _ in range(3):
        side = (side - 3) // 2 + 1
    return nn.Sequential(
        nn.Conv2d(in_ch, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5, 1e-4, 0.75, 2),
        nn.Conv2d(64, 64, 5, padding=2), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 2), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.Conv2d(128, 128, 3, padding=1), nn.ReLU(),
        nn.Conv2d(128, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Dropout(), nn.Linear(64 * side * side, 384), nn.ReLU(), nn.Dropout(), nn.Linear(384, 192), nn.ReLU(), nn.Linear(192, classes),
    )


def fcn(variant, classes, in_ch, w):
    m = nn.Module()
    widths = [w, 2 * w, 4 * w, 8 * w, 8 * w]
    c = in_ch
    for i, o in enumerate(widths):
        setattr(m, f"stage{i + 1}", nn.Sequential(nn.Conv2d(c, o, 3, padding=1), nn.ReLU(), nn.Conv2d(o, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)))
        c = o
    m.fc6 = nn.Conv2d(8 * w, 16 * w, 3, padding=1)
    m.fc7 = nn.Conv2d(16 * w, 16 * w, 1)
    m.score_fr = nn.Conv2d(16 * w, classes, 1)
    if variant != "32s":
        m.score_pool4 = nn.Conv2d(8 * w, classes, 1)
        m.upscore2 = nn.ConvTranspose2d(classes, classes, 4, 2, 1, bias=False)
    if variant == "8s":
        m.score_pool3 = nn.Conv2d(4 * w, classes, 1)
        m.upscore_pool4 = nn.ConvTranspose2d(classes, classes, 4, 2, 1, bias=False)
    f = {"32s": 32, "16s": 16, "8s": 8}[variant]
    m.upscore = nn.ConvTranspose2d(classes, classes, 2 * f, f, f // 2, bias=False)
    return m


def fcn_forward(m, variant, x):
    pooled = []
    y = x
    for i in range(5):
        y = getattr(m, f"stage{i + 1}")(y)
        pooled.append(y)
    score = m.score_fr(F.relu(m.fc7(F.relu(m.fc6(y)))))
    if variant != "32s":
        score = m.upscore2(score) + m.score_pool4(pooled[3])
    if variant == "8s":
        score = m.upscore_pool4(score) + m.score_pool3(pooled[2])
    return m.upscore(score)


def export_case(net, x, forward=None):
    """float32 weights (NHWC layouts), input NHWC, output computed in float64, eval mode."""
    torch.manual_seed(1)
    for mod in net.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 1.5)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.5, 0.5)
    net.eval()
    state = {}
    for k, v in net.state_dict().items():
        if k.endswith("num_batches_tracked"):
            continue
        v = v.float()
        if v.dim() == 4:
            v = v.permute(2, 3, 1, 0)  # conv [out, in, kh, kw] / transposed conv [in, out, kh, kw] -> [kh, kw, in|out, out|in]
        elif v.dim() == 2:
            v = v.t()
        state[k] = {"shape": list(v.shape), "data": v.contiguous().flatten().tolist()}
    net = net.double()
    for p in list(net.parameters()) + list(net.buffers()):
        if p.dtype == torch.float64:
            p.data = p.data.float().double()
    with torch.no_grad():
        xd = x.float().double()
        y = forward(net, xd) if forward else net(xd)
    if y.dim() == 4:
        y = y.permute(0, 2, 3, 1)
    return {
        "input": {"shape": list(x.permute(0, 2, 3, 1).shape), "data": x.float().permute(0, 2, 3, 1).contiguous().flatten().tolist()},
        "state": state,
        "output": {"shape": list(y.shape), "data": y.contiguous().flatten().tolist()},
    }


def mlp(sizes, bn):
    layers = []
    for a, b in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(a, b, bias=not bn)] + ([nn.BatchNorm1d(b)] if bn else []) + [nn.ReLU()]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


def main():
    counts = {}
    for d in (20, 32, 44, 56, 110):
        counts[f"resnet{d}"] = count(CifarResNet(d))
        counts[f"resnet{d}_B"] = count(CifarResNet(d, option="B"))
    counts["resnet20_100classes"] = count(CifarResNet(20, 100))
    counts["resnet18"] = count(ResNet(BasicBlock, [2, 2, 2, 2]))
    counts["resnet34"] = count(ResNet(BasicBlock, [3, 4, 6, 3]))
    counts["resnet50"] = count(ResNet(Bottleneck, [3, 4, 6, 3]))
    counts["resnet101"] = count(ResNet(Bottleneck, [3, 4, 23, 3]))
    counts["resnet18_10classes"] = count(ResNet(BasicBlock, [2, 2, 2, 2], 10))
    counts["densenet_bc_100_12"] = count(DenseNet(100, 12, True, 0.5))
    counts["densenet_bc_250_24"] = count(DenseNet(250, 24, True, 0.5))
    counts["densenet_40_12"] = count(DenseNet(40, 12, False, 1.0))
    counts["lenet_32_1_10"] = count(lenet(1, 32, 10))
    counts["lenet_28_1_10"] = count(lenet(1, 28, 10))
    counts["alexnet_32_3_10"] = count(alexnet(3, 32, 10))
    counts["alexnet_28_1_10"] = count(alexnet(1, 28, 10))
    for v in ("32s", "16s", "8s"):
        counts[f"fcn{v}_21_3_16"] = count(fcn(v, 21, 3, 16))
    counts["mlp_784_256_128_10"] = count(mlp([784, 256, 128, 10], False))
    counts["mlp_784_256_128_10_bn"] = count(mlp([784, 256, 128, 10], True))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "param-counts.json"), "w") as f:
        json.dump({"source": "scripts/make-fixtures.py, torch " + torch.__version__, "counts": counts}, f, indent=1)

    # A forward pass of a small option-A CIFAR ResNet (depth 8, widths 4/8/16) in eval
    # mode with non-trivial BN statistics, to check the shortcut and the block wiring.
    torch.manual_seed(0)
    net = CifarResNet(8, num_classes=5, option="A", widths=(4, 8, 16)).double()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    net.eval()
    state = {}
    for k, v in net.state_dict().items():
        if k.endswith("num_batches_tracked"):
            continue
        v = v.float()
        if v.dim() == 4:
            v = v.permute(2, 3, 1, 0)  # [out, in, kh, kw] -> [kh, kw, in, out]
        elif v.dim() == 2:
            v = v.t()
        state[k] = {"shape": list(v.shape), "data": v.contiguous().flatten().tolist()}
    x = torch.randn(2, 3, 9, 9).float()  # odd side: ::2 keeps ceil(9/2) = 5 rows
    with torch.no_grad():
        # float32 weights, computed in float64
        net.load_state_dict({k: v for k, v in net.state_dict().items()})
        for p in list(net.parameters()) + list(net.buffers()):
            if p.dtype == torch.float64:
                p.data = p.data.float().double()
        y = net(x.double())
    with open(os.path.join(OUT, "resnet-forward.json"), "w") as f:
        json.dump({
            "input": {"shape": [2, 9, 9, 3], "data": x.permute(0, 2, 3, 1).contiguous().flatten().tolist()},
            "state": state,
            "output": {"shape": list(y.shape), "data": y.flatten().tolist()},
        }, f)

    # More wiring checks: a v1.5 Bottleneck with a projection, a small DenseNet-BC, a small FCN-8s.
    torch.manual_seed(2)
    cases = {}
    block = Bottleneck(8, 4, 2, nn.Sequential(conv1x1(8, 16, 2), nn.BatchNorm2d(16)))
    cases["bottleneck"] = export_case(block, torch.randn(2, 8, 7, 7))
    cases["densenet_bc_10_4"] = export_case(DenseNet(10, 4, True, 0.5, num_classes=5), torch.randn(2, 3, 8, 8))
    f8 = fcn("8s", 3, 3, 2)
    cases["fcn8s"] = export_case(f8, torch.randn(1, 3, 32, 32), lambda m, x: fcn_forward(m, "8s", x))
    with open(os.path.join(OUT, "forward.json"), "w") as f:
        json.dump(cases, f)


if __name__ == "__main__":
    main()
