/**
 * The exact-moment engine: one Gray-code pass over every configuration gives
 *   E[L], Var[L], ∇θE[L] (forward-mode product rule), and for every "units"-noise estimator
 *   E[ĝ] and Var[ĝ] per coordinate (weighted West/Welford accumulation).
 *
 * Gradient (no score identity): with p(h) = Πᵢ qᵢ and every θₖ entering factor i only through aᵢ,
 *   ∂E[L]/∂θ = Σ_h L(h) Σᵢ (Π_{j<i} qⱼ)(Π_{j>i} qⱼ) · (2hᵢ−1)σ'(aᵢ) · ∂aᵢ/∂θ
 * using prefix/suffix products (no division by qᵢ). Cross-checked against dual numbers
 * (exactGradientDual) and central finite differences in test/unit.
 */
import type { BinaryProblem } from "../problems/types.js";
import { WeightedMoments } from "../stats/accumulator.js";
import type { EstimatorInstance, ExactMoments } from "../estimators/types.js";
import { enumerateConfigurations } from "./enumerate.js";

export interface ExactAnalysis {
  expectedLoss: number;
  lossVariance: number;
  /** ∇θ E[L] (nParams) */
  gradient: Float64Array;
  /** exact E[ĝ], Var[ĝ] per estimator key */
  estimators: Record<string, ExactMoments>;
  /** configurations with p > 0 */
  states: number;
  /** Σ p(h); equals 1 up to rounding */
  totalProbability: number;
  /**
   * Per-unit exact facts for problems with non-Bernoulli units (noisy-net: unit type, noise
   * scale s, P(h = 0) and E[h] per unit), reported by `stochgrad exact`. Absent otherwise.
   */
  units?: { index: number; layer: number; type: string; s: number | null; zeroProbability: number; meanOutput: number }[];
}

/**
 * Exact analysis of `problem` at θ for the given estimator instances (keyed by any name).
 * Instances with custom noise contribute through their own `exactMoments`; others with
 * non-enumerable noise are omitted from `estimators`.
 */
export function exactAnalysis(problem: BinaryProblem, theta: Float64Array, instances: Record<string, { noise: string; instance: EstimatorInstance }> = {}): ExactAnalysis {
  // Problems with non-Bernoulli noise (noisy rectifiers, STS; src/problems/noisy-net.ts) bring
  // their own exact reference (nested quadrature) instead of enumeration.
  const own = (problem as { exactReference?: (t: Float64Array, i: typeof instances) => ExactAnalysis }).exactReference;
  if (own) return own.call(problem, theta, instances);
  const n = problem.nUnits;
  const P = problem.nParams;
  const grad = new Float64Array(P);
  const pre = new Float64Array(n + 1);
  const suf = new Float64Array(n + 1);
  const lossMoments = new WeightedMoments(1);
  const lossBuf = new Float64Array(1);
  const enumerated = Object.entries(instances).filter(([, e]) => e.noise === "units" || e.noise === "none");
  const acc = enumerated.map(() => new WeightedMoments(P));
  const g = new Float64Array(P);
  const res = enumerateConfigurations(problem, theta, (ws, u, p, L) => {
    const h = ws.h;
    const s = ws.s;
    pre[0] = 1;
    for (let i = 0; i < n; i++) pre[i + 1] = pre[i] * (h[i] * s[i] + (1 - h[i]) * (1 - s[i]));
    suf[n] = 1;
    for (let i = n - 1; i >= 0; i--) suf[i] = suf[i + 1] * (h[i] * s[i] + (1 - h[i]) * (1 - s[i]));
    if (L !== 0) {
      for (let i = 0; i < n; i++) {
        const dq = (2 * h[i] - 1) * s[i] * (1 - s[i]);
        const c = L * pre[i] * suf[i + 1] * dq;
        if (c !== 0) problem.addLogitGradient(theta, ws, i, c, grad);
      }
    }
    lossBuf[0] = L;
    lossMoments.push(lossBuf, p);
    for (let e = 0; e < enumerated.length; e++) {
      enumerated[e][1].instance.estimate(theta, u, g);
      acc[e].push(g, p);
    }
  });
  const estimators: Record<string, ExactMoments> = {};
  enumerated.forEach(([key], e) => {
    estimators[key] = { mean: acc[e].mean.slice(), variance: acc[e].variance() };
  });
  for (const [key, e] of Object.entries(instances)) {
    if (e.noise === "custom" && e.instance.exactMoments) estimators[key] = e.instance.exactMoments(theta);
  }
  // Normalise by the total mass so rounding in Σp does not bias the gradient/mean.
  const mass = res.totalProbability;
  for (let k = 0; k < P; k++) grad[k] /= mass;
  return {
    expectedLoss: lossMoments.mean[0],
    lossVariance: lossMoments.variance()[0],
    gradient: grad,
    estimators,
    states: res.states,
    totalProbability: mass,
  };
}
