/**
 * Gumbel-Softmax / binary Concrete at layer level (Jang, Gu & Poole 2017, ICLR, §2; Maddison,
 * Mnih & Teh 2017, ICLR, §3.3), for Bernoulli layers: the layer's hard sample h = 1[u < σ(a)] =
 * H(a + ℓ(u)) has the relaxation y = σ((a + ℓ(u))/τ) on the same uniforms (ℓ(u) = log(1−u) − log u),
 * and the logits get the pathwise gradient of the loss at y:
 *   ∂J/∂a_rj ≈ w·∂f_r/∂h_rj|_{h = y_r} · y_rj(1 − y_rj)/τ,
 * from the network's mean-field pass evaluated at y (later stochastic layers at their means).
 * Biased for ∇E[f(h)] at every τ > 0. Layer form: the parameters downstream of the layer are
 * trained on the hard sample (so the model and its ELBO stay the discrete ones); only the
 * logits see the relaxation. Option `temperature` τ (default 0.5).
 */
import { logisticNoise } from "../../estimators/relaxation.js";
import { resolveOptions, type OptionRule } from "./options.js";
import type { LayerEstimatorSpec } from "./types.js";

/** τ > 0, finite */
export const temperatureRule: OptionRule = (v) => (Number.isFinite(v) && v > 0 ? null : "expected a relaxation temperature τ > 0");

export const gumbelSoftmax: LayerEstimatorSpec = {
  id: "gumbel-softmax",
  title: "Gumbel-Softmax / Concrete (relaxed, biased)",
  formula: "w·∂f/∂h|_{h=y}·y(1 − y)/τ,  y = σ((a + ℓ(u))/τ)",
  source: "Jang, Gu & Poole 2017, ICLR, §2; Maddison, Mnih & Teh 2017, ICLR, §3.3 (layer form)",
  unbiased: false,
  units: ["bernoulli"],
  needsBackprop: false,
  propagates: false,
  needsMeanField: true,
  defaults: { temperature: 0.5 },
  reruns: () => 1,
  extraNoise: () => 0,
  options: (o) => resolveOptions("gumbel-softmax", { temperature: 0.5 }, { temperature: temperatureRule }, o),
  create(width, opt) {
    const tau = opt.temperature;
    let cap = 0;
    let y = new Float64Array(0);
    let F = new Float64Array(0);
    let dF = new Float64Array(0);
    return {
      logitGradient(s, out) {
        const n = s.n;
        const N = width;
        if (cap < n) {
          cap = n;
          y = new Float64Array(n * N);
          F = new Float64Array(n);
          dF = new Float64Array(n * N);
        }
        for (let r = 0; r < n; r++) {
          const u = r * s.noiseStride;
          for (let j = 0; j < N; j++) {
            const z = (s.logits[r * N + j] + logisticNoise(s.noise[u + j])) / tau;
            y[r * N + j] = 1 / (1 + Math.exp(-z));
          }
        }
        s.meanField!(y, F, dF);
        const len = n * N;
        for (let k = 0; k < len; k++) out[k] = (s.weight * dF[k] * y[k] * (1 - y[k])) / tau;
      },
    };
  },
};
