/**
 * ARM, the Augment-REINFORCE-Merge estimator (Yin & Zhou 2019, ICLR, §2, Theorem 1 / eq. 6, in
 * this library's convention b = 1[u < σ(a)]): the antithetic pair b = 1[u < σ(a)] and
 * b̃ = 1[1 − u < σ(a)] share the same u and
 *   ĝ = Σᵢ (f(b̃) − f(b)) · (uᵢ − ½) · ∂aᵢ/∂θ,    u ~ U[0,1]ⁿ.
 * Unbiased for factorised layers; two loss evaluations.
 *
 * Noise ("custom"): u, one uniform per unit (unit order); b̃ is computed from the same u.
 * `exactMoments`: ARM is affine in u on each of the 3ⁿ cells cut at uᵢ ∈ {σ(aᵢ), 1 − σ(aᵢ)},
 * integrated exactly by src/exact/piecewise.ts.
 */
import { piecewiseAffineMoments, MAX_CELLS } from "../exact/piecewise.js";
import type { BinaryProblem } from "../problems/types.js";
import { FactorizedView, factorizedReason } from "./factorized.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";

/**
 * ARM instance. `shareNoise = false` is the negative control in which b̃ is drawn from an
 * independent u′ (noise 2n: u, then u′) — it breaks the antithetic coupling (mean ∇/2).
 */
export function createArm(problem: BinaryProblem, shareNoise = true): EstimatorInstance {
  const view = new FactorizedView(problem);
  const n = view.n;
  const b = new Float64Array(n);
  const bt = new Float64Array(n);
  const gA = new Float64Array(n);
  const inst: EstimatorInstance = {
    noiseSize: shareNoise ? n : 2 * n,
    lossEvaluations: 2,
    estimate(theta, u, out) {
      view.logits(theta);
      const s = view.ws.s;
      const off = shareNoise ? 0 : n;
      for (let i = 0; i < n; i++) {
        b[i] = +(u[i] < s[i]);
        bt[i] = +(1 - u[off + i] < s[i]);
      }
      const fb = view.loss(theta, b);
      const fbt = view.loss(theta, bt);
      for (let i = 0; i < n; i++) gA[i] = (fbt - fb) * (u[i] - 0.5);
      view.chain(theta, gA, out);
      return fb;
    },
  };
  if ((shareNoise ? 3 ** n : 4 ** n) <= MAX_CELLS) {
    inst.exactMoments = (theta) => {
      view.logits(theta);
      const s = Array.from(view.ws.s);
      const cuts = shareNoise ? s.map((p) => [p, 1 - p]) : [...s.map((p) => [p]), ...s.map((p) => [1 - p])];
      return piecewiseAffineMoments(inst, theta, cuts);
    };
  }
  return inst;
}

export const arm: EstimatorSpec = {
  id: "arm",
  title: "ARM (antithetic, Yin & Zhou)",
  formula: "Σᵢ (f(b̃) − f(b))(uᵢ − ½) ∂aᵢ/∂θ, b = 1[u < σ(a)], b̃ = 1[1−u < σ(a)]",
  source: "Yin & Zhou 2019, ICLR, ARM paper §2 (Theorem 1, eq. 6)",
  unbiased: true,
  noise: "custom",
  defaults: {},
  applicable: factorizedReason,
  create: (problem) => createArm(problem),
};
