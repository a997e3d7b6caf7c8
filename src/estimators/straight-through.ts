/**
 * Straight-through estimators (Hinton's lectures 2012; analysed in Bengio, Léonard & Courville
 * 2013, arXiv 1308.3432): back-propagate through the sampled net as if hᵢ were a differentiable
 * function of aᵢ with slope
 *   identity:          ∂hᵢ/∂aᵢ := 1
 *   sigmoid-adjusted:  ∂hᵢ/∂aᵢ := σ'(aᵢ) = σ(aᵢ)(1 − σ(aᵢ)).
 * Biased in general (the natural negative control for Theorem 1); the sigmoid-adjusted form
 * is exactly unbiased for a single unit whose loss is linear in h.
 */
import { requireBernoulliUnits, type BinaryProblem } from "../problems/types.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import { InputError } from "../errors.js";
import { resolveOptions } from "./options.js";

function make(id: string, mode: "identity" | "sigmoid"): EstimatorSpec {
  return {
    id,
    title: mode === "identity" ? "Straight-through (identity)" : "Straight-through (sigmoid-adjusted)",
    formula: mode === "identity" ? "backprop with ∂h/∂a := 1" : "backprop with ∂h/∂a := σ(a)(1−σ(a))",
    source: "Bengio, Léonard & Courville 2013, arXiv 1308.3432 (straight-through estimator)",
    unbiased: false,
    noise: "units",
    defaults: {},
    applicable: (problem) => requireBernoulliUnits(problem) ?? (problem.backpropSurrogate ? null : `problem kind "${problem.kind}" has no differentiable path from h to L (straight-through needs back-propagation)`),
    create(problem: BinaryProblem, _theta?: Float64Array, options?: EstimatorOptions): EstimatorInstance {
      resolveOptions(this, options);
      const back = problem.backpropSurrogate;
      if (!back) throw new InputError(`${id}: ${this.applicable(problem)}`);
      const ws = problem.createWorkspace();
      const dhda = new Float64Array(problem.nUnits);
      const slopes = (w: typeof ws) => {
        if (mode === "identity") dhda.fill(1);
        else for (let i = 0; i < dhda.length; i++) dhda[i] = w.s[i] * w.c[i];
      };
      const coefFn = problem.surrogateCoefficients;
      return {
        noiseSize: problem.nUnits,
        lossEvaluations: 1,
        estimate(theta, u, out) {
          const L = problem.forward(theta, u, ws);
          slopes(ws);
          back.call(problem, theta, ws, dhda, out);
          return L;
        },
        estimateAt(theta, w, _L, out) {
          slopes(w);
          back.call(problem, theta, w, dhda, out);
        },
        coefficientsAt: coefFn
          ? (theta, w, _L, coef) => {
              slopes(w);
              coefFn.call(problem, theta, w, dhda, coef);
            }
          : undefined,
      };
    },
  };
}

export const straightThrough = make("straight-through", "identity");
export const straightThroughSigmoid = make("straight-through-sigmoid", "sigmoid");
