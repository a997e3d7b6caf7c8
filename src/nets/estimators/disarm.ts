/**
 * DisARM at layer level (Dong, Mnih & Tucker 2020, NeurIPS, §3 eq. 7 and §4 for several layers),
 * for Bernoulli layers, with the antithetic pair of antithetic.ts (ARM Rao–Blackwellised over u
 * given the pair):
 *   ∂J/∂a_rj ≈ w·½(f_r − f̃_r)·(−1)^{h̃_rj}·1[h_rj ≠ h̃_rj]·σ(|a_rj|).
 * Unbiased; one downstream re-run; never more variance than ARM. With one row per minibatch it
 * is the single-sample `disarm` of src/estimators/disarm.ts on sigmoid belief nets.
 */
import { sigmoid } from "../../numerics.js";
import { AntitheticPair } from "./antithetic.js";
import { resolveOptions } from "./options.js";
import type { LayerEstimatorSpec } from "./types.js";

export const disarm: LayerEstimatorSpec = {
  id: "disarm",
  title: "DisARM (Dong, Mnih & Tucker)",
  formula: "w·½(f(h) − f(h̃))·(−1)^{h̃}·1[h ≠ h̃]·σ(|a|)",
  source: "Dong, Mnih & Tucker 2020, NeurIPS, DisARM §3 (eq. 7) and §4 (multiple layers)",
  unbiased: true,
  units: ["bernoulli"],
  needsBackprop: false,
  propagates: false,
  defaults: {},
  reruns: () => 1,
  extraNoise: () => 0,
  singleSample: { id: "disarm", on: "sigmoid belief nets (every layer DisARM), one row per minibatch" },
  options: (o) => resolveOptions("disarm", {}, {}, o),
  create() {
    const pair = new AntitheticPair();
    return {
      logitGradient(s, out) {
        pair.run(s);
        const N = s.width;
        for (let r = 0; r < s.n; r++) {
          const half = 0.5 * (s.losses[r] - pair.fTilde[r]);
          for (let j = 0; j < N; j++) {
            const k = r * N + j;
            const bt = pair.hTilde[k];
            out[k] = s.h[k] === bt ? 0 : s.weight * (half * (1 - 2 * bt) * sigmoid(Math.abs(s.logits[k])));
          }
        }
      },
    };
  },
};
