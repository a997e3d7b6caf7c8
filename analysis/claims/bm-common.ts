/**
 * Fixtures and Monte Carlo helpers shared by the Boltzmann-machine claims (BM-*).
 */
import { Rbm } from "../../src/boltzmann/rbm.js";
import { rbmMarginalLogProbs } from "../../src/boltzmann/exact.js";
import { sampleDraws, type SampleMoments } from "../../src/estimators/sample.js";
import type { Stream } from "../../src/random/stream.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer } from "../../src/boltzmann/trainer.js";
import { samplesToRejectControl } from "./checks.js";

export const SEED_BM = "Bengio 2013, arXiv 1305.2982, §5 (Boltzmann machines: the gradient as a reward correlation)";

/** An RBM with Wᵢⱼ ~ N(0, scale²), bᵢ, cⱼ ~ N(0, (scale/2)²), drawn from `stream`. */
export function randomRbm(nV: number, nH: number, stream: Stream, scale = 1): Rbm {
  const r = Rbm.random(nV, nH, stream.fork("W"), scale);
  const s = stream.fork("bias");
  for (let i = 0; i < nV; i++) r.b[i] = 0.5 * scale * s.normal();
  for (let j = 0; j < nH; j++) r.c[j] = 0.5 * scale * s.normal();
  return r;
}

/** The four far-apart 6-pixel patterns of the multimodal fixture (4×6 rows). */
export const MULTIMODAL_PATTERNS = Float64Array.from([1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);

/**
 * The multimodal 6×4 RBM of BM-CDk: W ~ N(0, 0.1²) from `init`, then 400 epochs of the exact
 * log-likelihood gradient (η 0.5, batch 4) on MULTIMODAL_PATTERNS, so p(v) has four separated
 * modes that block Gibbs crosses rarely.
 */
export function multimodalRbm(init: Stream, train: Stream): Rbm {
  const rbm = Rbm.random(6, 4, init, 0.1);
  const t = new RbmTrainer(rbm, { ...DEFAULT_TRAIN_OPTIONS, method: "exact", learningRate: 0.5, batchSize: 4 }, train);
  try {
    for (let e = 0; e < 400; e++) t.epoch(MULTIMODAL_PATTERNS, 4);
  } finally {
    t.release();
  }
  return rbm;
}

/** The most probable visible vector of a small RBM (nV ≤ 24) and its probability. */
export function modeOf(rbm: Rbm): { v: Float64Array; index: number; prob: number } {
  const lp = rbmMarginalLogProbs(rbm);
  let best = 0;
  for (let k = 1; k < lp.length; k++) if (lp[k] > lp[best]) best = k;
  const v = new Float64Array(rbm.nVisible);
  for (let i = 0; i < rbm.nVisible; i++) v[i] = (best >> i) & 1;
  return { v, index: best, prob: Math.exp(lp[best]) };
}

/** n i.i.d. draws of a vector statistic (dim) through the shared chunked sampler, in chunks of 8192. */
export function sampleVectors(dim: number, n: number, stream: Stream, draw: (s: Stream, out: Float64Array) => void, progress?: (done: number, total: number) => void, chunk = 8192): SampleMoments {
  return sampleDraws(dim, n, stream, draw, progress, chunk);
}

/**
 * Sample size giving power ≈ 1 − 1e-3 to reject a control whose mean is offset by `bias`
 * (per-draw variance `variance`) at critical value z*, clamped to [nMin, nMax].
 */
export function nForControl(bias: ArrayLike<number>, variance: ArrayLike<number>, zStar: number, nMin: number, nMax = 4_000_000): number {
  return samplesToRejectControl(bias, variance, zStar, nMin, nMax);
}
