/**
 * RLOO at layer level (Kool, van Hoof & Welling 2019, "Buy 4 REINFORCE Samples, Get a Baseline
 * for Free!", eq. 8), for Bernoulli layers: K samples of the layer given its logits — sample 0 is
 * the main pass, samples 1 … K−1 read the extra noise u⁽ᵏ⁾ (row layout [u⁽⁰⁾ | u⁽¹⁾ | …], width
 * each) and re-run the downstream network:
 *   ∂J/∂a_rj ≈ w·(1/K)·Σ_k (f_r⁽ᵏ⁾ − mean_{i≠k} f_r⁽ⁱ⁾)·(h_rj⁽ᵏ⁾ − σ(a_rj)).
 * Unbiased: sample k's baseline does not depend on h⁽ᵏ⁾ (later stochastic layers reuse their own
 * noise across the K re-runs, which keeps the baseline independent of h⁽ᵏ⁾ given it). On a net with
 * one stochastic layer and one row per minibatch it is the single-sample `rloo` of
 * src/estimators/rloo.ts, whose K copies of the whole net are then the K samples of that layer.
 * Parameters downstream get the main sample's gradient.
 */
import { LeaveOneOutSamples } from "./leave-one-out.js";
import { resolveOptions, samplesRule } from "./options.js";
import type { LayerEstimatorSpec } from "./types.js";

export const rloo: LayerEstimatorSpec = {
  id: "rloo",
  title: "RLOO (leave-one-out, K samples)",
  formula: "w·(1/K)·Σₖ (f⁽ᵏ⁾ − mean_{i≠k} f⁽ⁱ⁾)·(h⁽ᵏ⁾ − σ(a))",
  source: "Kool, van Hoof & Welling 2019, ICLR workshop (Buy 4 REINFORCE samples), eq. 8 (layer form)",
  unbiased: true,
  units: ["bernoulli"],
  needsBackprop: false,
  propagates: false,
  defaults: { K: 2 },
  reruns: (o) => o.K - 1,
  extraNoise: (o) => o.K - 1,
  singleSample: { id: "rloo", on: "sigmoid belief nets with one stochastic layer, one row per minibatch" },
  options: (o) => resolveOptions("rloo", { K: 2 }, { K: samplesRule(2) }, o),
  create(_width, opt) {
    const loo = new LeaveOneOutSamples(opt.K);
    let prob: Float64Array = new Float64Array(0);
    const score = (k: number, idx: number) => loo.H[k][idx] - prob[idx];
    return {
      logitGradient(s, out) {
        prob = s.prob;
        loo.draw(s);
        loo.combine(s, score, out);
      },
    };
  },
};
