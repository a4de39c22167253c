"""Writes one random split of a public table as train/test CSVs for tools/bench/src/tabular-suite.ts.

Usage: /usr/bin/python3 tools/bench/reference/export_tables.py OUT_DIR --table NAME [--split S]
  [--test-fraction 0.2] [--train-rows N]

Tables (Debian's python3-sklearn copies, class labels dropped; dataset-fashion-mnist for the last):
  wine (178 x 13), breast-cancer (569 x 30), diabetes (442 x 10), iris (150 x 4),
  digits (1797 x 64, 8x8 images with pixel values 0..16), fashion-pca16 (Fashion-MNIST: pixels
  dequantised (v + u) / 256, projected on the 16 leading principal axes of the training images;
  60000 training rows (fewer with --train-rows), the 10000 official test rows).

Split S: a seeded random (1 - f)/f split of the rows (fashion-pca16 keeps the official split and S
seeds the dequantisation and the row subset). Columns that are constant on the training rows are
dropped. Discrete columns (every value on a grid a + k h, with repeated values: integers, binary
columns, one-decimal measurements) are uniformly dequantised at their resolution, v + h u with
u ~ U(0, 1) seeded by S, so that every model fits the same continuous density and none can collapse
on the grid; the NLL of the dequantised value is an upper bound on the discrete NLL minus
sum log h. The resolutions are written to OUT_DIR/columns.json. The data is generated on demand and
not committed.
"""

import argparse
import gzip
import json
import os

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine

SKLEARN = {
    "wine": load_wine,
    "breast-cancer": load_breast_cancer,
    "diabetes": load_diabetes,
    "iris": load_iris,
    "digits": load_digits,
}
FASHION = "/usr/share/datasets/fashion-mnist"


def grid_step(column):
    """The resolution h of a column whose values all lie on a + k h and repeat, else None."""
    values = np.unique(column)
    if len(values) < 2 or len(values) == len(column):
        return None
    gaps = np.diff(values)
    h = gaps.min()
    k = (values - values[0]) / h
    scale = max(1.0, np.abs(k).max())
    if np.all(np.abs(k - np.round(k)) <= 1e-6 * scale):
        return float(h)
    return None


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion(split, train_rows):
    rng = np.random.RandomState(split)
    train = read_idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz")).reshape(60000, -1)
    test = read_idx(os.path.join(FASHION, "t10k-images-idx3-ubyte.gz")).reshape(10000, -1)
    if train_rows and train_rows < len(train):
        train = train[rng.permutation(len(train))[:train_rows]]
    train = (train + rng.uniform(size=train.shape)) / 256
    test = (test + rng.uniform(size=test.shape)) / 256
    mean = train.mean(0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    axes = vt[:16].T
    return (train - mean) @ axes, (test - mean) @ axes, []


def sklearn_table(name, split, test_fraction):
    x = SKLEARN[name]().data.astype(np.float64)
    rng = np.random.RandomState(split)
    order = rng.permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    keep = [j for j in range(x.shape[1]) if np.ptp(x[order[n_test:], j]) > 0]
    x = x[:, keep]
    steps = [grid_step(x[:, j]) for j in range(x.shape[1])]
    noise = rng.uniform(size=x.shape)
    for j, h in enumerate(steps):
        if h is not None:
            x[:, j] += h * noise[:, j]
    return x[order[n_test:]], x[order[:n_test]], [{"column": j, "source": keep[j], "step": h} for j, h in enumerate(steps) if h is not None]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--table", choices=sorted([*SKLEARN, "fashion-pca16"]), required=True)
    parser.add_argument("--split", type=int, default=0)
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--train-rows", type=int, default=0, help="fashion-pca16: training rows (0: all 60000)")
    args = parser.parse_args()
    if args.table == "fashion-pca16":
        train, test, discrete = fashion(args.split, args.train_rows)
    else:
        train, test, discrete = sklearn_table(args.table, args.split, args.test_fraction)
    os.makedirs(args.out, exist_ok=True)
    header = ",".join(f"x{j}" for j in range(train.shape[1]))
    for name, rows in (("train", train), ("test", test)):
        np.savetxt(os.path.join(args.out, f"{name}.csv"), rows, delimiter=",", header=header, comments="", fmt="%.8g")
    with open(os.path.join(args.out, "columns.json"), "w") as f:
        json.dump({"table": args.table, "split": args.split, "dequantised": discrete}, f)
    print(json.dumps({"table": args.table, "split": args.split, "train": len(train), "test": len(test), "dims": train.shape[1], "dequantised": len(discrete)}))


if __name__ == "__main__":
    main()
