/**
 * NVIL at layer level (Mnih & Gregor 2014, ICML, §3 "variance reduction techniques": the
 * input-dependent baseline, the moving average and variance normalisation), for Bernoulli layers:
 *   ∂J/∂a_rj ≈ w·(h_rj − σ(a_rj))·(f_r − b(x_r) − c)/ν,   b(x) = ψᵀ[x; 1],   ν = max(1, √v),
 * where x_r is the network's input row (the layer's input-dependent baseline never reads h).
 * For a frozen state (ψ, c, v) it is exactly unbiased for ∇E[J]/ν, a known positive rescaling
 * (ν = 1, unbiased for ∇E[J] itself, while v ≤ 1 or with normalisation off). State advances only
 * through observe(), from the last estimate's signal s_r = f_r − b(x_r) and e_r = s_r − c:
 *   ψ ← ψ + lr·mean_r e_r·[x_r; 1]   (SGD on ½(f − c − b)², the paper's baseline objective)
 *   c ← α c + (1 − α) mean_r s_r,    v ← α v + (1 − α) mean_r e_r²   (α = `decay`)
 * Options: lr (1e-3), decay (0.8, the paper's), normalise (1 on, 0 off), inputBaseline (1: learn
 * ψ; 0: b ≡ 0). The baseline is linear in the input, as in src/estimators/nvil.ts (the paper's
 * MNIST baseline was a one-hidden-layer network).
 */
import { decayRule, resolveOptions, type OptionRule } from "./options.js";
import type { LayerEstimator, LayerEstimatorOptions, LayerEstimatorSpec, LayerSignals } from "./types.js";

const positiveRule: OptionRule = (v) => (Number.isFinite(v) && v > 0 ? null : "expected a finite number > 0");
const flagRule: OptionRule = (v) => (v === 0 || v === 1 ? null : "expected 0 or 1");

const DEFAULTS = { lr: 1e-3, decay: 0.8, normalise: 1, inputBaseline: 1 };

/** The NVIL layer estimator (module comment); its state is ψ (input width + 1), c and v. */
export function createLayerNvil(opt: LayerEstimatorOptions): LayerEstimator {
  let psi = new Float64Array(0);
  let cap = 0;
  let sig = new Float64Array(0);
  let e = new Float64Array(0);
  let c = 0;
  let v = 0;
  const ensure = (s: LayerSignals) => {
    if (psi.length !== s.inputWidth + 1) psi = new Float64Array(s.inputWidth + 1);
    if (cap < s.n) {
      cap = s.n;
      sig = new Float64Array(s.n);
      e = new Float64Array(s.n);
    }
  };
  const nu = () => (opt.normalise === 1 ? Math.max(1, Math.sqrt(v)) : 1);
  return {
    logitGradient(s, out) {
      ensure(s);
      const D = s.inputWidth;
      const N = s.width;
      const scale = s.weight / nu();
      for (let r = 0; r < s.n; r++) {
        let b = 0;
        if (opt.inputBaseline === 1) {
          b = psi[D];
          const x = r * D;
          for (let k = 0; k < D; k++) b += psi[k] * s.input[x + k];
        }
        sig[r] = s.losses[r] - b;
        e[r] = sig[r] - c;
        const o = r * N;
        for (let j = 0; j < N; j++) out[o + j] = scale * (s.h[o + j] - s.prob[o + j]) * e[r];
      }
    },
    observe(s) {
      const D = s.inputWidth;
      const n = s.n;
      let ms = 0;
      let me = 0;
      for (let r = 0; r < n; r++) {
        ms += sig[r];
        me += e[r] * e[r];
      }
      if (opt.inputBaseline === 1) {
        const step = opt.lr / n;
        for (let r = 0; r < n; r++) {
          const g = step * e[r];
          if (g === 0) continue;
          const x = r * D;
          for (let k = 0; k < D; k++) psi[k] += g * s.input[x + k];
          psi[D] += g;
        }
      }
      c = opt.decay * c + (1 - opt.decay) * (ms / n);
      v = opt.decay * v + (1 - opt.decay) * (me / n);
    },
    state: () => ({ psi: Array.from(psi), c, v }),
    restore(st) {
      psi = Float64Array.from(st.psi as number[]);
      c = st.c as number;
      v = st.v as number;
    },
  };
}

export const nvil: LayerEstimatorSpec = {
  id: "nvil",
  title: "NVIL (input-dependent baseline, variance normalisation)",
  formula: "w·(h − σ(a))·(f − ψᵀ[x; 1] − c)/max(1, √v)",
  source: "Mnih & Gregor 2014, ICML, NVIL §3 (layer form)",
  unbiased: true,
  units: ["bernoulli"],
  needsBackprop: false,
  propagates: false,
  defaults: DEFAULTS,
  reruns: () => 0,
  extraNoise: () => 0,
  options: (o) => resolveOptions("nvil", DEFAULTS, { lr: positiveRule, decay: decayRule, normalise: flagRule, inputBaseline: flagRule }, o),
  create: (_width, opt) => createLayerNvil(opt),
};
