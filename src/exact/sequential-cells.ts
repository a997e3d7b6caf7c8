/**
 * Exact moments of estimators that are affine in their uniform noise on cells whose boundaries
 * depend on earlier noise — the layered antithetic estimators (AR, ARM, DisARM on multi-layer nets),
 * where unit j's breakpoints σ(aⱼ), 1 − σ(aⱼ) depend on the values of its parents in every chain.
 *
 * Noise dimensions are visited in a processing order; at dimension d the caller's
 * `breakpoints(d, w)` returns the cut points of w_d given the midpoints already chosen for the
 * earlier dimensions (so every chain's discrete state is constant on each cell). At a leaf cell
 * with midpoint m, lengths ℓ and volume vol = Π ℓ:
 *   E[ĝ] = Σ vol ĝ(m),   Var[ĝ] = Σ vol [(ĝ(m) − E ĝ)² + Σ_d s_d² ℓ_d²/12],
 * with slopes s_d read from ĝ(m + ℓ_d/4 e_d) − ĝ(m) (exact for affine pieces). Source: Yin & Zhou
 * 2019 (ARM is piecewise linear in u); Dong, Mnih & Tucker 2020 §3 (DisARM, discrete (b, b̃) law).
 */
import type { EstimatorInstance, ExactMoments } from "../estimators/types.js";
import { WeightedMoments } from "../stats/accumulator.js";
import { ExactRefusal, InputError } from "../errors.js";

/** Largest number of leaf cells visited. */
export const MAX_SEQUENTIAL_CELLS = 1 << 21;

/**
 * Cells on [0, 1] cannot resolve a cut closer than this to u = 0 or u = 1: the doubles near 1 (and
 * a midpoint (1 + b)/2 near ½) are 1.1e-16 apart, so the width 1 − b of the cell [b, 1), or the
 * offset b/2 of its midpoint, carries an absolute error up to 1.1e-16, i.e. 1e-9 relative once
 * b or 1 − b < 1.1e-7: a saturated unit, σ(a) or σ(−a) < 1.1e-7 (|a| ≳ 16). Exact moments over
 * such cells are refused rather than returned wrong (AR's mean came out 3× off at a = −50).
 */
export const UNRESOLVED_CUT = 1.1e-7;

/** ExactRefusal if a cut point of [0, 1] lies within UNRESOLVED_CUT of 0 or 1 (see there). */
export function requireResolvableCuts(cuts: readonly number[], what: string): void {
  for (const b of cuts) {
    const near = Math.min(b, 1 - b);
    if (b > 0 && b <= 1 && near <= UNRESOLVED_CUT) {
      const at = b === 1 ? "1 (σ(a) rounds to 1)" : b > 0.5 ? `1 − ${(1 - b).toExponential(2)}` : b.toExponential(2);
      throw new ExactRefusal(`exact moments of ${what}`, `exact moments of ${what}: a cell of the uniform noise ends at u = ${at}, closer to 0 or 1 than float64 cells on [0, 1] resolve (${UNRESOLVED_CUT}): a saturated unit (|a| ≳ 16); the moments would lose their digits, so they are refused; use stochgrad estimate (seeded Monte Carlo)`);
    }
  }
}

/**
 * The reason exact moments are skipped for cost: what they would take, the limit, and what to run
 * instead. `work` is the count of `unit` (cells, states, Δ patterns …) the exact sum would visit.
 */
export function exactCostReason(work: number, limit: number, unit: string): string {
  const fmt = (x: number) => (x < 1e9 ? String(Math.round(x)) : x.toExponential(1));
  const lim = Number.isInteger(Math.log2(limit)) ? `2^${Math.log2(limit)} = ${fmt(limit)}` : fmt(limit);
  return `exact moments skipped for cost: they would visit ${fmt(work)} ${unit} (limit ${lim}); the noise itself is fine, so use stochgrad estimate or stochgrad compare (seeded Monte Carlo) for this estimator`;
}

export interface SequentialCellOptions {
  /** noise indices in processing order (default 0 … D−1) */
  order?: number[];
  /** whether ĝ may vary within a cell along each noise index (default all true) */
  affine?: boolean[];
}

/**
 * Exact E[ĝ], Var[ĝ] of `instance` at θ over w ~ U[0,1]^D, D = instance.noiseSize, with cells
 * built dimension by dimension from `breakpoints(d, w)`. Shapes: returns nParams vectors.
 */
export function sequentialCellMoments(instance: EstimatorInstance, theta: Float64Array, breakpoints: (d: number, w: Float64Array) => number[], options: SequentialCellOptions = {}, what = "the estimator"): ExactMoments {
  const D = instance.noiseSize;
  const P = theta.length;
  const order = options.order ?? Array.from({ length: D }, (_, d) => d);
  if (order.length !== D) throw new Error(`sequentialCellMoments: order has ${order.length} entries, noise has ${D}`);
  const affine = options.affine ?? new Array<boolean>(D).fill(true);
  const w = new Float64Array(D);
  const len = new Float64Array(D);
  const g0 = new Float64Array(P);
  const g1 = new Float64Array(P);
  const within = new Float64Array(P);
  const between = new WeightedMoments(P);
  let cells = 0;
  const leaf = (vol: number) => {
    if (++cells > MAX_SEQUENTIAL_CELLS) throw new InputError(exactCostReason(cells, MAX_SEQUENTIAL_CELLS, "cells (at least)"));
    instance.estimate(theta, w, g0);
    between.push(g0, vol);
    for (let d = 0; d < D; d++) {
      if (!affine[d]) continue;
      const l = len[d];
      const delta = 0.25 * l;
      const m = w[d];
      w[d] = m + delta;
      instance.estimate(theta, w, g1);
      w[d] = m;
      for (let k = 0; k < P; k++) {
        const s = (g1[k] - g0[k]) / delta;
        within[k] += (vol * s * s * l * l) / 12;
      }
    }
  };
  // Counting pass first: refuse an unaffordable enumeration before doing any estimator work.
  let counted = 0;
  const count = (depth: number) => {
    if (depth === D) {
      if (++counted > MAX_SEQUENTIAL_CELLS) throw new InputError(exactCostReason(counted, MAX_SEQUENTIAL_CELLS, "cells (at least)"));
      return;
    }
    const d = order[depth];
    const raw = breakpoints(d, w);
    requireResolvableCuts(raw, what);
    const cuts = [0, ...raw.filter((x) => x > 0 && x < 1).sort((a, b) => a - b), 1];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const l = cuts[k + 1] - cuts[k];
      if (!(l > 0)) continue;
      w[d] = cuts[k] + 0.5 * l;
      count(depth + 1);
    }
  };
  count(0);
  const rec = (depth: number, vol: number) => {
    if (depth === D) return leaf(vol);
    const d = order[depth];
    const cuts = [0, ...breakpoints(d, w).filter((x) => x > 0 && x < 1).sort((a, b) => a - b), 1];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const l = cuts[k + 1] - cuts[k];
      if (!(l > 0)) continue;
      w[d] = cuts[k] + 0.5 * l;
      len[d] = l;
      rec(depth + 1, vol * l);
    }
  };
  rec(0, 1);
  const variance = between.variance();
  for (let k = 0; k < P; k++) variance[k] += within[k] / between.w;
  return { mean: between.mean.slice(), variance };
}
