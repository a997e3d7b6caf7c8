"""Peer benchmark (never a dependency of stochgrad): one epoch of RBM training written the way a
competent numpy user writes it, for CD-1 and PCD-1 (100 persistent chains), 784 x hidden,
batch 100, learning rate 0.05, float64 or float32: every product is one BLAS GEMM into a
preallocated buffer, sigma through scipy.special.expit(out=), Bernoulli draws as u < p on
uniforms from numpy's PCG64 generator (Generator.random(out=, dtype=)), no Python loop inside a
batch. Per batch (h+ are probabilities, as in scikit-learn and Hinton's guide):
  h+ = sigma(v+ W + c)
  CD-1:  h0 ~ h+;         PCD-1: h0 = the persistent chains
  v- ~ sigma(h0 W^T + b),  h- = sigma(v- W + c),  (PCD: chains <- Bernoulli(h-))
  W += lr/B (v+^T h+ - v-^T h-),  b += lr/B sum(v+ - v-),  c += lr/B sum(h+ - h-)
Wall-clock seconds; BLAS limited to 1 and 2 threads.

Usage: python3 rbm_numpy.py DATA_DIR [hidden=500] [rows=60000] [threads=1,2] [dtypes=float64,float32] [methods=cd,pcd] [reps=1]
Prints JSON lines: the BLAS report, then
  {"peer": "numpy-rbm", "method": m, "dtype": d, "threads": t, "rows": n, "wall": s, "cpu": s}
(`wall` is the best of `reps` epochs)."""
import sys
import time

import numpy as np
from scipy.special import expit

from peer_common import blas_report, emit, limited, rbm_args, thresholded_mnist


def epoch(X, hidden, method, dtype, seed=0):
    rng = np.random.default_rng(seed)
    n, nv = X.shape
    B = 100
    W = (0.01 * rng.standard_normal((nv, hidden))).astype(dtype)
    b = np.zeros(nv, dtype)
    c = np.zeros(hidden, dtype)
    hpos = np.empty((B, hidden), dtype)
    h0 = np.empty((B, hidden), dtype)
    chains = np.zeros((B, hidden), dtype)
    vprob = np.empty((B, nv), dtype)
    vneg = np.empty((B, nv), dtype)
    hneg = np.empty((B, hidden), dtype)
    uh = np.empty((B, hidden), dtype)
    uv = np.empty((B, nv), dtype)
    G = np.empty((nv, hidden), dtype)
    G2 = np.empty((nv, hidden), dtype)
    step = dtype(0.05 / B)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for s in range(0, n - B + 1, B):
        vpos = X[s:s + B]
        np.matmul(vpos, W, out=hpos)
        hpos += c
        expit(hpos, out=hpos)
        if method == "cd":
            rng.random(out=uh, dtype=dtype)
            np.less(uh, hpos, out=h0)
            hin = h0
        else:
            hin = chains
        np.matmul(hin, W.T, out=vprob)
        vprob += b
        expit(vprob, out=vprob)
        rng.random(out=uv, dtype=dtype)
        np.less(uv, vprob, out=vneg)
        np.matmul(vneg, W, out=hneg)
        hneg += c
        expit(hneg, out=hneg)
        np.matmul(vpos.T, hpos, out=G)
        np.matmul(vneg.T, hneg, out=G2)
        G -= G2
        G *= step
        W += G
        b += step * (vpos.sum(axis=0) - vneg.sum(axis=0))
        c += step * (hpos.sum(axis=0) - hneg.sum(axis=0))
        if method == "pcd":
            rng.random(out=uh, dtype=dtype)
            np.less(uh, hneg, out=chains)
    return time.perf_counter() - t0, time.process_time() - c0


def main():
    data_dir, hidden, rows, threads, dtypes = rbm_args(sys.argv)
    methods = (sys.argv[6] if len(sys.argv) > 6 else "cd,pcd").split(",")
    reps = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    blas_report()
    for dtype in dtypes:
        dt = np.dtype(dtype).type
        X = thresholded_mnist(data_dir, rows, dt)
        for method in methods:
            for t in threads:
                with limited(t):
                    epoch(X[: min(rows, 2000)], hidden, method, dt)  # warm-up
                    wall, cpu = min((epoch(X, hidden, method, dt) for _ in range(reps)), key=lambda r: r[0])
                emit(peer="numpy-rbm", method=method, dtype=dtype, threads=t, rows=rows, hidden=hidden, wall=wall, cpu=cpu)


if __name__ == "__main__":
    main()
