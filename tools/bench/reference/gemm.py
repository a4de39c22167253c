# Kernel-level reference for tools/bench/src/gemm-roofline.ts: torch's one-thread GFLOP/s on the
# dense products of a 64x64 conditioner layer at batch n (x W + b with ReLU, h^T delta, delta W^T).
# CPU clock (time.process_time), as the TypeScript side.
# Usage: python3 tools/bench/reference/gemm.py N K M SECONDS  -> one JSON line {name: microseconds}
import json
import sys
import time

import torch

torch.set_num_threads(1)
n, k, m, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
g = torch.Generator().manual_seed(0)
x = torch.randn(n, k, generator=g)
w = torch.randn(k, m, generator=g)
b = torch.randn(m, generator=g)
h = torch.randn(n, k, generator=g)
d = torch.randn(n, m, generator=g)


def microseconds(fn):
    for _ in range(200):
        fn()
    best = float("inf")
    for _ in range(5):
        calls, start = 0, time.process_time()
        while time.process_time() - start < seconds / 5:
            fn()
            calls += 1
        best = min(best, (time.process_time() - start) / calls * 1e6)
    return best


with torch.no_grad():
    out = {
        "forward": microseconds(lambda: torch.relu(torch.addmm(b, x, w))),
        "weightGrad": microseconds(lambda: h.t().mm(d)),
        "inputGrad": microseconds(lambda: d.mm(w.t())),
    }
print(json.dumps(out))
