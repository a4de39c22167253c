"""PyTorch reference of @bijective/planar's `planar` flow fitted by reverse KL to U1-U4.

Same setup as tools/bench/src/vi-quality.ts: the energies of Rezende & Mohamed (2015, Table 1), U2-U4
with the soft wall (z1/4)^8/2, U1 as written; q = K planar layers (default 32) over a standard normal
base, f(z) = z + u_hat tanh(w.z + b), u_hat = u + (m(w.u) - w.u) w / |w|^2, m(x) = -1 + softplus(x)
(the paper's Appendix A.1), u, w, b ~ U(-1/sqrt(d), 1/sqrt(d)); Adam (lr 1e-3, constant), 512
reparameterised samples a step minimising E_q[log q - log p~]. At the end, the ELBO on 65536 fresh
samples, KL = log Z - ELBO with log Z by midpoint quadrature (400 x 400 cells on [-8, 8]^2, float64),
and the importance-sampling ESS fraction. One thread, float32. Prints one JSON line per target.

Usage: python3 planar_vi.py [--targets u1,u2,u3,u4] [--layers 32] [--steps 20000] [--samples 512]
       [--lr 1e-3] [--seed 0] [--eval-samples 65536]
"""

import argparse
import json
import math
import time

import numpy as np
import torch
from torch.nn import functional as F


def w1(z1):
    return torch.sin(2 * math.pi * z1 / 4)


def neg_energy(name, z):
    """-U(z) for z [n, 2] (float32 or float64 tensors)."""
    z1, z2 = z[:, 0], z[:, 1]
    if name == "u1":
        r = torch.sqrt(z1**2 + z2**2)
        modes = torch.logaddexp(-0.5 * ((z1 - 2) / 0.6) ** 2, -0.5 * ((z1 + 2) / 0.6) ** 2)
        return -0.5 * ((r - 2) / 0.4) ** 2 + modes
    v = z2 - w1(z1)
    if name == "u2":
        log_p = -0.5 * (v / 0.4) ** 2
    elif name == "u3":
        w2 = 3 * torch.exp(-0.5 * ((z1 - 1) / 0.6) ** 2)
        log_p = torch.logaddexp(-0.5 * (v / 0.35) ** 2, -0.5 * ((v + w2) / 0.35) ** 2)
    else:
        w3 = 3 * torch.sigmoid((z1 - 1) / 0.3)
        log_p = torch.logaddexp(-0.5 * (v / 0.4) ** 2, -0.5 * ((v + w3) / 0.35) ** 2)
    return log_p - 0.5 * (z1 / 4) ** 8


def log_normalizer(name, cells=400, half=8.0):
    h = 2 * half / cells
    x = -half + (np.arange(cells) + 0.5) * h
    grid = np.stack(np.meshgrid(x, x, indexing="ij"), -1).reshape(-1, 2)
    values = neg_energy(name, torch.from_numpy(grid)).numpy()
    top = values.max()
    return float(top + math.log(np.exp(values - top).sum() * h * h))


class Planar(torch.nn.Module):
    def __init__(self, d, layers, generator):
        super().__init__()
        limit = 1 / math.sqrt(d)
        init = lambda *shape: (torch.rand(*shape, generator=generator) * 2 - 1) * limit  # noqa: E731
        self.u = torch.nn.Parameter(init(layers, d))
        self.w = torch.nn.Parameter(init(layers, d))
        self.b = torch.nn.Parameter(init(layers))

    def forward(self, z):
        """z -> (f(z), log|det df/dz|)."""
        log_det = torch.zeros(z.shape[0])
        wu = (self.w * self.u).sum(1)
        u_hat = self.u + ((-1 + F.softplus(wu) - wu) / (self.w**2).sum(1))[:, None] * self.w
        for k in range(self.u.shape[0]):
            t = torch.tanh(z @ self.w[k] + self.b[k])
            z = z + u_hat[k] * t[:, None]
            log_det = log_det + torch.log(torch.abs(1 + (1 - t**2) * (self.w[k] @ u_hat[k])))
        return z, log_det


def sample_and_log_prob(flow, n):
    z = torch.randn(n, 2)
    x, log_det = flow(z)
    return x, -0.5 * (z**2).sum(1) - math.log(2 * math.pi) - log_det


def fit(name, args):
    torch.manual_seed(args.seed)
    flow = Planar(2, args.layers, torch.Generator().manual_seed(args.seed))
    optimiser = torch.optim.Adam(flow.parameters(), lr=args.lr)
    start = time.perf_counter()
    for _ in range(args.steps):
        x, log_q = sample_and_log_prob(flow, args.samples)
        loss = (log_q - neg_energy(name, x)).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        log_w = []
        for _ in range(0, args.eval_samples, 8192):
            x, log_q = sample_and_log_prob(flow, 8192)
            log_w.append((neg_energy(name, x) - log_q).double())
        log_w = torch.cat(log_w)
    elbo = float(log_w.mean())
    weights = torch.exp(log_w - log_w.max())
    log_z = log_normalizer(name)
    return {
        "target": name,
        "flow": "planar",
        "layers": args.layers,
        "params": sum(p.numel() for p in flow.parameters()),
        "steps": args.steps,
        "kl": log_z - elbo,
        "elbo": elbo,
        "ess": float(weights.sum() ** 2 / (len(weights) * (weights**2).sum())),
        "logZ": log_z,
        "msPerStep": 1000 * seconds / args.steps,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", default="u1,u2,u3,u4")
    parser.add_argument("--layers", type=int, default=32)
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-samples", type=int, default=65536)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for name in args.targets.split(","):
        print(json.dumps(fit(name, args)), flush=True)


if __name__ == "__main__":
    main()
