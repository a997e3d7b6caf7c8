/**
 * The score-function (likelihood-ratio) estimator for Gaussian injected noise at layer level, the
 * continuous analogue of 1305.2982's Theorem 1: with y = a + z ~ N(a, s²) and h = max(0, y),
 *   ∂J/∂a_rj ≈ w·(1/K)·Σ_k (f_r⁽ᵏ⁾ − b_r⁽ᵏ⁾)·z_rj⁽ᵏ⁾/s²,   b⁽ᵏ⁾ = mean_{i≠k} f⁽ⁱ⁾ (K ≥ 2), 0 (K = 1),
 * over K samples of the layer (sample 0 is the main pass; samples 1 … K−1 read the extra noise
 * and re-run the downstream network). Unbiased and independent of the pathwise derivative, so it
 * is the reference the pathwise estimator is checked against. With K = 1 and one row per
 * minibatch it is the single-sample `score-injected` of src/estimators/noisy.ts on noisy nets
 * of noisy rectifiers.
 */
import { LeaveOneOutSamples } from "./leave-one-out.js";
import { resolveOptions, samplesRule } from "./options.js";
import type { LayerEstimatorSpec } from "./types.js";

export const scoreInjected: LayerEstimatorSpec = {
  id: "score-injected",
  title: "Score function (Gaussian noise)",
  formula: "w·(1/K)·Σₖ (f⁽ᵏ⁾ − mean_{i≠k} f⁽ⁱ⁾)·z⁽ᵏ⁾/s²  (no baseline for K = 1)",
  source: "likelihood ratio for injected noise; the continuous analogue of 1305.2982, Theorem 1 (leave-one-out baseline: Kool et al. 2019)",
  unbiased: true,
  units: ["noisy-rectifier"],
  needsBackprop: false,
  propagates: false,
  defaults: { K: 1 },
  reruns: (o) => o.K - 1,
  extraNoise: (o) => o.K - 1,
  singleSample: { id: "score-injected", on: "noisy nets of noisy rectifiers with K = 1, one row per minibatch" },
  options: (o) => resolveOptions("score-injected", { K: 1 }, { K: samplesRule(1) }, o),
  create(width, opt) {
    const loo = new LeaveOneOutSamples(opt.K);
    return {
      logitGradient(s, out) {
        const s2 = s.unit.s * s.unit.s;
        if (opt.K === 1) {
          for (let r = 0; r < s.n; r++) for (let j = 0; j < width; j++) out[r * width + j] = (s.weight * s.losses[r] * s.e[r * width + j]) / s2;
          return;
        }
        loo.draw(s);
        // the leave-one-out weights of loo.combine, with w inside c (this rounding order is the recorded runs')
        const K = opt.K;
        out.fill(0, 0, s.n * width);
        for (let r = 0; r < s.n; r++) {
          let sum = 0;
          for (let k = 0; k < K; k++) sum += loo.F[k][r];
          for (let k = 0; k < K; k++) {
            const c = (s.weight * (loo.F[k][r] - (sum - loo.F[k][r]) / (K - 1))) / K;
            const z = loo.E[k];
            for (let j = 0; j < width; j++) out[r * width + j] += (c * z[r * width + j]) / s2;
          }
        }
      },
    };
  },
};
