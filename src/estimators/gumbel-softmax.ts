/**
 * Gumbel-Softmax / binary Concrete estimator (Jang, Gu & Poole 2017, ICLR, §2; Maddison, Mnih &
 * Teh 2017, ICLR, §3.3): replace each binary unit by its relaxation yᵢ = σ((aᵢ + ℓᵢ)/τ) with
 * logistic noise ℓᵢ = log(1−uᵢ) − log uᵢ, propagate y through the net, and take the pathwise
 * gradient of the relaxed loss:
 *   ĝ = ∇θ f(y(θ, u)),   y = σ((a(θ) + ℓ)/τ).
 * Biased for ∇θ E[f(b)] at every τ > 0 (it is unbiased for the relaxed objective E[f(y)]); the
 * bias as a function of τ is reported by the `GS-bias` claim. One (relaxed) loss evaluation.
 *
 * Noise ("custom"): u, one uniform per unit (unit order, same layout as "units" noise; the hard
 * sample 1[uᵢ < σ(aᵢ)] = H(zᵢ) uses the same u). Returns the relaxed loss f(y).
 * Exact moments for a single unit: 1-D quadrature over u (src/estimators/single-unit-quadrature.ts).
 */
import type { BinaryProblem } from "../problems/types.js";
import { RelaxedNet, relaxationReason, requireTemperature } from "./relaxation.js";
import { attachSingleUnitQuadrature } from "./single-unit-quadrature.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";

/**
 * Gumbel-Softmax instance at temperature τ: ĝ = ∇θ f(σ((a + ℓ(u))/τ)) by back-propagation through
 * the relaxed net. Shapes: noise u (nUnits), out (nParams). Source: Jang et al. 2017 §2.
 */
export function createGumbelSoftmax(problem: BinaryProblem, tau: number): EstimatorInstance {
  const net = new RelaxedNet(problem);
  const inst: EstimatorInstance = {
    noiseSize: problem.nUnits,
    lossEvaluations: 1,
    estimate(theta, u, out) {
      const F = net.forward(theta, u, tau);
      net.backward(theta, out);
      return F;
    },
  };
  return attachSingleUnitQuadrature(problem, inst, false, "gumbel-softmax");
}

export const gumbelSoftmax: EstimatorSpec = {
  id: "gumbel-softmax",
  title: "Gumbel-Softmax / Concrete",
  formula: "∇θ f(σ((a + ℓ)/τ)), ℓ = log(1−u) − log u",
  source: "Jang, Gu & Poole 2017, ICLR §2; Maddison, Mnih & Teh 2017, ICLR §3.3 (binary Concrete)",
  unbiased: false,
  noise: "custom",
  defaults: { temperature: 0.5 },
  domains: { temperature: { min: 0, minOpen: true, why: "the relaxation temperature τ" } },
  applicable: relaxationReason,
  create(problem, _theta, options = {}) {
    return createGumbelSoftmax(problem, requireTemperature(resolveOptions(this, options).temperature, "gumbel-softmax option temperature"));
  },
};
