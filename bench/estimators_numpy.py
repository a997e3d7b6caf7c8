"""Peer for bench/estimators.ts (never a dependency): microseconds per ARM and DisARM estimate on
the one-layer net of analysis/claims/toys.ts (x = [1, -0.5], 3 units, a table loss over the
8 configurations), vectorised in numpy over n samples. Each estimate is a 3 x 3 per-sample
gradient (that table times single estimates, so the peer materialises them too). Wall clock,
best of 3, BLAS limited to 1 thread (the products are tiny).

Usage: python3 estimators_numpy.py [n=1000000]
Prints JSON lines: the BLAS report, then {"peer": "numpy-estimate", "estimator": e, "us_per_estimate": t}"""
import sys

import numpy as np
from scipy.special import expit

from peer_common import best_wall, blas_report, emit, limited

x = np.array([1.0, -0.5])
W = np.array([[0.3, -0.2], [0.5, 0.1], [-0.4, 0.7]])
c = np.array([0.1, -0.3, -0.6])
table = np.array([0.3, 1.2, -0.5, 2, 0.7, -1, 0.4, 1.5])
a = W @ x + c
s = expit(a)
weights = np.array([1, 2, 4])
xb = np.concatenate([x, [1.0]])  # d a_i / d (W_i, c_i)


def run(kind, u):
    b = u < s
    bt = (1 - u) < s
    fb = table[b @ weights]
    fbt = table[bt @ weights]
    if kind == "arm":
        ga = (fbt - fb)[:, None] * (u - 0.5)
    else:
        ga = 0.5 * (fb - fbt)[:, None] * np.where(b != bt, 1.0 - 2.0 * bt, 0.0) * expit(np.abs(a))
    return ga[:, :, None] * xb  # n x 3 x 3 estimates


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    blas_report()
    u = np.random.default_rng(1).random((n, 3))
    with limited(1):
        for kind in ("arm", "disarm"):
            run(kind, u)
            emit(peer="numpy-estimate", estimator=kind, threads=1, us_per_estimate=best_wall(lambda: run(kind, u), 3) * 1e6 / n)


if __name__ == "__main__":
    main()
