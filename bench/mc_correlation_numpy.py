"""Peer benchmark (never a dependency): the correlation estimator of Bengio (2013), Theorem 1,
on the same 10-10-10 belief net shape with 10 inputs, vectorised in numpy over batches.
Per sample: 30 uniforms, forward pass, g = (h - sigma(a)) * L * da/dtheta for all 330
parameters, and the running sum / sum of squares for mean and variance.
Prints samples_per_second and CPU seconds."""
import sys
import time

import numpy as np


def main(n, batch=10000):
    rng = np.random.default_rng(0)
    widths = [10, 10, 10, 10]
    Ws = [1.5 * rng.standard_normal((widths[l + 1], widths[l])) for l in range(3)]
    bs = [0.75 * rng.standard_normal(widths[l + 1]) for l in range(3)]
    x = np.array([1.0 if j % 2 == 0 else 0.0 for j in range(10)])
    t = np.array([1.0 if k % 2 == 0 else 0.0 for k in range(10)])
    P = sum(W.size + b.size for W, b in zip(Ws, bs))
    s1 = np.zeros(P)
    s2 = np.zeros(P)
    done = 0
    t0 = time.process_time()
    while done < n:
        B = min(batch, n - done)
        u = rng.random((B, 30))
        prev = np.broadcast_to(x, (B, 10))
        hs, ss, prevs = [], [], []
        for l in range(3):
            a = prev @ Ws[l].T + bs[l]
            s = 1.0 / (1.0 + np.exp(-a))
            h = (u[:, 10 * l:10 * (l + 1)] < s).astype(np.float64)
            prevs.append(prev)
            hs.append(h)
            ss.append(s)
            prev = h
        L = ((hs[2] - t) ** 2).sum(axis=1)
        parts = []
        for l in range(3):
            c = (hs[l] - ss[l]) * L[:, None]
            parts.append((c[:, :, None] * prevs[l][:, None, :]).reshape(B, -1))
            parts.append(c)
        g = np.concatenate(parts, axis=1)
        s1 += g.sum(axis=0)
        s2 += (g * g).sum(axis=0)
        done += B
    secs = time.process_time() - t0
    mean = s1 / n
    var = (s2 - n * mean * mean) / (n - 1)
    assert np.all(np.isfinite(var))
    print(f"samples_per_second={n / secs:.6e} seconds={secs:.6e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
