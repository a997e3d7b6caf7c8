/**
 * VIMCO, variational inference for Monte Carlo objectives (Mnih & Rezende 2016, ICML, §2–3):
 * the score-function gradient of a K-sample objective with a leave-one-out baseline per sample.
 *
 * The K-sample objective of a problem. Every BinaryProblem minimises E[L]; reading −L(h) as a
 * log-weight log w(h) (L a negative log-likelihood, an energy, or any loss), the K-sample
 * objective is the negative of VIMCO's bound,
 *   𝓛_K(θ) = E_{h⁽¹⁾…h⁽ᴷ⁾ iid ~ p_θ}[F],   F = −log (1/K) Σₖ exp(−L(h⁽ᵏ⁾)),
 * so 𝓛₁ = E[L], 𝓛_K ≤ E[L] (Jensen), and 𝓛_K decreases in K towards −log E[exp(−L)].
 * L depends on θ only through h (the problem contract), so VIMCO's term Σₖ w̃ₖ∇log wₖ for
 * weights that depend on θ directly vanishes and the estimator is
 *   ĝ = Σₖ (F − F₋ₖ) ∇θ log p(h⁽ᵏ⁾),   ∇θ log p(h) = Σᵢ (hᵢ − σ(aᵢ)) ∂aᵢ/∂θ,
 *   F₋ₖ = −log (1/K)(Σ_{j≠k} exp(−Lⱼ) + exp(−L̄₋ₖ)),  L̄₋ₖ = (1/(K−1)) Σ_{j≠k} Lⱼ,
 * sample k's term replaced by the geometric mean of the others' weights. F₋ₖ does not depend on
 * h⁽ᵏ⁾, so E[ĝ] = ∇θ𝓛_K exactly: VIMCO is unbiased for the K-sample objective (not for ∇E[L]
 * when K > 1, hence `unbiased: false` in the registry, whose flag refers to ∇E[L]).
 * F and F₋ₖ are computed stably (log-sum-exp with prefix and suffix sums, O(K) per estimate).
 *
 * Noise ("custom"): K·nUnits uniforms; copy k reads u[k·n … (k+1)·n) as its unit noise.
 * `exactMoments` enumerates the 2^{n·K} joint configurations (src/exact/k-sample.ts) and refuses
 * beyond 2²² with an error stating the cost; `vimcoObjective` gives the exact 𝓛_K and ∇θ𝓛_K.
 * `leaveIn = true` is the negative control: L̄ averages all K samples, sample k's own included.
 */
import { kSampleMoments, kSampleObjective } from "../exact/k-sample.js";
import { logAddExp } from "../numerics.js";
import { InputError } from "../errors.js";
import { requireBernoulliUnits, unitResidual, type BinaryProblem } from "../problems/types.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";

/** Validate the number of samples K (integer in [2, 4096]). */
export function vimcoSamples(K: number | undefined): number {
  if (K === undefined || !Number.isInteger(K) || K < 2 || K > 4096) throw new InputError(`vimco option K: the leave-one-out baselines need an integer number of samples 2 ≤ K ≤ 4096, got ${K}`);
  return K;
}

/** F = −log (1/K) Σₖ exp(−Lₖ), the per-draw K-sample objective. Shapes: L (K). */
export function negLogMeanExp(L: ArrayLike<number>): number {
  let m = Infinity;
  for (let k = 0; k < L.length; k++) if (L[k] < m) m = L[k];
  let s = 0;
  for (let k = 0; k < L.length; k++) s += Math.exp(m - L[k]);
  return m - Math.log(s / L.length);
}

/** The exact K-sample objective 𝓛_K(θ) and its gradient ∇θ𝓛_K (forward-mode product rule). */
export function vimcoObjective(problem: BinaryProblem, theta: Float64Array, K: number): { value: number; gradient: Float64Array } {
  return kSampleObjective(problem, theta, K, negLogMeanExp, "vimco");
}

/** VIMCO instance over K samples (see module comment); `leaveIn` gives the negative control. */
export function createVimco(problem: BinaryProblem, K: number, leaveIn = false): EstimatorInstance {
  const n = problem.nUnits;
  const P = problem.nParams;
  const ws = problem.createWorkspace();
  const uk = new Float64Array(n);
  const logw = new Float64Array(K);
  const pre = new Float64Array(K + 1); // pre[k] = log Σ_{j<k} wⱼ
  const suf = new Float64Array(K + 1); // suf[k] = log Σ_{j≥k} wⱼ
  const scores = new Float64Array(K * P);
  const scoreViews = Array.from({ length: K }, (_, k) => scores.subarray(k * P, (k + 1) * P));
  const logK = Math.log(K);
  const inst: EstimatorInstance = {
    noiseSize: K * n,
    lossEvaluations: K,
    estimate(theta, u, out) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        for (let i = 0; i < n; i++) uk[i] = u[k * n + i];
        const L = problem.forward(theta, uk, ws);
        logw[k] = -L;
        sum += -L;
        const sk = scoreViews[k];
        sk.fill(0);
        for (let i = 0; i < n; i++) {
          const d = unitResidual(ws, i);
          if (d !== 0) problem.addLogitGradient(theta, ws, i, d, sk);
        }
      }
      pre[0] = -Infinity;
      for (let k = 0; k < K; k++) pre[k + 1] = logAddExp(pre[k], logw[k]);
      suf[K] = -Infinity;
      for (let k = K - 1; k >= 0; k--) suf[k] = logAddExp(suf[k + 1], logw[k]);
      const F = -(pre[K] - logK);
      out.fill(0);
      for (let k = 0; k < K; k++) {
        const geo = leaveIn ? sum / K : (sum - logw[k]) / (K - 1);
        const Fk = -(logAddExp(logAddExp(pre[k], suf[k + 1]), geo) - logK);
        const c = F - Fk;
        if (c === 0) continue;
        const off = k * P;
        for (let j = 0; j < P; j++) out[j] += c * scores[off + j];
      }
      return -logw[0];
    },
    exactMoments: (theta) => kSampleMoments(problem, theta, K, inst, leaveIn ? "vimco (leave-in control)" : "vimco"),
  };
  return inst;
}

export const vimco: EstimatorSpec = {
  id: "vimco",
  title: "VIMCO (K-sample objective, leave-one-out)",
  formula: "Σₖ (F − F₋ₖ) ∇θ log p(h⁽ᵏ⁾), F = −log mean exp(−L(h⁽ᵏ⁾)), F₋ₖ: Lₖ → mean_{j≠k} Lⱼ; unbiased for ∇𝓛_K = ∇E[F]",
  source: "Mnih & Rezende 2016, ICML (VIMCO), §3",
  unbiased: false,
  noise: "custom",
  defaults: { K: 2 },
  domains: { K: { integer: true, min: 2, max: 4096, why: "the leave-one-out baseline needs K ≥ 2 samples" } },
  applicable: (p) => requireBernoulliUnits(p),
  create(problem, _theta, options = {}) {
    return createVimco(problem, vimcoSamples(resolveOptions(this, options).K));
  },
};
