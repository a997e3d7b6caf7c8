"""Peer benchmark (never a dependency of stochgrad): Monte Carlo mean and variance of every
gradient coordinate of an estimator on a layered sigmoid belief net (the 10-10-10 net with 10
inputs: 330 parameters), written the way a competent numpy user writes it. Per batch of B
samples (B x units arrays, no Python loop over samples):
  forward:  a_l = P_l W_l^T + b_l,  s_l = sigma(a_l),  h_l = u_l < s_l   (P_1 = x, P_l = h_{l-1})
  estimator coefficients C_l (B x n_l), so that g[W_l] = C_l (x) P_l and g[b_l] = C_l per sample:
    correlation (Bengio 2013, Thm 1):  C_l = (h_l - s_l) * L
    ARM (Yin & Zhou 2019, multi-layer):  C_l = (L^(l) - L) * (u_l - 1/2)
    DisARM (Dong et al. 2020, multi-layer):  C_l = 1/2 (L - L^(l)) (1 - 2 ht_l) [h_l != ht_l] sigma(|a_l|)
      with L^(l) the loss of branch l (layer l drawn from 1 - u_l, later layers re-sampled from
      the same u, as in src/estimators/antithetic.ts) and ht_l = 1 - u_l < s_l
  sufficient statistics by matrix products, never the B x 330 per-sample gradients:
    sum g[W_l] = C_l^T P_l,  sum g[W_l]^2 = (C_l*C_l)^T (P_l*P_l) = (C_l*C_l)^T P_l (P_l is 0/1),
    for the input layer P_1 = x for every sample: outer(sum C_1, x) and outer(sum C_1^2, x*x).
Uniforms from numpy's PCG64 (Generator.random), wall-clock seconds, BLAS limited to 1 and 2
threads; the first batch is a warm-up.

Usage: python3 mc_sbn_numpy.py PROBLEM.json ESTIMATORS(correlation,arm,disarm) SAMPLES [batch=8192] [threads=1,2]
PROBLEM.json is a stochgrad "sbn" problem with a squared loss ({"input", "layers": [{"weights", "bias"}], "loss": {"target"}}).
Prints JSON lines: the BLAS report, then
  {"peer": "numpy-mc", "estimator": e, "threads": t, "samples": n, "wall": s, "samples_per_second": r, "mean": [...first 5]}"""
import json
import sys
import time

import numpy as np
from scipy.special import expit

from peer_common import blas_report, emit, limited, thread_counts


class Net:
    def __init__(self, spec):
        self.x = np.asarray(spec["input"], dtype=np.float64)
        self.W = [np.asarray(l["weights"], dtype=np.float64) for l in spec["layers"]]
        self.b = [np.asarray(l["bias"], dtype=np.float64) for l in spec["layers"]]
        self.t = np.asarray(spec["loss"]["target"], dtype=np.float64)
        self.widths = [w.shape[0] for w in self.W]
        self.offsets = np.cumsum([0] + self.widths)
        self.n_params = sum(w.size + b.size for w, b in zip(self.W, self.b))
        self.a0 = self.W[0] @ self.x + self.b[0]  # the input layer's logits are the same for every sample

    def forward(self, u):
        """The main chain: h_l = 1[u_l < s_l] per layer, with its logits a_l and s_l = sigma(a_l)."""
        hs, As, Ss = [], [], []
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            ul = u[:, self.offsets[l]:self.offsets[l + 1]]
            a = np.broadcast_to(self.a0, ul.shape) if l == 0 else hs[-1] @ W.T + b
            s = expit(a)
            hs.append((ul < s).astype(np.float64))
            As.append(a)
            Ss.append(s)
        return hs, As, Ss

    def branch_last(self, u, l, hs, Ss):
        """Last layer of branch l: layer l from 1 - u_l (the main chain's s_l), later layers re-sampled from u."""
        h = ((1.0 - u[:, self.offsets[l]:self.offsets[l + 1]]) < Ss[l]).astype(np.float64)
        for k in range(l + 1, len(self.W)):
            h = (u[:, self.offsets[k]:self.offsets[k + 1]] < expit(h @ self.W[k].T + self.b[k])).astype(np.float64)
        return h

    def loss(self, h_last):
        d = h_last - self.t
        return np.einsum("ij,ij->i", d, d)


def coefficients(net, est, u):
    hs, As, Ss = net.forward(u)
    L = net.loss(hs[-1])
    if est == "correlation":
        return hs, [(h - s) * L[:, None] for h, s in zip(hs, Ss)]
    Cs = []
    for l in range(len(net.W)):
        Ll = net.loss(net.branch_last(u, l, hs, Ss))
        ul = u[:, net.offsets[l]:net.offsets[l + 1]]
        if est == "arm":
            Cs.append((Ll - L)[:, None] * (ul - 0.5))
        else:
            ht = (1.0 - ul) < Ss[l]
            differ = (hs[l] != ht)
            Cs.append((0.5 * (L - Ll))[:, None] * np.where(differ, 1.0 - 2.0 * ht, 0.0) * expit(np.abs(As[l])))
    return hs, Cs


def run(net, est, n, batch, rng):
    nl = len(net.W)
    S1 = [np.zeros_like(W) for W in net.W]
    S2 = [np.zeros_like(W) for W in net.W]
    B1 = [np.zeros_like(b) for b in net.b]
    B2 = [np.zeros_like(b) for b in net.b]
    u = np.empty((batch, int(net.offsets[-1])))
    done = 0
    while done < n:
        m = min(batch, n - done)
        uu = u[:m]
        rng.random(out=uu)
        hs, Cs = coefficients(net, est, uu)
        for l in range(nl):
            C = Cs[l]
            C2 = C * C
            if l == 0:
                S1[0] += np.outer(C.sum(axis=0), net.x)
                S2[0] += np.outer(C2.sum(axis=0), net.x * net.x)
            else:
                S1[l] += C.T @ hs[l - 1]
                S2[l] += C2.T @ hs[l - 1]
            B1[l] += C.sum(axis=0)
            B2[l] += C2.sum(axis=0)
        done += m
    s1 = np.concatenate([np.concatenate([S.ravel(), b]) for S, b in zip(S1, B1)])
    s2 = np.concatenate([np.concatenate([S.ravel(), b]) for S, b in zip(S2, B2)])
    mean = s1 / n
    var = (s2 - n * mean * mean) / (n - 1)
    return mean, var


def main():
    with open(sys.argv[1]) as f:
        net = Net(json.load(f))
    ests = sys.argv[2].split(",")
    n = int(sys.argv[3])
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 8192
    threads = thread_counts(sys.argv[5] if len(sys.argv) > 5 else None)
    blas_report()
    for est in ests:
        for t in threads:
            with limited(t):
                run(net, est, batch, batch, np.random.default_rng(1))  # warm-up
                t0 = time.perf_counter()
                mean, var = run(net, est, n, batch, np.random.default_rng(0))
                wall = time.perf_counter() - t0
            if not np.all(np.isfinite(var)):
                raise SystemExit("non-finite variance")
            emit(peer="numpy-mc", estimator=est, threads=t, samples=n, batch=batch, params=int(net.n_params),
                 wall=wall, samples_per_second=n / wall, mean=mean.tolist(), variance=var.tolist())


if __name__ == "__main__":
    main()
