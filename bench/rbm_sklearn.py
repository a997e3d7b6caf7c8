"""Peer benchmark (never a dependency of stochgrad): scikit-learn's BernoulliRBM (PCD-1, float64)
for one epoch over thresholded MNIST (pixel >= 128), 784x500, batch 100, the settings of
bench/rbm-mnist.ts. Reads the same IDX files (path given as argv[1]).
Prints: seconds_per_epoch=<wall> cpu_seconds=<process CPU> threads=<BLAS threads env>."""
import os
import sys
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM


def read_images(path):
    with open(path, "rb") as f:
        buf = f.read()
    magic, n, rows, cols = np.frombuffer(buf[:16], dtype=">u4")
    assert magic == 0x803, "not an IDX image file"
    return np.frombuffer(buf[16:], dtype=np.uint8).reshape(n, rows * cols)


def main():
    data_dir = sys.argv[1]
    hidden = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 60000
    X = (read_images(os.path.join(data_dir, "train-images-idx3-ubyte"))[:n] >= 128).astype(np.float64)
    rbm = BernoulliRBM(n_components=hidden, batch_size=100, learning_rate=0.05, n_iter=1, random_state=0, verbose=0)
    t0 = time.perf_counter()
    c0 = time.process_time()
    rbm.fit(X)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(f"seconds_per_epoch={wall:.4f} cpu_seconds={cpu:.4f} threads={os.environ.get('OPENBLAS_NUM_THREADS', 'default')} rows={n}")


if __name__ == "__main__":
    main()
