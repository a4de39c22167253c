"""PyTorch reference of @bijective/autoregressive's `maf`, @bijective/spline's `nsf` and (tabular mode) @bijective/coupling's `realnvp`.

Same architectures as the TypeScript flows with their defaults. MAF: 5 masked affine layers on
MADEs (hidden 64,64, ReLU; input degrees natural / reversed alternating from the base side, hidden
degrees (k mod max(1, D-1)) + 1, Glorot-uniform masked kernels, zero output layer and biases),
z = (x - mu(x)) * exp(-alpha(x)) with alpha = c * tanh(alpha_hat / c), c = 2; MADE output column
p*D + i is output p (shift, then log-scale) of dimension i. NSF: 4 rational-quadratic spline
couplings with a reversal between consecutive ones, conditioner MLP on the first ceil(d/2) elements
giving 3K - 1 parameters per transformed element (K width logits, K height logits, K - 1 derivative
logits offset so that a zero output gives derivative 1), K = 8 bins on [-3, 3], identity outside,
minimum bin size 1e-3 (fraction of 2B), minimum derivative 1e-3, zero-initialised output.

Modes: throughput (the default; same flags and JSON as coupling.py: --flows maf,nsf --maf-layers 5
--nsf-layers 4 ...), and --train CSV --test CSV for tools/bench/src/tabular-quality.ts (the CLI's
recipe: 10 % validation split, standardised with training statistics (ddof 0) and its log-determinant,
then a fixed base-side whitening fitted to the initial flow's latent codes of the training rows (mean
and Cholesky factor; --preprocess standardise leaves it out), Adam with cosine annealing (AdamW with
--weight-decay), validation every min(max(10, steps/40), 10 epochs) steps, patience 10,
best-validation weights; prints one JSON line with testNll). One thread, float32.
"""

import argparse
import json
import math
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coupling import Flow as CouplingFlow, bench, normal_log_prob  # noqa: E402


def glorot_(linear, mask=None, zero=False):
    fan_in, fan_out = linear.in_features, linear.out_features
    limit = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        if zero:
            linear.weight.zero_()
        else:
            linear.weight.uniform_(-limit, limit)
            if mask is not None:
                linear.weight.mul_(mask)
        linear.bias.zero_()


def mlp(inputs, hidden, outputs):
    """ReLU MLP with Glorot-uniform hidden kernels and a zero output layer."""
    sizes = [inputs, *hidden]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        linear = nn.Linear(fan_in, fan_out)
        glorot_(linear)
        layers += [linear, nn.ReLU()]
    last = nn.Linear(sizes[-1], outputs)
    glorot_(last, zero=True)
    return nn.Sequential(*layers, last)


class MADE(nn.Module):
    """Masked dense layers; masks[l] is [out, in] (torch's weight layout)."""

    def __init__(self, d, hidden, reversed_order, outputs_per_input=2):
        super().__init__()
        degrees = [d - k for k in range(d)] if reversed_order else [k + 1 for k in range(d)]
        span = max(1, d - 1)
        layer_degrees = [degrees] + [[k % span + 1 for k in range(h)] for h in hidden]
        layer_degrees.append(degrees * outputs_per_input)
        self.linears = nn.ModuleList()
        for l in range(len(layer_degrees) - 1):
            src, dst = layer_degrees[l], layer_degrees[l + 1]
            last = l == len(layer_degrees) - 2
            mask = torch.tensor([[float(mk > mj if last else mk >= mj) for mj in src] for mk in dst])
            linear = nn.Linear(len(src), len(dst))
            glorot_(linear, mask, zero=last)
            self.register_buffer(f"mask{l}", mask)
            self.linears.append(linear)

    def forward(self, x):
        h = x
        for l, linear in enumerate(self.linears):
            h = F.linear(h, linear.weight * getattr(self, f"mask{l}"), linear.bias)
            if l < len(self.linears) - 1:
                h = torch.relu(h)
        return h


class MAF(nn.Module):
    def __init__(self, d, layers, hidden, bound=2.0):
        super().__init__()
        self.d, self.bound = d, bound
        self.mades = nn.ModuleList(MADE(d, hidden, k % 2 == 1) for k in range(layers))

    def inverse(self, x):
        log_det = x.new_zeros(x.shape[0])
        for made in reversed(self.mades):
            h = made(x)
            raw, shift = h[:, : self.d], h[:, self.d :]
            alpha = self.bound * torch.tanh(raw / self.bound)
            x = (x - shift) * torch.exp(-alpha)
            log_det = log_det - alpha.sum(1)
        return x, log_det

    def log_prob(self, x):
        z, log_det = self.inverse(x)
        return normal_log_prob(z, log_det)

    def sample(self, n):
        z = torch.randn(n, self.d)
        for made in self.mades:
            u = torch.zeros_like(z)
            for _ in range(self.d):
                h = made(u)
                alpha = self.bound * torch.tanh(h[:, : self.d] / self.bound)
                u = z * torch.exp(alpha) + h[:, self.d :]
            z = u
        return z


def knots(logits, bound, min_size):
    """Left knots, sizes and the K+1 knots from width or height logits [N, K]."""
    k = logits.shape[1]
    fractions = min_size + (1 - k * min_size) * torch.softmax(logits, 1)
    cum = torch.cumsum(fractions, 1)
    edges = torch.cat([torch.zeros_like(cum[:, :1]), cum], 1) * 2 * bound - bound
    return edges[:, :-1], 2 * bound * fractions, edges


def rq_spline(x, w_logits, h_logits, d_logits, bound=3.0, inverse=False, min_size=1e-3, min_derivative=1e-3):
    """Elementwise RQ spline on [-B, B] (identity outside); x [N], parameters [N, K] / [N, K-1]."""
    xl, w, xe = knots(w_logits, bound, min_size)
    yl, h, ye = knots(h_logits, bound, min_size)
    ones = torch.ones_like(d_logits[:, :1])
    deriv = torch.cat([ones, min_derivative + F.softplus(d_logits), ones], 1)
    inside = (x.abs() <= bound).to(x.dtype)
    c = x.clamp(-bound, bound)
    edges = (ye if inverse else xe)[:, 1:-1]
    k = (c[:, None] >= edges).sum(1, keepdim=True)
    pick = lambda t: t.gather(1, k)[:, 0]  # noqa: E731
    bx, bw, by, bh, d0, d1 = pick(xl), pick(w), pick(yl), pick(h), pick(deriv[:, :-1]), pick(deriv[:, 1:])
    s = bh / bw
    if inverse:
        eta = c - by
        curv = d1 + d0 - 2 * s
        a = bh * (s - d0) + eta * curv
        b = bh * d0 - eta * curv
        cc = -s * eta
        disc = (b * b - 4 * a * cc).clamp_min(1e-30)
        theta = (2 * cc / (-b - disc.sqrt()).clamp_max(-1e-30)).clamp(0, 1)
    else:
        theta = ((c - bx) / bw).clamp(0, 1)
    mixed = theta * (1 - theta)
    denom = s + (d1 + d0 - 2 * s) * mixed
    slope = d1 * theta**2 + 2 * s * mixed + d0 * (1 - theta) ** 2
    log_slope = 2 * torch.log(s) + torch.log(slope) - 2 * torch.log(denom)
    value = bx + theta * bw if inverse else by + bh * (s * theta**2 + d0 * mixed) / denom
    out = inside * value + (1 - inside) * x
    return out, (-inside if inverse else inside) * log_slope


class SplineCoupling(nn.Module):
    def __init__(self, d, hidden, bins):
        super().__init__()
        self.cut, self.size_b, self.bins = (d + 1) // 2, d - (d + 1) // 2, bins
        self.net = mlp(self.cut, hidden, self.size_b * (3 * bins - 1))
        self.offset = math.log(math.expm1(1 - 1e-3))

    def apply(self, x, inverse):
        n, k = x.shape[0], self.bins
        x_a, x_b = x[:, : self.cut], x[:, self.cut :]
        raw = self.net(x_a).reshape(n * self.size_b, 3 * k - 1)
        y_b, ld = rq_spline(x_b.reshape(-1), raw[:, :k], raw[:, k : 2 * k], raw[:, 2 * k :] + self.offset, inverse=inverse)
        return torch.cat([x_a, y_b.reshape(n, self.size_b)], 1), ld.reshape(n, self.size_b).sum(1)


class NSF(nn.Module):
    def __init__(self, d, layers, hidden, bins=8):
        super().__init__()
        self.d = d
        self.couplings = nn.ModuleList(SplineCoupling(d, hidden, bins) for _ in range(layers))

    def inverse(self, x):
        log_det = x.new_zeros(x.shape[0])
        for i in reversed(range(len(self.couplings))):
            x, ld = self.couplings[i].apply(x, True)
            log_det = log_det + ld
            if i > 0:
                x = torch.flip(x, [1])
        return x, log_det

    def log_prob(self, x):
        z, log_det = self.inverse(x)
        return normal_log_prob(z, log_det)

    def sample(self, n):
        z = torch.randn(n, self.d)
        for i, c in enumerate(self.couplings):
            if i > 0:
                z = torch.flip(z, [1])
            z, _ = c.apply(z, False)
        return z


class AutoregressiveNSF(nn.Module):
    """NSF with autoregressive layers: a MADE with 3K-1 outputs per input (head-major), orders alternating."""

    def __init__(self, d, layers, hidden, bins=8):
        super().__init__()
        self.d, self.bins = d, bins
        self.mades = nn.ModuleList(MADE(d, hidden, k % 2 == 1, 3 * bins - 1) for k in range(layers))
        self.offset = math.log(math.expm1(1 - 1e-3))

    def spline(self, made, u, x, inverse):
        n, k, d = x.shape[0], self.bins, self.d
        raw = made(u).reshape(n, 3 * k - 1, d).permute(0, 2, 1).reshape(n * d, 3 * k - 1)
        y, ld = rq_spline(x.reshape(-1), raw[:, :k], raw[:, k : 2 * k], raw[:, 2 * k :] + self.offset, inverse=inverse)
        return y.reshape(n, d), ld.reshape(n, d).sum(1)

    def log_prob(self, x):
        log_det = x.new_zeros(x.shape[0])
        for made in reversed(self.mades):
            x, ld = self.spline(made, x, x, True)
            log_det = log_det + ld
        return normal_log_prob(x, log_det)

    def sample(self, n):
        z = torch.randn(n, self.d)
        for made in self.mades:
            u = torch.zeros_like(z)
            for _ in range(self.d):
                u, _ = self.spline(made, u, z, False)
            z = u
        return z


class RealNVP(CouplingFlow):
    """coupling.py's RealNVP (the `realnvp` flow's defaults) with the data -> base map as `inverse`."""

    def __init__(self, d, layers, hidden):
        super().__init__("realnvp", d, layers, hidden)

    def inverse(self, x):
        log_det = x.new_zeros(x.shape[0])
        for i in reversed(range(len(self.couplings))):
            x, ld = self.couplings[i].inverse(x)
            log_det = log_det + ld
            if i > 0:
                x = torch.flip(x, [1])
        return x, log_det


def build(kind, d, layers, hidden):
    if kind == "realnvp":
        return RealNVP(d, layers, hidden)
    if kind == "maf":
        return MAF(d, layers, hidden)
    if kind == "nsf-ar":
        return AutoregressiveNSF(d, layers, hidden)
    return NSF(d, layers, hidden)


def read_csv(path):
    with open(path) as f:
        next(f)
        return torch.tensor([[float(v) for v in line.split(",")] for line in f if line.strip()], dtype=torch.float64)


def tabular(args, kind, layers, hidden):
    """Fits on --train with early stopping on a validation split; test NLL in the data's units."""
    torch.manual_seed(args.seed)
    train, test = read_csv(args.train), read_csv(args.test)
    order = torch.randperm(train.shape[0])
    n_val = max(1, round(args.val_fraction * train.shape[0]))
    val, train = train[order[:n_val]], train[order[n_val:]]
    mean, std = train.mean(0), train.std(0, unbiased=False)
    shift = -torch.log(std).sum().item()  # log-determinant of the standardisation
    norm = lambda t: ((t - mean) / std).float()  # noqa: E731
    train, val, test = norm(train), norm(val), norm(test)
    flow = build(kind, train.shape[1], layers, hidden)
    if kind == "realnvp" and args.realnvp_init == "glorot":
        # coupling.py's conditioners keep torch's nn.Linear default (U(+-1/sqrt(fan_in)) kernels and
        # biases); --realnvp-init glorot re-draws their hidden layers as the TypeScript MLP, the MAF and
        # the NSF here start (Glorot-uniform kernels, zero biases), the zero output layer unchanged.
        for c in flow.couplings:
            for linear in [m for m in c.net if isinstance(m, nn.Linear)][:-1]:
                glorot_(linear)
    # The CLI's base-side whitening: mean and Cholesky factor of the initial flow's latent codes of the
    # training rows (ddof 0, float64), fixed; the flow starts at the full-covariance Gaussian.
    if args.preprocess == "whiten":
        with torch.no_grad():
            codes = flow.inverse(train)[0].double()
        code_mean = codes.mean(0)
        chol = torch.linalg.cholesky((codes - code_mean).T @ (codes - code_mean) / codes.shape[0])
        code_mean, chol = code_mean.float(), chol.float()
        chol_log_det = torch.log(torch.diagonal(chol)).sum()
    else:
        code_mean, chol, chol_log_det = None, None, 0.0

    def log_prob(t):
        z, log_det = flow.inverse(t)
        if chol is not None:
            z = torch.linalg.solve_triangular(chol, (z - code_mean).T, upper=False).T
        return normal_log_prob(z, log_det - chol_log_det)

    if args.weight_decay > 0:
        optimizer = torch.optim.AdamW(flow.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    else:
        optimizer = torch.optim.Adam(flow.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.steps)
    size = min(args.batch, train.shape[0])
    every = args.val_every or min(max(10, round(args.steps / 40)), 10 * max(1, train.shape[0] // size))
    nll = lambda t: -(log_prob(t).mean().item() + shift)  # noqa: E731
    best, best_state, since, perm, pos, step = math.inf, None, 0, torch.randperm(train.shape[0]), 0, 0
    for step in range(1, args.steps + 1):
        if pos + size > train.shape[0]:
            perm, pos = torch.randperm(train.shape[0]), 0
        x = train[perm[pos : pos + size]]
        pos += size
        loss = -log_prob(x).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % every == 0 or step == args.steps:
            with torch.no_grad():
                v = nll(val)
            if v < best:
                best, best_state, since = v, {k: t.clone() for k, t in flow.state_dict().items()}, 0
            else:
                since += 1
                if since >= args.patience:
                    break
    if best_state is not None:
        flow.load_state_dict(best_state)
    with torch.no_grad():
        result = {"flow": kind, "layers": layers, "hidden": hidden, "steps": step, "validationNll": best, "testNll": nll(test)}
        if args.row_nlls:
            rows = -(log_prob(test).double() + shift)
            with open(args.row_nlls, "w") as f:
                f.write("\n".join(f"{v:.9g}" for v in rows.tolist()) + "\n")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", default="maf,nsf")
    parser.add_argument("--dims", type=int, default=2)
    parser.add_argument("--maf-layers", type=int, default=5)
    parser.add_argument("--nsf-layers", type=int, default=4)
    parser.add_argument("--nsf-ar-layers", type=int, default=5)
    parser.add_argument("--realnvp-layers", type=int, default=12)
    parser.add_argument("--hidden", default="64,64")
    parser.add_argument("--batches", default="256")
    parser.add_argument("--warmup-seconds", type=float, default=0.5)
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--window-seconds", type=float, default=0.25)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--train", help="training CSV (tabular mode)")
    parser.add_argument("--test", help="test CSV (tabular mode)")
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--val-fraction", type=float, default=0.1)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--val-every", type=int, default=0, help="0: the CLI's default cadence")
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--preprocess", choices=["whiten", "standardise"], default="whiten")
    parser.add_argument(
        "--realnvp-init",
        choices=["torch", "glorot"],
        default="torch",
        help="tabular mode: RealNVP's hidden layers at torch's nn.Linear default or Glorot-uniform with zero biases",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--row-nlls", help="tabular mode: write each test row's NLL (nats), one a line, to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    hidden = [int(h) for h in args.hidden.split(",")]
    for kind in args.flows.split(","):
        layers = {"maf": args.maf_layers, "nsf-ar": args.nsf_ar_layers, "realnvp": args.realnvp_layers}.get(
            kind, args.nsf_layers
        )
        if args.train:
            result = tabular(args, kind, layers, hidden)
            result["torch"] = torch.__version__
            print(json.dumps(result), flush=True)
            continue
        for batch in (int(b) for b in args.batches.split(",")):
            result = bench(kind, args.dims, layers, hidden, batch, args, build=build)
            result["torch"] = torch.__version__
            print(json.dumps(result) if args.json else result, flush=True)


if __name__ == "__main__":
    main()
