"""Shared helpers of the Python benchmark peers (never a dependency of stochgrad).

Every peer prints one JSON object per line, which the Node bench scripts parse (bench/peer.ts):
  {"blas": [...]}                 the BLAS libraries numpy loaded, as threadpoolctl reports them
                                  (internal_api, version, architecture = the kernel OpenBLAS runs)
  {"peer": ..., "threads": t, ...} one measurement, wall-clock seconds (time.perf_counter)
Run a peer with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (bench/peer.ts does), or OpenBLAS
runs the kernel they name instead of the one it detects (SkylakeX on this machine).
"""
import json
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


def emit(**record):
    print(json.dumps(record), flush=True)


def blas_report():
    """threadpoolctl's view of the BLAS numpy uses: kernel (architecture), version, path."""
    libs = [
        {k: lib.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")}
        for lib in threadpool_info()
        if lib.get("user_api") == "blas"
    ]
    emit(blas=libs, numpy=np.__version__, python=sys.version.split()[0],
         coretype_env=os.environ.get("OPENBLAS_CORETYPE"))
    return libs


def thread_counts(argv_value=None):
    """BLAS thread counts to measure: argv value "1,2" or the default 1 and 2."""
    if argv_value:
        return [int(t) for t in argv_value.split(",")]
    return [1, 2]


def rbm_args(argv):
    """The RBM peers' arguments: DATA_DIR [hidden=500] [rows=60000] [threads=1,2] [dtypes=float64,float32]."""
    data_dir = argv[1]
    hidden = int(argv[2]) if len(argv) > 2 else 500
    rows = int(argv[3]) if len(argv) > 3 else 60000
    threads = thread_counts(argv[4] if len(argv) > 4 else None)
    dtypes = (argv[5] if len(argv) > 5 else "float64,float32").split(",")
    return data_dir, hidden, rows, threads, dtypes


def limited(threads):
    """Context manager: numpy's BLAS limited to `threads` threads."""
    return threadpool_limits(limits=threads, user_api="blas")


def best_wall(fn, repeats):
    """Minimum wall-clock seconds of `repeats` calls of fn() (after the caller's warm-up)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def read_idx_images(path):
    with open(path, "rb") as f:
        buf = f.read()
    magic, n, rows, cols = np.frombuffer(buf[:16], dtype=">u4")
    if magic != 0x803:
        raise SystemExit(f"{path}: not an IDX image file")
    return np.frombuffer(buf[16:], dtype=np.uint8).reshape(int(n), int(rows * cols))


def thresholded_mnist(data_dir, rows, dtype):
    """The first `rows` training digits, pixel >= 128 -> 1 (bench/rbm-*.ts use the same rule)."""
    X = read_idx_images(os.path.join(data_dir, "train-images-idx3-ubyte"))[:rows]
    return (X >= 128).astype(dtype)
