"""Peer benchmark (never a dependency of stochgrad): scikit-learn's BernoulliRBM for one epoch over
thresholded MNIST (pixel >= 128), 784 x hidden, batch 100. BernoulliRBM is PCD-1 (its
`h_samples_` are the persistent chains, one per batch row). The input dtype decides the
compute dtype (float64 or float32). Wall-clock seconds; BLAS limited to 1 and 2 threads.

Usage: python3 rbm_sklearn.py DATA_DIR [hidden=500] [rows=60000] [threads=1,2] [dtypes=float64,float32] [reps=1]
Prints JSON lines (bench/peer_common.py): the BLAS report, then
  {"peer": "sklearn-rbm", "method": "pcd", "dtype": ..., "threads": t, "rows": n, "wall": s, "cpu": s}
`rows` < 60000 times a partial epoch (the caller scales it); `wall` is the best of `reps` epochs."""
import sys
import time

import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.neural_network import BernoulliRBM

from peer_common import blas_report, emit, limited, rbm_args, thresholded_mnist


def epoch(X, hidden):
    rbm = BernoulliRBM(n_components=hidden, batch_size=100, learning_rate=0.05, n_iter=1, random_state=0, verbose=0)
    t0 = time.perf_counter()
    c0 = time.process_time()
    rbm.fit(X)
    return time.perf_counter() - t0, time.process_time() - c0, rbm.components_.dtype


def main():
    data_dir, hidden, rows, threads, dtypes = rbm_args(sys.argv)
    reps = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    blas_report()
    for dtype in dtypes:
        X = thresholded_mnist(data_dir, rows, np.dtype(dtype))
        for t in threads:
            with limited(t):
                epoch(X[: min(rows, 2000)], hidden)  # warm-up: imports, BLAS thread start-up
                wall, cpu, dt = min((epoch(X, hidden) for _ in range(reps)), key=lambda r: r[0])
            emit(peer="sklearn-rbm", sklearn=sklearn_version, method="pcd", dtype=str(dt), threads=t, rows=rows, hidden=hidden, wall=wall, cpu=cpu)


if __name__ == "__main__":
    main()
