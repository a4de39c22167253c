"""Writes a small UCI table (Debian's python3-sklearn copy) as train/test CSVs for tabular-quality.

Usage: /usr/bin/python3 tools/bench/reference/export_table.py OUT_DIR [--table wine] [--seed 0] [--test-fraction 0.2]
Tables: wine (178 x 13) and breast-cancer (569 x 30), features only, class label dropped. Writes
OUT_DIR/train.csv and OUT_DIR/test.csv (header x0..x{d-1}): a seeded random 80/20 split. The data is
generated on demand and not committed.
"""

import argparse
import os

import numpy as np
from sklearn.datasets import load_breast_cancer, load_wine

TABLES = {"wine": load_wine, "breast-cancer": load_breast_cancer}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--table", choices=sorted(TABLES), default="wine")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-fraction", type=float, default=0.2)
    args = parser.parse_args()
    x = TABLES[args.table]().data.astype(np.float64)
    order = np.random.RandomState(args.seed).permutation(len(x))
    n_test = int(round(args.test_fraction * len(x)))
    os.makedirs(args.out, exist_ok=True)
    header = ",".join(f"x{j}" for j in range(x.shape[1]))
    for name, rows in (("train", order[n_test:]), ("test", order[:n_test])):
        np.savetxt(os.path.join(args.out, f"{name}.csv"), x[rows], delimiter=",", header=header, comments="", fmt="%.6g")
    print(f"{args.out}: {args.table}, train {len(x) - n_test}, test {n_test}, d {x.shape[1]}")


if __name__ == "__main__":
    main()
