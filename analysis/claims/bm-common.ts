/**
 * Fixtures and Monte Carlo helpers shared by the Boltzmann-machine claims (BM-*).
 */
import { Rbm } from "../../src/boltzmann/rbm.js";
import { rbmMarginalLogProbs } from "../../src/boltzmann/exact.js";
import type { SampleMoments } from "../../src/estimators/sample.js";
import type { Stream } from "../../src/random/stream.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";
import { samplesForPower } from "./checks.js";

export const SEED_BM = "Bengio 2013, arXiv 1305.2982, §5 (Boltzmann machines: the gradient as a reward correlation)";

/** An RBM with Wᵢⱼ ~ N(0, scale²), bᵢ, cⱼ ~ N(0, (scale/2)²), drawn from `stream`. */
export function randomRbm(nV: number, nH: number, stream: Stream, scale = 1): Rbm {
  const r = Rbm.random(nV, nH, stream.fork("W"), scale);
  const s = stream.fork("bias");
  for (let i = 0; i < nV; i++) r.b[i] = 0.5 * scale * s.normal();
  for (let j = 0; j < nH; j++) r.c[j] = 0.5 * scale * s.normal();
  return r;
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

/**
 * n i.i.d. draws of a vector statistic (dim), chunked: chunk c uses stream.fork(`chunk/${c}`)
 * and its own accumulator, merged in chunk order (deterministic for a seed).
 */
export function sampleVectors(dim: number, n: number, stream: Stream, draw: (s: Stream, out: Float64Array) => void, progress?: (done: number, total: number) => void, chunk = 8192): SampleMoments {
  const total = new MomentAccumulator(dim);
  const part = new MomentAccumulator(dim);
  const g = new Float64Array(dim);
  const chunks = Math.ceil(n / chunk);
  for (let c = 0; c < chunks; c++) {
    const s = stream.fork(`chunk/${c}`);
    part.n = 0;
    part.mean.fill(0);
    part.m2.fill(0);
    const m = Math.min(chunk, n - c * chunk);
    for (let k = 0; k < m; k++) {
      draw(s, g);
      part.push(g);
    }
    total.merge(part);
    progress?.(Math.min(n, (c + 1) * chunk), n);
  }
  return { n, mean: total.mean.slice(), variance: total.variance(), standardError: total.standardError(), acc: total };
}

/**
 * Sample size giving power ≈ 1 − 1e-3 to reject a control whose mean is offset by `bias`
 * (per-draw variance `variance`) at critical value z*: the most detectable coordinate decides.
 * Clamped to [nMin, nMax].
 */
export function nForControl(bias: ArrayLike<number>, variance: ArrayLike<number>, zStar: number, nMin: number, nMax = 4_000_000): number {
  let best = Infinity;
  for (let k = 0; k < bias.length; k++) {
    if (Math.abs(bias[k]) < 1e-9) continue;
    best = Math.min(best, samplesForPower(bias[k], Math.sqrt(Math.max(variance[k], 1e-30)), zStar));
  }
  return Math.min(nMax, Math.max(nMin, best));
}
