/**
 * The exact gradient ∇θ E[L] by enumeration (src/exact/moments.ts: forward-mode product rule
 * through σ and the probability products; never the score identity of Theorem 1). Zero variance;
 * noise is ignored. Cached per θ.
 */
import { exactAnalysis } from "../exact/moments.js";
import { MAX_ENUMERABLE_UNITS } from "../exact/enumerate.js";
import type { BinaryProblem } from "../problems/types.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";

export const exact: EstimatorSpec = {
  id: "exact",
  title: "Exact (enumeration)",
  formula: "Σ_h L(h) ∂p(h)/∂θ, p(h) = Πᵢ qᵢ, forward-mode product rule",
  source: "reference: enumeration of all 2ⁿ unit configurations",
  unbiased: true,
  noise: "none",
  defaults: {},
  applicable: (p) => (p.nUnits > MAX_ENUMERABLE_UNITS ? `${p.nUnits} units exceed the enumeration limit of ${MAX_ENUMERABLE_UNITS}` : null),
  create(problem: BinaryProblem, _theta?: Float64Array, options?: EstimatorOptions): EstimatorInstance {
    resolveOptions(this, options);
    let cached: Float64Array | null = null;
    let grad: Float64Array | null = null;
    let EL = Number.NaN;
    return {
      noiseSize: 0,
      lossEvaluations: 2 ** problem.nUnits,
      estimate(theta, _u, out) {
        if (!cached || !grad || cached.some((v, i) => v !== theta[i])) {
          const r = exactAnalysis(problem, theta);
          grad = r.gradient;
          EL = r.expectedLoss;
          cached = theta.slice();
        }
        out.set(grad);
        return EL;
      },
    };
  },
};
