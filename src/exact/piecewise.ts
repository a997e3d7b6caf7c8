/**
 * Exact moments of estimators that are affine in their uniform noise on each cell of a grid.
 *
 * Noise w ∈ [0,1]^D; dimension d is split at sorted breakpoints into segments, and a cell is a
 * product of segments. If ĝ is affine in w on every cell (AR: f(h)(1−2u); ARM: (f(h̃)−f(h))(u−½);
 * DisARM and RLOO: constant per cell), then with vol = Π len_d, midpoint m and per-dimension slope
 * s_d = ∂ĝ/∂w_d on the cell,
 *   E[ĝ]   = Σ_cells vol · ĝ(m)
 *   Var[ĝ] = Σ_cells vol · [(ĝ(m) − E ĝ)² + Σ_d s_d² len_d²/12]
 * exactly (a uniform on a segment of length ℓ has variance ℓ²/12). The estimator itself is
 * evaluated — at m and at m + (ℓ_d/4)e_d to read off s_d — so the exact moments check the
 * very code that samples. Source: Yin & Zhou 2019 (ARM is piecewise linear in u), Dong, Mnih &
 * Tucker 2020 (DisARM's (b, b̃) has a discrete joint law: one cell per pair).
 */
import type { EstimatorInstance, ExactMoments } from "../estimators/types.js";
import { WeightedMoments } from "../stats/accumulator.js";
import { InputError } from "../problems/types.js";

/** Largest number of cells enumerated (guards against 3^n blow-up). */
export const MAX_CELLS = 1 << 22;

export interface PiecewiseOptions {
  /** per noise dimension: whether ĝ may vary within a segment (false ⇒ no slope evaluation) */
  affine?: boolean[];
}

/**
 * Exact E[ĝ] and Var[ĝ] (per parameter) of `instance` at θ over w ~ U[0,1]^D, D = breakpoints.length.
 * Shapes: breakpoints[d] sorted in [0,1]; returns nParams = theta.length vectors.
 */
export function piecewiseAffineMoments(instance: EstimatorInstance, theta: Float64Array, breakpoints: ArrayLike<number>[], options: PiecewiseOptions = {}): ExactMoments {
  const D = breakpoints.length;
  if (instance.noiseSize !== D) throw new Error(`piecewiseAffineMoments: instance reads ${instance.noiseSize} noise entries, ${D} breakpoint lists given`);
  const P = theta.length;
  // segments per dimension: [lo, hi) with hi > lo
  const lo: Float64Array[] = [];
  const len: Float64Array[] = [];
  let cells = 1;
  for (let d = 0; d < D; d++) {
    const cuts = [0, ...Array.from(breakpoints[d]).filter((b) => b > 0 && b < 1).sort((x, y) => x - y), 1];
    const l: number[] = [];
    const w: number[] = [];
    for (let k = 0; k + 1 < cuts.length; k++) if (cuts[k + 1] > cuts[k]) (l.push(cuts[k]), w.push(cuts[k + 1] - cuts[k]));
    lo.push(Float64Array.from(l));
    len.push(Float64Array.from(w));
    cells *= l.length;
  }
  if (cells > MAX_CELLS) throw new InputError(`exact piecewise integration needs ${cells} cells (limit ${MAX_CELLS}); use Monte Carlo`);
  const affine = options.affine ?? new Array<boolean>(D).fill(true);
  const idx = new Int32Array(D);
  const w = new Float64Array(D);
  const g0 = new Float64Array(P);
  const g1 = new Float64Array(P);
  const within = new Float64Array(P);
  const between = new WeightedMoments(P);
  for (let c = 0; c < cells; c++) {
    let vol = 1;
    for (let d = 0; d < D; d++) {
      w[d] = lo[d][idx[d]] + 0.5 * len[d][idx[d]];
      vol *= len[d][idx[d]];
    }
    instance.estimate(theta, w, g0);
    between.push(g0, vol);
    for (let d = 0; d < D; d++) {
      if (!affine[d]) continue;
      const l = len[d][idx[d]];
      const delta = 0.25 * l;
      const m = w[d];
      w[d] = m + delta;
      instance.estimate(theta, w, g1);
      w[d] = m;
      for (let k = 0; k < P; k++) {
        const slope = (g1[k] - g0[k]) / delta;
        within[k] += (vol * slope * slope * l * l) / 12;
      }
    }
    // odometer increment
    for (let d = 0; d < D; d++) {
      if (++idx[d] < lo[d].length) break;
      idx[d] = 0;
    }
  }
  const variance = between.variance();
  const mass = between.w;
  for (let k = 0; k < P; k++) variance[k] += within[k] / mass;
  return { mean: between.mean.slice(), variance };
}
