"""Peer for bench/spsa.ts (never a dependency): two-sided SPSA with Spall's gains
a_k = a/(k+1+A)^alpha, c_k = c/(k+1)^gamma on the skewed quartic (p = 10, noise-free), in numpy.
SPSA is sequential in k, so a competent numpy user vectorises over independent runs instead:
R runs advance together (theta is R x p, one Rademacher block R x p per step, the loss of all
2R perturbed points by one matrix product). R = 1 is the plain loop; R = 200 is the
replication count of the SPSA-efficiency claim. Wall-clock seconds, BLAS limited to 1 and 2
threads (the products are tiny; threads do not help).

Usage: python3 spsa_numpy.py [iterations=100000] [runs=1,200] [threads=1,2]
Prints JSON lines: the BLAS report, then
  {"peer": "numpy-spsa", "runs": R, "threads": t, "iterations": n, "wall": s, "run_steps_per_second": R*n/s}"""
import sys
import time

import numpy as np

from peer_common import blas_report, emit, limited, thread_counts

p = 10
Bt = (np.triu(np.ones((p, p))) / p).T  # y = B theta, row-wise: Y = Theta B^T


def loss(T):
    """Skewed quartic of each row of T (R x p): sum(y^2 + 0.1 y^3 + 0.01 y^4), y = B t."""
    Y = T @ Bt
    Y2 = Y * Y
    return (Y2 * (1.0 + 0.1 * Y + 0.01 * Y2)).sum(axis=1)


def run(n, R, seed):
    rng = np.random.default_rng(seed)
    T = np.ones((R, p))
    a, c, A, alpha, gamma = 0.01, 0.1, n // 10, 0.602, 0.101
    k = np.arange(n, dtype=np.float64)
    ak = a / (k + 1 + A) ** alpha
    ck = c / (k + 1) ** gamma
    both = np.empty((2 * R, p))
    for i in range(n):
        d = rng.integers(0, 2, (R, p)) * 2.0 - 1.0
        np.multiply(d, ck[i], out=both[:R])
        np.negative(both[:R], out=both[R:])
        both += np.concatenate((T, T))
        y = loss(both)
        T -= (ak[i] / (2 * ck[i])) * (y[:R] - y[R:])[:, None] * d
    return T


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    runs = [int(r) for r in (sys.argv[2] if len(sys.argv) > 2 else "1,200").split(",")]
    threads = thread_counts(sys.argv[3] if len(sys.argv) > 3 else None)
    blas_report()
    for R in runs:
        m = n if R == 1 else max(1000, n // 20)  # about 0.3 s of work either way
        for t in threads:
            with limited(t):
                run(min(m, 1000), R, 1)  # warm-up
                t0 = time.perf_counter()
                run(m, R, 0)
                wall = time.perf_counter() - t0
            emit(peer="numpy-spsa", runs=R, threads=t, iterations=m, wall=wall, run_steps_per_second=R * m / wall)


if __name__ == "__main__":
    main()
