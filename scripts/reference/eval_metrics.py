"""Record reference values for FID, KID and the matrix square root with SciPy.

Writes seeded random feature sets and the scores SciPy/NumPy compute for them, as
test/fixtures/reference/eval/*.npy and metrics.json. test/unit/eval/metrics-reference.test.ts
checks Diffgraph's float64 implementations against them.

FID follows the reference computation of Heusel et al. (2017) as pytorch-fid does it: mean and
unbiased covariance (np.cov, rowvar=False), ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 sqrtm(S1 S2)) with
scipy.linalg.sqrtm. KID is the unbiased MMD^2 estimator with the cubic polynomial kernel
k(x, y) = (x.y / d + 1)^3 of Binkowski et al. (2018), written from the paper's formula.

    /usr/bin/python3 scripts/reference/eval_metrics.py test/fixtures/reference/eval
"""

import json
import os
import sys

import numpy as np
from scipy import linalg


def fid(a, b):
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)), float(np.trace(covmean))


def kid(a, b):
    d = a.shape[1]
    kxx = (a @ a.T / d + 1) ** 3
    kyy = (b @ b.T / d + 1) ** 3
    kxy = (a @ b.T / d + 1) ** 3
    m, n = a.shape[0], b.shape[0]
    xx = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    yy = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    xy = kxy.sum() / (m * n)
    return float(xx + yy - 2 * xy)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261205)
    d = 16
    mix = rng.normal(size=(d, d)) / np.sqrt(d)
    sets = {
        "a": rng.normal(size=(40, d)) @ mix,
        "b": rng.normal(loc=0.3, size=(40, d)) @ (mix + 0.2 * rng.normal(size=(d, d)) / np.sqrt(d)),
        "c": rng.normal(size=(25, d)) @ mix * 1.5,  # fewer images than the other sets
    }
    # Stored as float32 (what feature models output); every computation below is in float64.
    sets = {name: value.astype(np.float32).astype(np.float64) for name, value in sets.items()}
    for name, value in sets.items():
        np.save(os.path.join(out, f"features-{name}.npy"), value.astype(np.float32))
    # A symmetric positive semi-definite matrix and its principal square root.
    spd = np.cov(sets["a"], rowvar=False)
    spd = spd.astype(np.float32).astype(np.float64)
    np.save(os.path.join(out, "spd.npy"), spd.astype(np.float32))
    np.save(os.path.join(out, "spd-sqrt.npy"), linalg.sqrtm(spd).real)
    results = {"scipy": __import__("scipy").__version__, "numpy": np.__version__, "pairs": []}
    for x, y in [("a", "b"), ("a", "c"), ("b", "c"), ("a", "a")]:
        value, trace_sqrt = fid(sets[x], sets[y])
        results["pairs"].append({"a": x, "b": y, "fid": value, "trace_sqrt": trace_sqrt, "kid": kid(sets[x], sets[y])})
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
