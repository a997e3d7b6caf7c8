/**
 * Estimators for nets with injected noise (src/problems/noisy-net.ts). Noise is "custom": one
 * uniform per unit, mapped by the unit to z = s·Φ⁻¹(u) or b = 1[u < √σ(a)]. Each instance has
 * exact moments by nested quadrature (src/exact/noisy.ts).
 *
 *   pathwise            back-prop with ∂h/∂a = f'(a + z): 1[a+z>0] (rectifier), σ'(a+z) (sigmoid).
 *                       Unbiased (Bengio 2013, arXiv 1305.2982, §4: noise injected into a
 *                       non-flat non-linearity). Applicable when every unit is continuous in a.
 *   pathwise-threshold  the same rule on a hard threshold: ∂1[a+z>0]/∂a = 0 a.e. — biased (zero);
 *                       the negative control of §4.
 *   sts                 stochastic times smooth (1308.3432, §3): back-prop through √σ(a) with b
 *                       held fixed; biased. Gaussian units in the same net use their pathwise rule.
 *   score-injected      likelihood ratio for the injected noise, L·Σᵢ ψᵢ ∂aᵢ/∂θ (ψ = z/s² or the
 *                       Bernoulli score ∂ log P(b)/∂a) plus the STS smooth path: unbiased, high variance —
 *                       the continuous-noise analogue of the correlation estimator (1305.2982, §3).
 */
import { quadratureApplicable, noisyEstimatorMoments } from "../exact/noisy.js";
import { NoisyNet, type NoisyWorkspace } from "../problems/noisy-net.js";
import type { BinaryProblem } from "../problems/types.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import { InputError } from "../errors.js";
import { resolveOptions } from "./options.js";

type Mode = "pathwise" | "pathwise-threshold" | "sts" | "score-injected";

function notNoisy(problem: BinaryProblem): string | null {
  return problem instanceof NoisyNet ? null : `needs a net with injected-noise units (kind "noisy-net" or "noisy-single"), got "${problem.kind}"`;
}

const rules: Record<Mode, { title: string; formula: string; source: string; unbiased: boolean; applicable: (net: NoisyNet) => string | null }> = {
  pathwise: {
    title: "Pathwise (noisy units)",
    formula: "backprop with ∂h/∂a = ∂f(a, z)/∂a at the sampled z",
    source: "Bengio 2013, arXiv 1305.2982, §4 (noise injected into non-flat non-linearities)",
    unbiased: true,
    applicable: (net) => (net.allUnits((u) => u.continuous) ? null : "some unit is discontinuous in a (hard threshold or STS): the pathwise gradient is biased there; use pathwise-threshold / sts"),
  },
  "pathwise-threshold": {
    title: "Pathwise through a hard threshold",
    formula: "backprop with ∂1[a+z>0]/∂a := 0 (a.e.)",
    source: "negative control for 1305.2982, §4 (the threshold is flat almost everywhere)",
    unbiased: false,
    applicable: (net) => (net.layerUnits.some((u) => u.type === "hard-threshold") ? null : "no hard-threshold unit in this net"),
  },
  sts: {
    title: "Stochastic times smooth",
    formula: "backprop with ∂h/∂a := b·d√σ(a)/da (b held fixed)",
    source: "Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3",
    unbiased: false,
    applicable: (net) => (net.layerUnits.some((u) => u.type === "sts") ? null : "no STS unit in this net"),
  },
  "score-injected": {
    title: "Score function (injected noise)",
    formula: "L·Σᵢ ψᵢ ∂aᵢ/∂θ, ψ = z/s² (Gaussian) or ∂log P(b)/∂a (STS), + STS smooth path",
    source: "likelihood ratio for the injected noise; the continuous analogue of 1305.2982, Theorem 1",
    unbiased: true,
    applicable: () => null,
  },
};

function make(mode: Mode): EstimatorSpec {
  const r = rules[mode];
  return {
    id: mode,
    title: r.title,
    formula: r.formula,
    source: r.source,
    unbiased: r.unbiased,
    noise: "custom",
    defaults: {},
    applicable: (problem) => notNoisy(problem) ?? r.applicable(problem as NoisyNet),
    create(problem: BinaryProblem, _theta?: Float64Array, options?: EstimatorOptions): EstimatorInstance {
      resolveOptions(this, options);
      const why = notNoisy(problem) ?? r.applicable(problem as NoisyNet);
      if (why) throw new InputError(`${mode}: ${why}`);
      const net = problem as NoisyNet;
      const ws = net.createWorkspace();
      const grad = (t: Float64Array, w: NoisyWorkspace, L: number, g: Float64Array) => {
        if (mode === "score-injected") net.scoreGradient(t, w, L, g);
        else net.pathwiseGradient(t, w, g);
      };
      const inst: EstimatorInstance = {
        noiseSize: net.nUnits,
        lossEvaluations: 1,
        estimate(theta, u, out) {
          const L = net.forward(theta, u, ws);
          grad(theta, ws, L, out);
          return L;
        },
      };
      const cost = quadratureApplicable(net);
      if (!cost) inst.exactMoments = (theta) => noisyEstimatorMoments(net, theta, (w, L, g) => grad(theta, w, L, g), mode);
      else inst.exactUnavailable = cost;
      return inst;
    },
  };
}

export const pathwise = make("pathwise");
export const pathwiseThreshold = make("pathwise-threshold");
export const sts = make("sts");
export const scoreInjected = make("score-injected");
