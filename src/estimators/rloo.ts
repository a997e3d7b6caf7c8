/**
 * RLOO, REINFORCE with the leave-one-out baseline over K samples (Kool, van Hoof & Welling 2019,
 * "Buy 4 REINFORCE Samples, Get a Baseline for Free!", ICLR DeepRL-SPiRL workshop; also Salimans &
 * Knowles 2014, Mnih & Rezende 2016):
 *   ĝ = (1/K) Σₖ (f(b⁽ᵏ⁾) − (1/(K−1)) Σ_{j≠k} f(b⁽ʲ⁾)) · ∇θ log p(b⁽ᵏ⁾),
 *   ∇θ log p(b) = Σᵢ (bᵢ − σ(aᵢ)) ∂aᵢ/∂θ   (the score of Bengio 2013, 1305.2982 Theorem 1).
 * Unbiased for any problem (the baseline of sample k does not depend on b⁽ᵏ⁾); K loss evaluations.
 *
 * Noise ("custom"): K·nUnits uniforms; copy k reads u[k·n … (k+1)·n) as its unit noise.
 * `exactMoments` (closed form, any K): with s the score, f̃ = f − E f, m = E[s f],
 *   Var[ĝ] = (E[s² f̃²] − m²(K−2)/(K−1) + E[s²] E[f̃²]/(K−1)) / K
 * (RLOO is invariant to f → f + c, which removes every E[f] term), the single-sample moments
 * by enumeration of the 2ⁿ configurations; cross-checked against brute-force enumeration of all
 * 2^{K·n} joint configurations in test/unit.
 */
import { enumerateConfigurations, MAX_ENUMERABLE_UNITS } from "../exact/enumerate.js";
import { exactCostReason } from "../exact/sequential-cells.js";
import { requireBernoulliUnits, unitResidual, type BinaryProblem } from "../problems/types.js";
import type { EstimatorInstance, EstimatorSpec, ExactMoments } from "./types.js";
import { InputError } from "../errors.js";
import { resolveOptions } from "./options.js";

/** Validate the sample count K (integer ≥ 2). */
export function rlooSamples(K: number | undefined): number {
  if (K === undefined || !Number.isInteger(K) || K < 2) throw new InputError(`rloo option K: the leave-one-out baseline needs an integer number of samples K ≥ 2, got ${K}`);
  if (K > 4096) throw new InputError(`rloo option K: at most 4096 samples, got ${K}`);
  return K;
}

/**
 * Exact RLOO moments from single-sample moments (see module comment). `leaveIn` computes the
 * negative control whose baseline includes its own sample: mean (K−1)/K · ∇, variance by the
 * brute-force route only (returns mean; variance NaN).
 */
export function rlooExactMoments(problem: BinaryProblem, theta: Float64Array, K: number): ExactMoments {
  const P = problem.nParams;
  const n = problem.nUnits;
  let Ef = 0;
  let mass = 0;
  enumerateConfigurations(problem, theta, (_ws, _u, p, L) => {
    Ef += p * L;
    mass += p;
  });
  Ef /= mass;
  const s = new Float64Array(P);
  const m = new Float64Array(P);
  const s2f2 = new Float64Array(P);
  const s2 = new Float64Array(P);
  let f2 = 0;
  enumerateConfigurations(problem, theta, (ws, _u, p, L) => {
    s.fill(0);
    for (let i = 0; i < n; i++) {
      const d = unitResidual(ws, i);
      if (d !== 0) problem.addLogitGradient(theta, ws, i, d, s);
    }
    const fc = L - Ef;
    f2 += p * fc * fc;
    for (let k = 0; k < P; k++) {
      const sk = s[k];
      m[k] += p * sk * fc;
      s2f2[k] += p * sk * sk * fc * fc;
      s2[k] += p * sk * sk;
    }
  });
  f2 /= mass;
  const variance = new Float64Array(P);
  for (let k = 0; k < P; k++) {
    m[k] /= mass;
    s2f2[k] /= mass;
    s2[k] /= mass;
    variance[k] = Math.max(0, (s2f2[k] - (m[k] * m[k] * (K - 2)) / (K - 1) + (s2[k] * f2) / (K - 1)) / K);
  }
  return { mean: m, variance };
}

/**
 * RLOO instance. `leaveIn = true` is the negative control whose baseline is the mean of all K
 * samples including sample k (it depends on b⁽ᵏ⁾: mean (K−1)/K · ∇).
 */
export function createRloo(problem: BinaryProblem, K: number, leaveIn = false): EstimatorInstance {
  const n = problem.nUnits;
  const P = problem.nParams;
  const ws = problem.createWorkspace();
  const f = new Float64Array(K);
  const scores = new Float64Array(K * P);
  const scoreViews = Array.from({ length: K }, (_, k) => scores.subarray(k * P, (k + 1) * P));
  const uk = new Float64Array(n);
  const inst: EstimatorInstance = {
    noiseSize: K * n,
    lossEvaluations: K,
    estimate(theta, u, out) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        for (let i = 0; i < n; i++) uk[i] = u[k * n + i];
        const L = problem.forward(theta, uk, ws);
        f[k] = L;
        sum += L;
        const sk = scoreViews[k];
        sk.fill(0);
        for (let i = 0; i < n; i++) {
          const d = unitResidual(ws, i);
          if (d !== 0) problem.addLogitGradient(theta, ws, i, d, sk);
        }
      }
      out.fill(0);
      for (let k = 0; k < K; k++) {
        const base = leaveIn ? sum / K : (sum - f[k]) / (K - 1);
        const c = (f[k] - base) / K;
        if (c === 0) continue;
        const off = k * P;
        for (let j = 0; j < P; j++) out[j] += c * scores[off + j];
      }
      return f[0];
    },
  };
  if (!leaveIn && n <= MAX_ENUMERABLE_UNITS) inst.exactMoments = (theta) => rlooExactMoments(problem, theta, K);
  else if (!leaveIn) inst.exactUnavailable = exactCostReason(2 ** n, 2 ** MAX_ENUMERABLE_UNITS, "unit configurations");
  return inst;
}

export const rloo: EstimatorSpec = {
  id: "rloo",
  title: "RLOO (leave-one-out, K samples)",
  formula: "(1/K) Σₖ (f(b⁽ᵏ⁾) − mean_{j≠k} f(b⁽ʲ⁾)) ∇θ log p(b⁽ᵏ⁾)",
  source: "Kool, van Hoof & Welling 2019, ICLR workshop (Buy 4 REINFORCE samples), eq. 8",
  unbiased: true,
  noise: "custom",
  defaults: { K: 2 },
  domains: { K: { integer: true, min: 2, max: 4096, why: "the leave-one-out baseline needs K ≥ 2 samples" } },
  applicable: (p) => requireBernoulliUnits(p),
  create(problem, _theta, options = {}) {
    return createRloo(problem, rlooSamples(resolveOptions(this, options).K));
  },
};
