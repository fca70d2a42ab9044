# The PyTorch peer on the same GPU: ResNet-8 16/64/128 (shortcut B) forward+backward+SGD step, NHWC 28x28x1.
import json, time, torch, torch.nn as nn
def block(cin, cout, stride):
    class B(nn.Module):
        def __init__(s):
            super().__init__()
            s.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); s.b1 = nn.BatchNorm2d(cout)
            s.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(cout)
            s.sc = nn.Sequential() if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        def forward(s, x):
            return torch.relu(s.b2(s.c2(torch.relu(s.b1(s.c1(x))))) + s.sc(x))
    return B()
w = [16, 64, 128]
model = nn.Sequential(nn.Conv2d(1, w[0], 3, 1, 1, bias=False), nn.BatchNorm2d(w[0]), nn.ReLU(), block(w[0], w[0], 1), block(w[0], w[1], 2), block(w[1], w[2], 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(w[2], 10)).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
for batch in (128, 512):
    x = torch.rand(batch, 1, 28, 28, device="cuda"); y = torch.randint(0, 10, (batch,), device="cuda")
    def step():
        opt.zero_grad(); loss = nn.functional.cross_entropy(model(x), y); loss.backward(); opt.step(); return loss.item()
    for _ in range(5): step()
    torch.cuda.synchronize(); t0 = time.perf_counter(); n = 50
    for _ in range(n): step()
    torch.cuda.synchronize(); dt = (time.perf_counter() - t0) / n
    print(json.dumps({"peer": "pytorch " + torch.__version__, "batch": batch, "stepMs": dt * 1000, "imgPerSec": batch / dt}))
