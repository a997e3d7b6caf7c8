/**
 * Mixing of parallel tempering against PCD on the multimodal 6×4 RBM of BM-CDk (four separated
 * modes), at a fixed θ and equal total Gibbs sweeps: PT with C ladders of K temperatures and one
 * sweep per update against PCD with the same C chains and K sweeps per update. Statistic: the
 * mean squared error, over the 34 parameters, of the negative-phase statistics (E[v], E[h],
 * E[vhᵀ]) averaged over T updates, against the exact model expectations by enumeration. Over S
 * seeds, PT's error is smaller than PCD's in more seeds than chance allows: a one-sided sign test
 * at α = 1e-4 (exact binomial tail). Control: the same test on the well-mixing 6×4 RBM of BM-CDk
 * (W ~ N(0, 0.5²)), where PT has nothing to gain, is not decided in PT's favour.
 * Measured (this file's seeds): multimodal PT 2.21e-4 vs PCD 1.33e-3, PT smaller in 35/40 seeds
 * (p = 6.9e-7); well-mixing 2.18e-5 vs 1.96e-5, 21/40 (p = 0.44).
 */
import { describe, expect, it } from "vitest";
import { multimodalRbm, MULTIMODAL_PATTERNS, randomRbm } from "../../analysis/claims/bm-common.js";
import { rbmExactGradientFlat } from "../../src/boltzmann/exact.js";
import { gradientToFlat, type Rbm } from "../../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, type RbmTrainOptions } from "../../src/boltzmann/trainer.js";
import { Stream } from "../../src/random/stream.js";

const ALPHA = 1e-4;
const S = 40;
const T = 500;
const C = 10;
const K = 5;

/** MSE of the negative-phase statistics averaged over T updates (= MSE of the mean gradient, the positive phase being exact). */
function negativeMse(rbm: Rbm, options: RbmTrainOptions, seed: string): number {
  const t = new RbmTrainer(rbm, options, Stream.fromSeed(seed));
  const sum = new Float64Array(rbm.nParams);
  const g = new Float64Array(rbm.nParams);
  try {
    for (let u = 0; u < T; u++) {
      gradientToFlat(t.estimate(MULTIMODAL_PATTERNS, 4), g);
      for (let q = 0; q < g.length; q++) sum[q] += g[q];
    }
  } finally {
    t.release();
  }
  const exact = rbmExactGradientFlat(rbm, MULTIMODAL_PATTERNS, 4).gradient;
  let se = 0;
  for (let q = 0; q < g.length; q++) se += (sum[q] / T - exact[q]) ** 2;
  return se / g.length;
}

/** P(X ≥ w) for X ~ Binomial(n, 1/2). */
function signTail(w: number, n: number): number {
  let p = 0;
  let c = 1;
  for (let k = 0; k <= n; k++) {
    if (k >= w) p += c;
    c = (c * (n - k)) / (k + 1);
  }
  return p / 2 ** n;
}

function compare(rbm: Rbm, pcd: Partial<RbmTrainOptions>, tag: string) {
  const base = { ...DEFAULT_TRAIN_OPTIONS, batchSize: 4 };
  const pt: number[] = [];
  const other: number[] = [];
  for (let s = 0; s < S; s++) {
    pt.push(negativeMse(rbm, { ...base, method: "pt", chains: C, k: 1, temperatures: K, betaMin: 0.2 }, `stat/pt/${tag}/pt/${s}`));
    other.push(negativeMse(rbm, { ...base, method: "pcd", ...pcd }, `stat/pt/${tag}/pcd/${s}`));
  }
  const wins = pt.filter((x, s) => x < other[s]).length;
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  return { wins, p: signTail(wins, S), pt: mean(pt), pcd: mean(other) };
}

describe("parallel tempering mixes where PCD does not", () => {
  it(`multimodal 6×4 RBM, ${K} temperatures × ${C} ladders vs PCD-${K} with ${C} chains, ${T} updates: PT's negative-phase MSE is smaller (sign test over ${S} seeds, α = ${ALPHA}); control: a well-mixing RBM is not decided`, () => {
    const multi = multimodalRbm(Stream.fromSeed("stat/pt/multimodal"), Stream.fromSeed("stat/pt/train"));
    const r = compare(multi, { chains: C, k: K }, "multimodal");
    console.log(`multimodal: PT MSE ${r.pt.toExponential(3)}, PCD MSE ${r.pcd.toExponential(3)}, PT smaller in ${r.wins}/${S} seeds, p = ${r.p.toExponential(2)}`);
    expect(r.p).toBeLessThan(ALPHA);
    const mix = randomRbm(6, 4, Stream.fromSeed("stat/pt/mixing"), 0.5);
    const c = compare(mix, { chains: C, k: K }, "mixing");
    console.log(`well-mixing: PT MSE ${c.pt.toExponential(3)}, PCD MSE ${c.pcd.toExponential(3)}, PT smaller in ${c.wins}/${S} seeds, p = ${c.p.toExponential(2)}`);
    expect(c.p).toBeGreaterThan(ALPHA);
  });
});
