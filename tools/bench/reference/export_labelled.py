"""Writes a labelled UCI classification table (Debian's python3-sklearn copy) as one CSV for vi-posterior.

Usage: /usr/bin/python3 tools/bench/reference/export_labelled.py OUT.csv [--table breast-cancer]
Tables: breast-cancer (569 x 30, label 1 = benign). Header x0..x{d-1},label; every row. Generated on
demand and not committed.
"""

import argparse

import numpy as np
from sklearn.datasets import load_breast_cancer

TABLES = {"breast-cancer": load_breast_cancer}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--table", choices=sorted(TABLES), default="breast-cancer")
    args = parser.parse_args()
    data = TABLES[args.table]()
    x = data.data.astype(np.float64)
    table = np.column_stack([x, data.target.astype(np.float64)])
    header = ",".join([*(f"x{j}" for j in range(x.shape[1])), "label"])
    np.savetxt(args.out, table, delimiter=",", header=header, comments="", fmt="%.6g")
    print(f"{args.out}: {args.table}, {len(x)} rows, {x.shape[1]} features")


if __name__ == "__main__":
    main()
