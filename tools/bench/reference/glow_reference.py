"""PyTorch reference of the pinned Glow benchmark architecture (issue #16), one thread.

28x28x1 Fashion-MNIST, uniform dequantisation, logit pre-transform (alpha 0.05), 2 levels x 6 steps of
actnorm (data-dependent init) -> LU 1x1 convolution -> affine coupling (3x3 -> 1x1 -> zero 3x3 conv,
64 hidden channels, scale sigmoid(h + 2)), split latents under a standard normal, batch 64, Adam 1e-3.
Written for this benchmark from the papers (Kingma & Dhariwal 2018; Dinh et al. 2016).

Usage: python3 glow_reference.py --steps N [--seconds S] [--data DIR]
Prints one JSON line: steps, seconds, stepsPerSecond, cpuSeconds, stepsPerCpuSecond (process CPU time), trainBitsPerDim (last batch), testBitsPerDim (when --eval).
"""
import argparse, gzip, json, math, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def load(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 28, 28, 1)


class ActNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.logs = nn.Parameter(torch.zeros(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.ready = False

    def forward(self, x):  # density direction, NHWC
        if not self.ready:
            with torch.no_grad():
                m = x.mean(dim=(0, 1, 2))
                s = x.std(dim=(0, 1, 2), unbiased=False)
                self.bias.data.copy_(-m)
                self.logs.data.copy_(-torch.log(s + 1e-6))
            self.ready = True
        h, w = x.shape[1], x.shape[2]
        return (x + self.bias) * torch.exp(self.logs), h * w * self.logs.sum()


class InvConv(nn.Module):
    def __init__(self, c):
        super().__init__()
        q = torch.linalg.qr(torch.randn(c, c))[0]
        p, l, u = torch.linalg.lu(q)
        s = torch.diag(u)
        self.register_buffer('p', p)
        self.register_buffer('sign', torch.sign(s))
        self.register_buffer('lmask', torch.tril(torch.ones(c, c), -1))
        self.l = nn.Parameter(l)
        self.u = nn.Parameter(torch.triu(u, 1))
        self.logs = nn.Parameter(torch.log(torch.abs(s)))

    def forward(self, x):
        c = x.shape[3]
        l = self.l * self.lmask + torch.eye(c)
        u = self.u * self.lmask.T + torch.diag(self.sign * torch.exp(self.logs))
        w = self.p @ l @ u
        return x @ w.T, x.shape[1] * x.shape[2] * self.logs.sum()


class ZeroConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv.weight.data.zero_()
        self.conv.bias.data.zero_()
        self.logs = nn.Parameter(torch.zeros(cout))

    def forward(self, x):  # NCHW
        return self.conv(x) * torch.exp(3 * self.logs).view(1, -1, 1, 1)


class Coupling(nn.Module):
    def __init__(self, c, hidden):
        super().__init__()
        self.kept = (c + 1) // 2
        self.c1 = nn.Conv2d(self.kept, hidden, 3, padding=1)
        self.c2 = nn.Conv2d(hidden, hidden, 1)
        for conv in (self.c1, self.c2):
            nn.init.normal_(conv.weight, 0, 0.05)
            nn.init.zeros_(conv.bias)
        self.c3 = ZeroConv(hidden, 2 * (c - self.kept))

    def forward(self, x):
        a, b = x[..., : self.kept], x[..., self.kept :]
        h = self.c3(F.relu(self.c2(F.relu(self.c1(a.permute(0, 3, 1, 2)))))).permute(0, 2, 3, 1)
        k = b.shape[3]
        shift, raw = h[..., :k], h[..., k:]
        logscale = -F.softplus(-(raw + 2))
        return torch.cat([a, (b + shift) * torch.exp(logscale)], 3), logscale.sum(dim=(1, 2, 3))


def squeeze(x):
    b, h, w, c = x.shape
    x = x.reshape(b, h // 2, 2, w // 2, 2, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(b, h // 2, w // 2, 4 * c)


class Glow(nn.Module):
    def __init__(self, levels=2, steps=6, hidden=64, alpha=0.05):
        super().__init__()
        self.alpha = alpha
        self.levels = nn.ModuleList()
        c = 1
        for l in range(levels):
            c *= 4
            self.levels.append(nn.ModuleList([m for _ in range(steps) for m in (ActNorm(c), InvConv(c), Coupling(c, hidden))]))
            if l < levels - 1:
                c = (c + 1) // 2

    def log_prob(self, y):  # y in [0, 1), [b, 28, 28, 1]
        a = self.alpha
        s = a + (1 - 2 * a) * y
        x = torch.log(s) - torch.log1p(-s)
        logdet = (math.log1p(-2 * a) - torch.log(s) - torch.log1p(-s)).sum(dim=(1, 2, 3))
        logp = torch.zeros(y.shape[0])
        h = x
        for l, steps in enumerate(self.levels):
            h = squeeze(h)
            for m in steps:
                h, ld = m(h)
                logdet = logdet + ld
            if l < len(self.levels) - 1:
                kept = (h.shape[3] + 1) // 2
                z = h[..., kept:]
                logp = logp - 0.5 * (z ** 2).sum(dim=(1, 2, 3)) - 0.5 * math.log(2 * math.pi) * z[0].numel()
                h = h[..., :kept]
        logp = logp - 0.5 * (h ** 2).sum(dim=(1, 2, 3)) - 0.5 * math.log(2 * math.pi) * h[0].numel()
        return logp + logdet


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--seconds', type=float, default=0)
    ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    ap.add_argument('--eval', action='store_true')
    a = ap.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    train = load(os.path.join(a.data, 'train-images-idx3-ubyte.gz')).astype(np.float32)
    model = Glow()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    dims = 784

    def batch():
        idx = rng.integers(0, train.shape[0], 64)
        return torch.from_numpy((train[idx] + rng.random((64, 28, 28, 1), dtype=np.float32)) / 256)

    def step():
        nll = -(model.log_prob(batch()).mean()) + dims * math.log(256)
        opt.zero_grad()
        nll.backward()
        opt.step()
        return nll.item() / (dims * math.log(2))

    step()  # actnorm initialisation and warm-up
    start = time.perf_counter()
    cpu_start = time.process_time()
    n = 0
    bpd = float('nan')
    while n < a.steps or (a.seconds and time.perf_counter() - start < a.seconds):
        bpd = step()
        n += 1
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    out = {'steps': n, 'seconds': seconds, 'stepsPerSecond': n / seconds, 'cpuSeconds': cpu_seconds,
           'stepsPerCpuSecond': n / cpu_seconds, 'trainBitsPerDim': bpd}
    if a.eval:
        test = load(os.path.join(a.data, 't10k-images-idx3-ubyte.gz')).astype(np.float32)
        with torch.no_grad():
            total = 0.0
            for i in range(0, 10000, 500):
                y = torch.from_numpy((test[i:i + 500] + rng.random((len(test[i:i + 500]), 28, 28, 1), dtype=np.float32)) / 256)
                total += (-(model.log_prob(y)) + dims * math.log(256)).sum().item()
        out['testBitsPerDim'] = total / 10000 / (dims * math.log(2))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
