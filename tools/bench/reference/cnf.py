"""PyTorch reference of @bijective/cnf's FFJORD for tools/bench/src/cnf-throughput.ts.

Same architecture as the TypeScript flow: concat-squash layers d -> hidden... -> d,
h' = (h W + b) * sigmoid(t W_g + b_g) + t W_h (FFJORD's ConcatSquashLinear), tanh between layers,
Glorot-uniform main kernels, the integration time learned as T = s^2 (s = sqrt(0.5) at the start),
a Rademacher probe held fixed per solve, log p(x) = log N(z(0)) - int_0^T tr(df/dz) dt integrated in
the same solve over s in [0, 1] (t = s T), a standard normal base and Adam (lr 1e-3) on the mean
negative log-likelihood, gradients by backpropagation through the solver. One thread, float32.

Workloads (medians over timed windows after warm-up, by the wall clock or with --clock cpu by the
process's CPU time):
- field: one evaluation of f(z, t) with its Hutchinson trace (the VJP with create_graph), forward only,
  and forward + the parameter gradient of sum(w * f) + sum(trace); the same with the exact trace
  (d VJPs with the basis vectors, FFJORD's brute-force divergence);
- rk4: training steps per second with 8 classical Runge-Kutta steps per solve;
- dopri5: training with Dormand-Prince 5(4) (rtol = atol = 1e-5, the controller of Hairer, Norsett &
  Wanner as in @bijective/ode), mean NFE per solve over the first --nfe-steps steps.

Prints one JSON object (with --json, one line).
"""

import argparse
import json
import math
import statistics
import time

import torch
from torch import nn

HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)


class ConcatSquash(nn.Module):
    """(h W + b) * sigmoid(t W_g + b_g) + t W_h."""

    def __init__(self, fan_in, fan_out):
        super().__init__()
        self.layer = nn.Linear(fan_in, fan_out)
        nn.init.xavier_uniform_(self.layer.weight)
        nn.init.zeros_(self.layer.bias)
        self.gate = nn.Linear(1, fan_out)
        self.hyper_bias = nn.Linear(1, fan_out, bias=False)

    def forward(self, t, h):
        tt = t.view(1, 1)
        return self.layer(h) * torch.sigmoid(self.gate(tt)) + self.hyper_bias(tt)


class Field(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        sizes = [d, *hidden, d]
        self.layers = nn.ModuleList(ConcatSquash(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, t, z):
        h = z
        for i, layer in enumerate(self.layers):
            h = layer(t, h)
            if i < len(self.layers) - 1:
                h = torch.tanh(h)
        return h


def trace_estimate(f, z, e, create_graph):
    """f(z) and e^T (df/dz) e per row, from one VJP."""
    with torch.enable_grad():
        if not z.requires_grad:
            z = z.requires_grad_(True)
        value = f(z)
        (vjp,) = torch.autograd.grad(value, z, e, create_graph=create_graph)
    return value, (vjp * e).sum(1)


def exact_trace(f, z, create_graph):
    """f(z) and tr(df/dz) per row, from d VJPs with the basis vectors (as FFJORD's divergence_bf)."""
    with torch.enable_grad():
        if not z.requires_grad:
            z = z.requires_grad_(True)
        value = f(z)
        trace = 0.0
        for i in range(z.shape[1]):
            (row,) = torch.autograd.grad(value[:, i].sum(), z, create_graph=create_graph, retain_graph=True)
            trace = trace + row[:, i]
    return value, trace


class Cnf(nn.Module):
    """FFJORD's density direction: s from 1 to 0, d[z, l]/ds = [T f, tr(d(T f)/dz)] at t = s T."""

    def __init__(self, d, hidden, end_time=0.5):
        super().__init__()
        self.field = Field(d, hidden)
        self.sqrt_time = nn.Parameter(torch.tensor(math.sqrt(end_time)))
        self.nfe = 0
        self.nfe_backward = 0

    def count_backward(self, grad):
        self.nfe_backward += 1
        return grad

    def dynamics(self, s, state, e):
        self.nfe += 1
        z = state[0]
        T = self.sqrt_time**2
        t = T * s

        def g(x):
            return self.field(t, x) * T

        dz, tr = trace_estimate(g, z, e, create_graph=True)
        if dz.requires_grad:
            # Counts the evaluations the backward pass goes through (as @bijective/cnf's nfeBackward).
            dz.register_hook(self.count_backward)
        return [dz, tr]

    def log_prob(self, x, solve):
        e = torch.randint(0, 2, x.shape, dtype=x.dtype) * 2 - 1
        z, logdet = solve(lambda s, y: self.dynamics(s, y, e), [x, x.new_zeros(x.shape[0])], 1.0, 0.0)
        return -0.5 * (z * z).sum(1) - HALF_LOG_TWO_PI * z.shape[1] + logdet


def axpy(y, ks, ws):
    return [yi + sum(w * k[i] for w, k in zip(ws, ks) if w != 0) for i, yi in enumerate(y)]


RK4 = ([0, 0.5, 0.5, 1], [[], [0.5], [0, 0.5], [0, 0, 1]], [1 / 6, 1 / 3, 1 / 3, 1 / 6])


def rk4_solve(steps):
    def solve(f, y, t0, t1):
        h = (t1 - t0) / steps
        c, a, b = RK4
        for n in range(steps):
            t = t0 + n * h
            ks = []
            for i in range(4):
                yi = axpy(y, ks, [aij * h for aij in a[i]])
                ks.append(f(t + c[i] * h, yi))
            y = axpy(y, ks, [bi * h for bi in b])
        return y

    return solve


DP_C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1]
DP_A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
DP_B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0]
DP_BHAT = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40]
DP_E = [b - bh for b, bh in zip(DP_B, DP_BHAT)]


def rms(ts, scales):
    total = sum(((t / s) ** 2).sum() for t, s in zip(ts, scales))
    return math.sqrt(float(total) / sum(t.numel() for t in ts))


def dopri5_solve(rtol, atol, safety=0.9, min_factor=0.2, max_factor=10.0, max_steps=1000):
    """Dormand-Prince 5(4), first same as last, the step control of @bijective/ode's dopri5."""

    def solve(f, y, t0, t1):
        direction = 1 if t1 > t0 else -1
        span = abs(t1 - t0)
        k1 = f(t0, y)
        with torch.no_grad():
            scale = [atol + rtol * yi.abs() for yi in y]
            d0, d1 = rms(y, scale), rms(k1, scale)
            h0 = min(span, 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1)
        y1 = axpy(y, [k1], [direction * h0])
        f1 = f(t0 + direction * h0, y1)
        with torch.no_grad():
            d2 = rms([a - b for a, b in zip(f1, k1)], scale) / h0
            dmax = max(d1, d2)
            h = min(100 * h0, max(1e-6, h0 * 1e-3) if dmax <= 1e-15 else (0.01 / dmax) ** (1 / 6), span)
        t = t0
        attempts = 0
        while (t1 - t) * direction > 0:
            attempts += 1
            if attempts > max_steps:
                raise RuntimeError("dopri5: max_steps")
            remaining = abs(t1 - t)
            clipped = h >= remaining
            step = remaining if clipped else (remaining / 2 if h > remaining / 2 else h)
            hs = direction * step
            ks = [k1]
            for i in range(1, 7):
                yi = axpy(y, ks, [a * hs for a in DP_A[i]])
                ks.append(f(t + DP_C[i] * hs, yi))
            ynew = yi
            with torch.no_grad():
                error = axpy([torch.zeros_like(v) for v in y], ks, [e * hs for e in DP_E])
                scale = [atol + rtol * torch.maximum(a.abs(), b.abs()) for a, b in zip(y, ynew)]
                err = rms(error, scale)
            if not math.isfinite(err):
                factor = min_factor
            else:
                grow = max_factor if err <= 1 else 1
                factor = grow if err == 0 else min(grow, max(min_factor, safety * err ** (-1 / 5)))
            if err <= 1:
                y, k1 = ynew, ks[6]
                t = t1 if clipped else t + hs
                h = max(h, step * factor) if clipped else step * factor
            else:
                h = step * factor
        return y

    return solve


def eight_gaussians(n, d, generator):
    k = torch.randint(0, 8, (n,), generator=generator).float()
    angle = 2 * math.pi * k / 8
    x = torch.zeros(n, d)
    x[:, 0] = 2 * torch.cos(angle)
    x[:, 1] = 2 * torch.sin(angle)
    return x + 0.3 * torch.randn(n, d, generator=generator)


CLOCK = time.perf_counter


def median_seconds(fn, warmup, windows, window_seconds):
    end = CLOCK() + warmup
    calls = 0
    while CLOCK() < end or calls < 2:
        fn()
        calls += 1
    start = CLOCK()
    fn()
    once = CLOCK() - start
    reps = max(1, math.ceil(window_seconds / max(once, 1e-6)))
    per_call = []
    for _ in range(windows):
        begin = CLOCK()
        for _ in range(reps):
            fn()
        per_call.append((CLOCK() - begin) / reps)
    return statistics.median(per_call)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dims", type=int, default=2)
    parser.add_argument("--hidden", default="64,64,64")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rk4-steps", type=int, default=8)
    parser.add_argument("--nfe-steps", type=int, default=0, help="dopri5 training steps for the NFE figure (0: skip)")
    parser.add_argument("--warmup-seconds", type=float, default=0.5)
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--window-seconds", type=float, default=0.5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall", help="cpu: this process's CPU time")
    parser.add_argument("--json", action="store_true")
    a = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if a.clock == "cpu" else time.perf_counter
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    hidden = [int(h) for h in a.hidden.split(",")]
    generator = torch.Generator().manual_seed(1)
    data = eight_gaussians(8192, a.dims, generator)
    timing = (a.warmup_seconds, a.windows, a.window_seconds)

    field = Field(a.dims, hidden)
    z = data[: a.batch].clone()
    e = torch.randint(0, 2, z.shape, generator=generator).float() * 2 - 1
    w = torch.randn(z.shape, generator=generator)
    t = torch.tensor(0.3)

    def field_forward():
        with torch.no_grad():
            value, tr = trace_estimate(lambda x: field(t, x), z.clone(), e, create_graph=False)
        float(value.sum())
        float(tr.sum())

    def field_forward_backward():
        field.zero_grad(set_to_none=True)
        value, tr = trace_estimate(lambda x: field(t, x), z.clone(), e, create_graph=True)
        ((value * w).sum() + tr.sum()).backward()
        float(sum(p.grad.sum() for p in field.parameters()))

    def field_exact_forward():
        value, tr = exact_trace(lambda x: field(t, x), z.clone(), create_graph=False)
        float(value.detach().sum())
        float(tr.sum())

    def field_exact_forward_backward():
        field.zero_grad(set_to_none=True)
        value, tr = exact_trace(lambda x: field(t, x), z.clone(), create_graph=True)
        ((value * w).sum() + tr.sum()).backward()
        float(sum(p.grad.sum() for p in field.parameters()))

    result = {
        "fieldForwardMs": 1000 * median_seconds(field_forward, *timing),
        "fieldForwardBackwardMs": 1000 * median_seconds(field_forward_backward, *timing),
        "fieldExactForwardMs": 1000 * median_seconds(field_exact_forward, *timing),
        "fieldExactForwardBackwardMs": 1000 * median_seconds(field_exact_forward_backward, *timing),
    }

    def trainer(solve):
        torch.manual_seed(a.seed)
        cnf = Cnf(a.dims, hidden)
        opt = torch.optim.Adam(cnf.parameters(), lr=1e-3)
        state = {"loss": float("nan"), "nfe": 0, "nfe_backward": 0}

        def step():
            idx = torch.randint(0, data.shape[0], (a.batch,), generator=generator)
            cnf.nfe = 0
            cnf.nfe_backward = 0
            loss = -cnf.log_prob(data[idx], solve).mean()
            state["nfe"] = cnf.nfe
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            state["loss"] = float(loss)
            state["nfe_backward"] = cnf.nfe_backward

        return step, state

    step, state = trainer(rk4_solve(a.rk4_steps))
    result["rk4StepsPerSecond"] = 1 / median_seconds(step, *timing)
    result["rk4Loss"] = state["loss"]
    result["rk4Nfe"] = state["nfe"]

    if a.nfe_steps > 0:
        step, state = trainer(dopri5_solve(1e-5, 1e-5))
        nfes = []
        backward = []
        start = time.perf_counter()
        for _ in range(a.nfe_steps):
            step()
            nfes.append(state["nfe"])
            backward.append(state["nfe_backward"])
        result["dopri5Steps"] = a.nfe_steps
        result["dopri5NfeForward"] = statistics.mean(nfes)
        result["dopri5NfeBackward"] = statistics.mean(backward)
        result["dopri5NfeForwardList"] = nfes
        result["dopri5NfeBackwardList"] = backward
        result["dopri5SecondsPerStep"] = (time.perf_counter() - start) / a.nfe_steps
        result["dopri5Loss"] = state["loss"]
    print(json.dumps(result) if a.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
