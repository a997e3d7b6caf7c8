/**
 * Straight-through at layer level (Hinton's lectures 2012; analysed in Bengio, Léonard & Courville
 * 2013, arXiv 1308.3432, §4), for Bernoulli layers: the back-propagated δh = ∂J/∂h is passed to
 * the logits as if h were differentiable in a with slope
 *   straight-through          ∂h/∂a := 1                 ∂J/∂a ≈ δh
 *   straight-through-sigmoid  ∂h/∂a := σ(a)(1 − σ(a))    ∂J/∂a ≈ δh·σ(a)(1 − σ(a))
 * Biased in general. Needs a differentiable downstream path; upstream layers then still receive a
 * back-propagated signal. With one row per minibatch these are the single-sample estimators of the
 * same ids (src/estimators/straight-through.ts) on sigmoid belief nets.
 */
import { resolveOptions } from "./options.js";
import type { LayerEstimatorSpec } from "./types.js";

function make(id: string, sigmoidSlope: boolean): LayerEstimatorSpec {
  return {
    id,
    title: sigmoidSlope ? "Straight-through (sigmoid-adjusted)" : "Straight-through (identity)",
    formula: sigmoidSlope ? "δh·σ(a)(1 − σ(a))" : "δh",
    source: "Bengio, Léonard & Courville 2013, arXiv 1308.3432, §4 (straight-through estimator)",
    unbiased: false,
    units: ["bernoulli"],
    needsBackprop: true,
    propagates: true,
    defaults: {},
    reruns: () => 0,
    extraNoise: () => 0,
    singleSample: { id, on: "sigmoid belief nets (every layer straight-through), one row per minibatch" },
    options: (o) => resolveOptions(id, {}, {}, o),
    create: () => ({
      logitGradient(s, out) {
        const d = s.gradOutput!;
        const len = s.n * s.width;
        if (sigmoidSlope) for (let k = 0; k < len; k++) out[k] = d[k] * (s.prob[k] * (1 - s.prob[k]));
        else for (let k = 0; k < len; k++) out[k] = d[k];
      },
    }),
  };
}

export const straightThrough = make("straight-through", false);
export const straightThroughSigmoid = make("straight-through-sigmoid", true);
