/**
 * AR, the Augment-REINFORCE estimator (Yin & Zhou 2019, "ARM: Augment-REINFORCE-Merge Gradient
 * for Stochastic Binary Networks", ICLR 2019, §2, eq. 5, in this library's convention
 * b = 1[u < σ(a)]):
 *   ĝ = Σᵢ f(b) · (1 − 2uᵢ) · ∂aᵢ/∂θ,     b = forward(u),  u ~ U[0,1]ⁿ.
 * Unbiased on any net of binary units: given the other uniforms, E_{uᵢ}[F(1[uᵢ < σ])(1 − 2uᵢ)]
 * = σ(1−σ)(F(1) − F(0)) = ∂E_{uᵢ}[F]/∂aᵢ (∫₀^σ (1−2u)du = σ(1−σ) = −∫_σ^1 (1−2u)du). One loss evaluation.
 *
 * Noise ("custom"): u, one uniform per unit (unit order). The weight 1 − 2u reads u itself, not
 * only b, so the unit engine cannot enumerate it; `exactMoments` integrates exactly over cells
 * cut at uᵢ = σ(aᵢ) (affine in u on each cell; src/exact/sequential-cells.ts).
 */
import { exactCostReason, sequentialCellMoments, MAX_SEQUENTIAL_CELLS } from "../exact/sequential-cells.js";
import { requireBernoulliUnits, type BinaryProblem } from "../problems/types.js";
import { AntitheticChains } from "./antithetic.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";

/**
 * AR instance. `shareNoise = false` is the negative control that draws the weight's u′
 * independently of the u that drew b (noise 2n: u, then u′; mean 0).
 */
export function createAr(problem: BinaryProblem, shareNoise = true): EstimatorInstance {
  const ch = new AntitheticChains(problem);
  const n = ch.n;
  const inst: EstimatorInstance = {
    noiseSize: shareNoise ? n : 2 * n,
    lossEvaluations: 1,
    estimate(theta, u, out) {
      const f = ch.forwardMain(theta, u);
      out.fill(0);
      const off = shareNoise ? 0 : n;
      for (let i = 0; i < n; i++) {
        const c = f * (1 - 2 * u[off + i]);
        if (c !== 0) problem.addLogitGradient(theta, ch.main, i, c, out);
      }
      return f;
    },
  };
  if (2 ** n <= MAX_SEQUENTIAL_CELLS) {
    inst.exactMoments = (theta) => sequentialCellMoments(inst, theta, (d, w) => (d < n ? ch.breakpoints(theta, d, w, false) : []), {}, shareNoise ? "ar" : "the AR control");
  } else inst.exactUnavailable = exactCostReason(2 ** n, MAX_SEQUENTIAL_CELLS, "cells of the sample space");
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
  applicable: (p) => requireBernoulliUnits(p),
  create(problem, _theta, options) {
    resolveOptions(this, options);
    return createAr(problem);
  },
};
