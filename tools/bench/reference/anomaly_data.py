"""Writes the anomaly-detection benchmark's data for one split, and IsolationForest's scores on it.

Usage: /usr/bin/python3 tools/bench/reference/anomaly_data.py OUT_DIR --task breast-cancer|fashion-mnist --seed S

Tasks (Debian packages python3-sklearn and dataset-fashion-mnist):
- breast-cancer: sklearn's Wisconsin diagnostic table (569 x 30). A seeded 70% of the benign rows is
  the training set; the other benign rows (normal) and all malignant rows (anomalies) are the test set.
- fashion-mnist: images dequantised as (pixel + u) / 256 with u ~ U(0, 1) (seeded), a 16-component PCA
  fitted on the training images of every class but 'bag' (class 8); training rows are those
  images' components, test rows the components of all test images, bags being the anomalies.

Writes OUT_DIR/train.csv and OUT_DIR/test.csv (header x0..x{d-1}), OUT_DIR/labels.csv (1 = anomaly,
one per test row) and OUT_DIR/isolation-forest.csv (sklearn IsolationForest, 100 trees, seeded: the
anomaly score -score_samples, higher = more anomalous). The data is generated on demand, never committed.
"""

import argparse
import gzip
import os

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
BAG = 8


def read_idx(name):
    with gzip.open(os.path.join(FASHION_MNIST, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def breast_cancer(seed):
    table = load_breast_cancer()
    x, benign = table.data.astype(np.float64), table.target == 1
    normal, anomalous = x[benign], x[~benign]
    order = np.random.RandomState(seed).permutation(len(normal))
    n_train = int(round(0.7 * len(normal)))
    train = normal[order[:n_train]]
    test = np.concatenate([normal[order[n_train:]], anomalous])
    labels = np.concatenate([np.zeros(len(normal) - n_train), np.ones(len(anomalous))])
    return train, test, labels


def fashion_mnist(seed):
    rng = np.random.RandomState(seed)
    images = read_idx("train-images-idx3-ubyte.gz").reshape(-1, 784)
    classes = read_idx("train-labels-idx1-ubyte.gz")
    test_images = read_idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784)
    test_classes = read_idx("t10k-labels-idx1-ubyte.gz")
    dequantise = lambda v: (v.astype(np.float64) + rng.uniform(size=v.shape)) / 256.0
    train_pixels = dequantise(images[classes != BAG])
    test_pixels = dequantise(test_images)
    pca = PCA(n_components=16, random_state=seed).fit(train_pixels)
    return pca.transform(train_pixels), pca.transform(test_pixels), (test_classes == BAG).astype(np.float64)


TASKS = {"breast-cancer": breast_cancer, "fashion-mnist": fashion_mnist}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--task", choices=sorted(TASKS), required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    train, test, labels = TASKS[args.task](args.seed)
    os.makedirs(args.out, exist_ok=True)
    header = ",".join(f"x{j}" for j in range(train.shape[1]))
    for name, rows in (("train", train), ("test", test)):
        np.savetxt(os.path.join(args.out, f"{name}.csv"), rows, delimiter=",", header=header, comments="", fmt="%.7g")
    np.savetxt(os.path.join(args.out, "labels.csv"), labels, header="anomaly", comments="", fmt="%d")
    forest = IsolationForest(n_estimators=100, random_state=args.seed).fit(train)
    np.savetxt(
        os.path.join(args.out, "isolation-forest.csv"), -forest.score_samples(test), header="score", comments="", fmt="%.7g"
    )
    print(f"{args.out}: {args.task} seed {args.seed}: train {len(train)}, test {len(test)} ({int(labels.sum())} anomalies), d {train.shape[1]}")


if __name__ == "__main__":
    main()
