"""Peer benchmark (never a dependency of stochgrad): GFLOP/s of numpy's BLAS GEMM on the RBM's
three product shapes (batch 100, 784 visible, 500 hidden), float64 and float32, into a
preallocated output (np.matmul(out=)), BLAS limited to 1 and 2 threads. GFLOP/s = 2·M·N·K / s
from the best of several timed blocks (wall clock).
  V·W    (100×784)·(784×500)
  H·Wᵀ   (100×500)·(500×784)ᵀ
  Vᵀ·H   (100×784)ᵀ·(100×500)

Usage: python3 gemm_numpy.py [threads=1,2] [batch=100] [visible=784] [hidden=500]
Prints JSON lines: the BLAS report, then {"peer": "numpy-gemm", "shape": ..., "dtype": ..., "threads": t, "gflops": g}"""
import sys

import numpy as np

from peer_common import best_wall, blas_report, emit, limited, thread_counts


def main():
    threads = thread_counts(sys.argv[1] if len(sys.argv) > 1 else None)
    B = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    nv = int(sys.argv[3]) if len(sys.argv) > 3 else 784
    nh = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    blas_report()
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        V = rng.random((B, nv)).astype(dtype)
        H = rng.random((B, nh)).astype(dtype)
        W = rng.random((nv, nh)).astype(dtype)
        shapes = {
            "V·W": (lambda out: np.matmul(V, W, out=out), (B, nh), B * nh * nv),
            "H·Wᵀ": (lambda out: np.matmul(H, W.T, out=out), (B, nv), B * nv * nh),
            "Vᵀ·H": (lambda out: np.matmul(V.T, H, out=out), (nv, nh), nv * nh * B),
        }
        for t in threads:
            with limited(t):
                for name, (f, oshape, mnk) in shapes.items():
                    out = np.empty(oshape, dtype)
                    reps = 20
                    f(out)
                    best = best_wall(lambda: [f(out) for _ in range(reps)], 7) / reps
                    emit(peer="numpy-gemm", shape=name, dtype=np.dtype(dtype).name, threads=t, gflops=2 * mnk / best / 1e9)


if __name__ == "__main__":
    main()
