"""PyTorch reference of @bijective/coupling's NICE and RealNVP for tools/bench/src/coupling-throughput.ts.

Same architecture as the TypeScript flows with their defaults: halves masks, a reversal between
couplings (so every coupling conditions on the same position), MLP conditioners
d_A -> hidden... -> out with ReLU and a zero-initialised output layer, RealNVP log-scales bounded as
s = c * tanh(s_hat / c) with c = 2, NICE's diagonal scaling softplus(u) + 1e-3 on the base side,
a standard normal base, Adam (lr 1e-3) on the mean negative log-likelihood. One thread, float32.

Prints one JSON object per configuration (with --json, one line each) with steps/s for training and
examples/s for log_prob and sampling, each the median over timed windows after warm-up.
"""

import argparse
import json
import math
import statistics
import time

import torch
from torch import nn

HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)


def normal_log_prob(z, log_det):
    """log N(z; 0, I) + log_det per row: the change of variables onto a standard normal base."""
    return -0.5 * (z * z).sum(1) - HALF_LOG_TWO_PI * z.shape[1] + log_det


def mlp(inputs, hidden, outputs):
    sizes = [inputs, *hidden]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    last = nn.Linear(sizes[-1], outputs)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(*layers, last)


class Coupling(nn.Module):
    """y_A = x_A, y_B = x_B * exp(s) + t (affine) or x_B + t (additive); A = first ceil(d/2) elements."""

    def __init__(self, d, hidden, affine, bound):
        super().__init__()
        self.cut = (d + 1) // 2
        self.size_b = d - self.cut
        self.affine = affine
        self.bound = bound
        self.net = mlp(self.cut, hidden, (2 if affine else 1) * self.size_b)

    def inverse(self, y):
        y_a, y_b = y[:, : self.cut], y[:, self.cut :]
        h = self.net(y_a)
        if not self.affine:
            return torch.cat([y_a, y_b - h], 1), y.new_zeros(y.shape[0])
        s = self.bound * torch.tanh(h[:, : self.size_b] / self.bound)
        t = h[:, self.size_b :]
        return torch.cat([y_a, (y_b - t) * torch.exp(-s)], 1), -s.sum(1)

    def forward(self, x):
        x_a, x_b = x[:, : self.cut], x[:, self.cut :]
        h = self.net(x_a)
        if not self.affine:
            return torch.cat([x_a, x_b + h], 1), x.new_zeros(x.shape[0])
        s = self.bound * torch.tanh(h[:, : self.size_b] / self.bound)
        t = h[:, self.size_b :]
        return torch.cat([x_a, x_b * torch.exp(s) + t], 1), s.sum(1)


class Flow(nn.Module):
    """Couplings in forward (base -> data) order with torch.flip between them; NICE adds a base-side scale."""

    def __init__(self, kind, d, layers, hidden, bound=2.0):
        super().__init__()
        self.d = d
        self.couplings = nn.ModuleList(Coupling(d, hidden, kind == "realnvp", bound) for _ in range(layers))
        self.scale = nn.Parameter(torch.full((d,), math.log(math.expm1(1 - 1e-3)))) if kind == "nice" else None

    def log_prob(self, x):
        log_det = x.new_zeros(x.shape[0])
        for i in reversed(range(len(self.couplings))):
            x, ld = self.couplings[i].inverse(x)
            log_det = log_det + ld
            if i > 0:
                x = torch.flip(x, [1])
        if self.scale is not None:
            s = nn.functional.softplus(self.scale) + 1e-3
            x = x / s
            log_det = log_det - torch.log(s).sum()
        return normal_log_prob(x, log_det)

    def sample(self, n):
        z = torch.randn(n, self.d)
        if self.scale is not None:
            z = z * (nn.functional.softplus(self.scale) + 1e-3)
        for i, c in enumerate(self.couplings):
            if i > 0:
                z = torch.flip(z, [1])
            z, _ = c(z)
        return z


def mixture(n, d, generator):
    """A Gaussian mixture on a ring (8 components in 2-D), as the TypeScript benchmark draws it."""
    k = torch.randint(0, 8, (n,), generator=generator).float()
    angle = 2 * math.pi * k / 8
    centre = torch.stack([2 * torch.cos(angle), 2 * torch.sin(angle)], 1)
    if d > 2:
        centre = torch.cat([centre, torch.zeros(n, d - 2)], 1)
    return centre + 0.3 * torch.randn(n, d, generator=generator)


def timed(fn, args):
    """Median seconds per call over timed windows after warming up, with calls per window calibrated
    to --window-seconds (the same protocol as tools/bench/src/coupling-timing.ts); --clock cpu times
    by this process's CPU time (time.process_time), which a loaded machine does not inflate."""
    now = time.process_time if getattr(args, "clock", "wall") == "cpu" else time.perf_counter
    end = now() + args.warmup_seconds
    calls = 0
    while now() < end or calls < 2:
        fn()
        calls += 1
    start = now()
    fn()
    reps = max(1, math.ceil(args.window_seconds / max(now() - start, 1e-6)))
    times = []
    for _ in range(args.windows):
        start = now()
        for _ in range(reps):
            fn()
        times.append((now() - start) / reps)
    return statistics.median(times)


def bench(kind, d, layers, hidden, batch, args, build=None):
    """Train-step, log-density and sampling throughput of build(kind, d, layers, hidden) (default: Flow)."""
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    flow = (build or Flow)(kind, d, layers, hidden)
    data = mixture(8192, d, generator)
    optimizer = torch.optim.Adam(flow.parameters(), lr=1e-3)

    def train_step():
        rows = torch.randint(0, data.shape[0], (batch,), generator=generator)
        x = data[rows]
        loss = -flow.log_prob(x).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    eval_batch = data[:batch]

    def log_prob():
        with torch.no_grad():
            flow.log_prob(eval_batch).sum().item()

    def sample():
        with torch.no_grad():
            flow.sample(batch).sum().item()

    train = timed(train_step, args)
    lp = timed(log_prob, args)
    smp = timed(sample, args)
    return {
        "flow": kind,
        "dims": d,
        "layers": layers,
        "hidden": hidden,
        "batch": batch,
        "trainStepsPerSecond": 1 / train,
        "logProbExamplesPerSecond": batch / lp,
        "sampleExamplesPerSecond": batch / smp,
        "finalLoss": train_step(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", default="nice,realnvp")
    parser.add_argument("--dims", type=int, default=2)
    parser.add_argument("--nice-layers", type=int, default=4)
    parser.add_argument("--realnvp-layers", type=int, default=8)
    parser.add_argument("--hidden", default="64,64")
    parser.add_argument("--batches", default="256,1024")
    parser.add_argument("--warmup-seconds", type=float, default=0.5)
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--window-seconds", type=float, default=0.25)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    hidden = [int(h) for h in args.hidden.split(",")]
    for kind in args.flows.split(","):
        layers = args.nice_layers if kind == "nice" else args.realnvp_layers
        for batch in (int(b) for b in args.batches.split(",")):
            result = bench(kind, args.dims, layers, hidden, batch, args)
            result["torch"] = torch.__version__
            print(json.dumps(result) if args.json else result, flush=True)


if __name__ == "__main__":
    main()
