/**
 * AR, the Augment-REINFORCE estimator (Yin & Zhou 2019, "ARM: Augment-REINFORCE-Merge Gradient
 * for Stochastic Binary Networks", ICLR 2019, §2, eq. 5, in this library's convention
 * b = 1[u < σ(a)]):
 *   ĝ = Σᵢ f(b) · (1 − 2uᵢ) · ∂aᵢ/∂θ,     b = 1[u < σ(a)],  u ~ U[0,1]ⁿ.
 * Unbiased: ∫₀^σ (1−2u)du = σ(1−σ) = −∫_σ^1 (1−2u)du. One loss evaluation. Factorised layers only.
 *
 * Noise ("custom"): u, one uniform per unit (layout = unit order). The weight 1 − 2u reads u
 * itself, not only b, so the unit engine cannot enumerate it; `exactMoments` integrates exactly
 * over the 2ⁿ cells split at uᵢ = σ(aᵢ) (AR is affine in u on each cell; src/exact/piecewise.ts).
 */
import { piecewiseAffineMoments, MAX_CELLS } from "../exact/piecewise.js";
import type { BinaryProblem } from "../problems/types.js";
import { FactorizedView, factorizedReason } from "./factorized.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";

/**
 * Build an AR-type instance with weight w(u) (AR: 1 − 2u). `shareNoise = false` is the negative
 * control that draws the weight's u independently of the one that drew b (noise 2n: u, then u′).
 */
export function createAr(problem: BinaryProblem, shareNoise = true): EstimatorInstance {
  const view = new FactorizedView(problem);
  const n = view.n;
  const h = new Float64Array(n);
  const gA = new Float64Array(n);
  const noiseSize = shareNoise ? n : 2 * n;
  const inst: EstimatorInstance = {
    noiseSize,
    lossEvaluations: 1,
    estimate(theta, u, out) {
      view.logits(theta);
      const s = view.ws.s;
      for (let i = 0; i < n; i++) h[i] = +(u[i] < s[i]);
      const f = view.loss(theta, h);
      const off = shareNoise ? 0 : n;
      for (let i = 0; i < n; i++) gA[i] = f * (1 - 2 * u[off + i]);
      view.chain(theta, gA, out);
      return f;
    },
  };
  if ((shareNoise ? 2 ** n : 4 ** n) <= MAX_CELLS) {
    inst.exactMoments = (theta) => {
      view.logits(theta);
      const cuts = Array.from(view.ws.s, (s) => [s]);
      return piecewiseAffineMoments(inst, theta, shareNoise ? cuts : [...cuts, ...cuts.map(() => [])]);
    };
  }
  return inst;
}

export const ar: EstimatorSpec = {
  id: "ar",
  title: "AR (augment-REINFORCE)",
  formula: "Σᵢ f(b)(1 − 2uᵢ) ∂aᵢ/∂θ, b = 1[u < σ(a)]",
  source: "Yin & Zhou 2019, ICLR, ARM paper §2 (AR estimator, eq. 5)",
  unbiased: true,
  noise: "custom",
  defaults: {},
  applicable: factorizedReason,
  create: (problem) => createAr(problem),
};
