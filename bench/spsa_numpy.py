"""Peer for bench/spsa.ts: the same two-sided SPSA loop (Spall gains) on the skewed quartic, p = 10, in numpy.
Prints steps_per_second=<float>. Usage: python3 spsa_numpy.py ITERATIONS"""
import sys
import time

import numpy as np

p = 10
B = np.triu(np.ones((p, p))) / p


def L(t):
    y = B @ t
    return float(np.sum(y * y + 0.1 * y**3 + 0.01 * y**4))


def main(n):
    rng = np.random.default_rng(1)
    t = np.ones(p)
    a, c, A, alpha, gamma = 0.01, 0.1, n // 10, 0.602, 0.101
    t0 = time.process_time()
    for k in range(n):
        ak = a / (k + 1 + A) ** alpha
        ck = c / (k + 1) ** gamma
        d = rng.integers(0, 2, p) * 2.0 - 1.0
        g = (L(t + ck * d) - L(t - ck * d)) / (2 * ck) * d
        t = t - ak * g
    s = time.process_time() - t0
    print(f"steps_per_second={n / s}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000)
