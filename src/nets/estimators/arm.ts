/**
 * ARM at layer level (Yin & Zhou 2019, ICLR, §2 Theorem 1 and §3 for several stochastic layers),
 * for Bernoulli layers, with the antithetic pair of antithetic.ts:
 *   ∂J/∂a_rj ≈ w·(f̃_r − f_r)·(u_rj − ½).
 * Unbiased; one downstream re-run. With one row per minibatch it is the single-sample `arm` of
 * src/estimators/arm.ts on sigmoid belief nets (every layer ARM).
 */
import { AntitheticPair } from "./antithetic.js";
import { resolveOptions } from "./options.js";
import type { LayerEstimatorSpec } from "./types.js";

export const arm: LayerEstimatorSpec = {
  id: "arm",
  title: "ARM (antithetic, Yin & Zhou)",
  formula: "w·(f(h̃) − f(h))·(u − ½), h̃ = 1[1 − u < σ(a)]",
  source: "Yin & Zhou 2019, ICLR, ARM paper §2 (Theorem 1, eq. 6) and §3 (multiple stochastic layers)",
  unbiased: true,
  units: ["bernoulli"],
  needsBackprop: false,
  propagates: false,
  defaults: {},
  reruns: () => 1,
  extraNoise: () => 0,
  singleSample: { id: "arm", on: "sigmoid belief nets (every layer ARM), one row per minibatch" },
  options: (o) => resolveOptions("arm", {}, {}, o),
  create() {
    const pair = new AntitheticPair();
    return {
      logitGradient(s, out) {
        pair.run(s);
        const N = s.width;
        for (let r = 0; r < s.n; r++) {
          const df = pair.fTilde[r] - s.losses[r];
          const u = r * s.noiseStride;
          for (let j = 0; j < N; j++) out[r * N + j] = s.weight * (df * (s.noise[u + j] - 0.5));
        }
      },
    };
  },
};
