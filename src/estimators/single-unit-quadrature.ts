/**
 * Exact moments of relaxation-based estimators on a single binary unit by adaptive quadrature
 * (src/exact/quadrature.ts, QUADPACK-style Gauss–Kronrod 7/15):
 *   E[ĝ] = ∫ ĝ(θ, w) dw,   Var[ĝ] = ∫ ĝ² dw − E[ĝ]²,   w ∈ (0,1)^D, D ∈ {1, 2},
 * with the first noise coordinate u split at u = σ(a) (where the hard sample b = 1[u < σ(a)]
 * jumps) and, for D = 2 (REBAR/RELAX: u then v for z̃ ~ p(z | b)), a nested inner integral over v.
 * The estimator's own `estimate` is the integrand, so the moments check the sampling code.
 * Source: single units under relaxations (Tucker et al. 2017 §5.1; Grathwohl et al. 2018 §6.1 toy).
 */
import { integrateVector } from "../exact/quadrature.js";
import { requireResolvableCuts } from "../exact/sequential-cells.js";
import type { BinaryProblem } from "../problems/types.js";
import type { EstimatorInstance, ExactMoments } from "./types.js";

/** Quadrature targets: absolute 1e-14, relative 1e-12 on every moment. */
export const QUAD_OPTIONS = { absTol: 1e-14, relTol: 1e-12, maxIntervals: 4000 };

/**
 * Exact E[ĝ], Var[ĝ] of `inst` (noiseSize 1 or 2) on a one-unit problem at θ.
 * Shapes: returns nParams vectors. Also returns the summed quadrature error estimate.
 */
export function singleUnitMoments(problem: BinaryProblem, inst: EstimatorInstance, theta: Float64Array, split: boolean, what = "the estimator"): ExactMoments & { error: number } {
  const P = problem.nParams;
  const D = inst.noiseSize;
  const ws = problem.createWorkspace();
  problem.evaluate(theta, ws);
  const sigma = ws.s[0];
  // the noise is integrated on [0, 1] with pieces at σ and 1 − σ (the relaxations' conditionals):
  // a saturated unit puts one within float64's reach of 1
  requireResolvableCuts([sigma, ws.c[0]], what);
  const w = new Float64Array(D);
  const g = new Float64Array(P);
  const inner = new Float64Array(2 * P);
  let innerError = 0;
  const integrand = (x: number, out: Float64Array) => {
    w[0] = x;
    if (D === 1) {
      inst.estimate(theta, w, g);
      for (let k = 0; k < P; k++) (out[k] = g[k]), (out[P + k] = g[k] * g[k]);
      return;
    }
    const r = integrateVector(
      (v, o) => {
        w[1] = v;
        inst.estimate(theta, w, g);
        for (let k = 0; k < P; k++) (o[k] = g[k]), (o[P + k] = g[k] * g[k]);
      },
      2 * P,
      0,
      1,
      inner,
      QUAD_OPTIONS,
    );
    innerError = Math.max(innerError, r.error);
    out.set(inner);
  };
  const m = new Float64Array(2 * P);
  const r = integrateVector(integrand, 2 * P, 0, 1, m, { ...QUAD_OPTIONS, breakpoints: split ? [sigma] : [] });
  const mean = m.slice(0, P);
  const variance = new Float64Array(P);
  for (let k = 0; k < P; k++) variance[k] = Math.max(0, m[P + k] - mean[k] * mean[k]);
  return { mean, variance, error: r.error + innerError };
}

/**
 * Attach `exactMoments` by quadrature when the problem has one unit and the instance reads one
 * or two uniforms (`splitAtSigma`: whether ĝ jumps at u = σ(a)). Returns the instance.
 */
export function attachSingleUnitQuadrature(problem: BinaryProblem, inst: EstimatorInstance, splitAtSigma: boolean, what = "the estimator"): EstimatorInstance {
  if (problem.nUnits === 1 && (inst.noiseSize === 1 || inst.noiseSize === 2)) {
    inst.exactMoments = (theta) => {
      const r = singleUnitMoments(problem, inst, theta, splitAtSigma, what);
      return { mean: r.mean, variance: r.variance };
    };
  }
  return inst;
}
