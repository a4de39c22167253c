"""zuko's training loop, the Python side of tools/bench/src/cli-loop-speed.ts.

What a PyTorch user would write with zuko (https://github.com/probabilists/zuko, run from the path
in ZUKO_PATH, never vendored): zuko.flows.RealNVP / MAF / NSF with `transforms` and
`hidden_features`, Adam with cosine annealing to 0 over the steps, minibatches of a shuffled
training set per epoch, the loss read back every step (`loss.item()`, as the CLI's progress does),
a validation pass over the whole validation set every `--val-every` steps and at the last step,
keeping a copy of the best-validation weights. One thread, float32.

Prints one JSON line: loop steps per second of wall clock and per second of the process's CPU time
over the steps after the first tenth (validation passes included), the same window the CLI bench
reads from the CLI's progress lines, and the whole loop's rate from its first step.
"""

import argparse
import copy
import json
import math
import os
import sys
import time

sys.path.insert(0, os.environ["ZUKO_PATH"])

import torch  # noqa: E402
import zuko  # noqa: E402


def moons(n, generator):
    """Two interleaving half circles with Gaussian noise (s.d. 0.1), standardised per column."""
    t = torch.rand(n, generator=generator) * math.pi
    upper = torch.rand(n, generator=generator) < 0.5
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    data = torch.stack([x, y], 1) + 0.1 * torch.randn(n, 2, generator=generator)
    return data


def read_table(path):
    with open(path) as f:
        lines = f.read().strip().split("\n")[1:]
    return torch.tensor([[float(v) for v in line.split(",")] for line in lines], dtype=torch.float32)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--flow", choices=["realnvp", "maf", "nsf"], required=True)
    p.add_argument("--data", required=True, help="moons, or a CSV file with a header line")
    p.add_argument("--rows", type=int, default=200_000, help="moons: draws (the CLI draws 200000)")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--val-every", type=int, default=250)
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--layers", type=int, default=5)
    p.add_argument("--hidden", default="64,64")
    p.add_argument("--lr", type=float, default=4e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    generator = torch.Generator().manual_seed(a.seed)
    torch.manual_seed(a.seed)
    data = moons(a.rows, generator) if a.data == "moons" else read_table(a.data)
    data = (data - data.mean(0)) / data.std(0)
    order = torch.randperm(len(data), generator=generator)
    n_val = int(len(data) * a.val_fraction)
    val, train = data[order[:n_val]], data[order[n_val:]]
    hidden = tuple(int(h) for h in a.hidden.split(","))
    Flow = {"realnvp": zuko.flows.RealNVP, "maf": zuko.flows.MAF, "nsf": zuko.flows.NSF}[a.flow]
    flow = Flow(data.shape[1], transforms=a.layers, hidden_features=hidden)
    optimiser = torch.optim.Adam(flow.parameters(), lr=a.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, a.steps)
    best, best_state = math.inf, None
    batch = min(a.batch, len(train))
    perm, position = torch.randperm(len(train), generator=generator), 0
    window_start = a.steps // 10
    t0 = None
    loop_start = time.perf_counter()
    for step in range(a.steps):
        if position + batch > len(train):
            perm, position = torch.randperm(len(train), generator=generator), 0
        x = train[perm[position : position + batch]]
        position += batch
        loss = -flow().log_prob(x).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        loss.item()
        if (step + 1) % a.val_every == 0 or step == a.steps - 1:
            with torch.no_grad():
                nll = -flow().log_prob(val).mean().item()
            if nll < best:
                best, best_state = nll, copy.deepcopy(flow.state_dict())
        if step + 1 == window_start:
            t0, c0 = time.perf_counter(), time.process_time()
    loop_seconds = time.perf_counter() - loop_start
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    print(
        json.dumps(
            {
                "side": "zuko",
                "zuko": zuko.__version__,
                "torch": torch.__version__,
                "flow": a.flow,
                "dims": data.shape[1],
                "batch": batch,
                "steps": a.steps,
                "stepsPerSecond": (a.steps - window_start) / seconds,
                "stepsPerCpuSecond": (a.steps - window_start) / cpu_seconds,
                "loopStepsPerSecond": a.steps / loop_seconds,
                "bestValidationNll": best,
                "kept": best_state is not None,
            }
        )
    )


if __name__ == "__main__":
    main()
