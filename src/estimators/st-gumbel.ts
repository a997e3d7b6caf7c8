/**
 * Straight-through Gumbel-Softmax (Jang, Gu & Poole 2017, ICLR, §2 "Straight-Through
 * Gumbel-Softmax Estimator"): the forward pass uses the hard sample bᵢ = H(zᵢ) = 1[uᵢ < σ(aᵢ)],
 * the backward pass differentiates the relaxation yᵢ = σ(zᵢ/τ), zᵢ = aᵢ + ℓᵢ:
 *   ĝ = backprop through the sampled net with ∂bᵢ/∂aᵢ := ∂yᵢ/∂aᵢ = yᵢ(1 − yᵢ)/τ.
 * Biased (even for a single unit with f linear in b, unlike the sigmoid-adjusted ST of
 * 1308.3432); bias vs τ reported by the `STG-bias` claim. One loss evaluation.
 *
 * Noise ("custom"): u, one uniform per unit (unit order; the hard forward is problem.forward(θ, u)).
 * Exact moments for a single unit: quadrature over u split at u = σ(a).
 */
import { sigmoid } from "../numerics.js";
import { requireBernoulliUnits, type BinaryProblem } from "../problems/types.js";
import { logisticNoise, requireTemperature } from "./relaxation.js";
import { attachSingleUnitQuadrature } from "./single-unit-quadrature.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";
import { InputError } from "../errors.js";

/**
 * ST-Gumbel instance at temperature τ: hard forward b = 1[u < σ(a)], backward with
 * ∂bᵢ/∂aᵢ := yᵢ(1 − yᵢ)/τ, y = σ((a + ℓ(u))/τ). Shapes: u (nUnits), out (nParams). Source: Jang et al. 2017 §2.
 */
export function createStGumbel(problem: BinaryProblem, tau: number): EstimatorInstance {
  const back = problem.backpropSurrogate;
  if (!back) throw new InputError(`st-gumbel: problem kind "${problem.kind}" has no back-propagation path`);
  const ws = problem.createWorkspace();
  const dhda = new Float64Array(problem.nUnits);
  const inst: EstimatorInstance = {
    noiseSize: problem.nUnits,
    lossEvaluations: 1,
    estimate(theta, u, out) {
      const L = problem.forward(theta, u, ws);
      for (let i = 0; i < dhda.length; i++) {
        const y = sigmoid((ws.a[i] + logisticNoise(u[i])) / tau);
        dhda[i] = (y * (1 - y)) / tau;
      }
      back.call(problem, theta, ws, dhda, out);
      return L;
    },
  };
  return attachSingleUnitQuadrature(problem, inst, true, "st-gumbel");
}

export const stGumbel: EstimatorSpec = {
  id: "st-gumbel",
  title: "Straight-through Gumbel-Softmax",
  formula: "backprop with hard b forward and ∂b/∂a := y(1−y)/τ, y = σ((a+ℓ)/τ)",
  source: "Jang, Gu & Poole 2017, ICLR §2 (Straight-Through Gumbel-Softmax)",
  unbiased: false,
  noise: "custom",
  defaults: { temperature: 0.5 },
  domains: { temperature: { min: 0, minOpen: true, why: "the relaxation temperature τ" } },
  applicable: (p) => requireBernoulliUnits(p) ?? (p.backpropSurrogate ? null : `problem kind "${p.kind}" has no differentiable path from h to L (ST-Gumbel needs back-propagation)`),
  create(problem, _theta, options = {}) {
    return createStGumbel(problem, requireTemperature(resolveOptions(this, options).temperature, "st-gumbel option temperature"));
  },
};
