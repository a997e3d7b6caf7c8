/**
 * The correlation estimator at layer level (Bengio 2013, arXiv 1305.2982, Theorem 1; REINFORCE,
 * Williams 1992), for Bernoulli layers:
 *   ∂J/∂a_rj ≈ w·(h_rj − σ(a_rj))·(f_r − b_j),   w = 1/n,
 * unbiased for any baseline b_j that does not depend on h. Baselines:
 *   correlation                 b = 0
 *   correlation-ma              b = L̃, L̃ ← β·L̃ + (1 − β)·mean_r f_r after each step
 *   correlation-optimal-online  b_j = MA[(h_j − σ_j)²·f] / MA[(h_j − σ_j)²]  (the variance-minimising
 *                               per-unit baseline of Theorem 1's corollary, tracked online; minibatch means)
 * With one row per minibatch these are the single-sample estimators `correlation`,
 * `correlation-ma` and `correlation-optimal-online` of src/estimators (the state advances the same way).
 */
import { decayRule, finiteRule, resolveOptions } from "./options.js";
import type { LayerEstimator, LayerEstimatorOptions, LayerEstimatorSpec, LayerSignals } from "./types.js";

type Baseline = "none" | "moving-average" | "optimal-online";

/** out = w·(h − σ)·(f − b) with a per-unit baseline b (width). */
function correlationGradient(s: LayerSignals, b: Float64Array, out: Float64Array): void {
  const N = s.width;
  for (let r = 0; r < s.n; r++) {
    const fr = s.losses[r];
    const o = r * N;
    for (let j = 0; j < N; j++) out[o + j] = s.weight * (s.h[o + j] - s.prob[o + j]) * (fr - b[j]);
  }
}

function make(id: string, kind: Baseline, title: string, formula: string, defaults: LayerEstimatorOptions): LayerEstimatorSpec {
  const rules = { decay: decayRule, initial: finiteRule };
  return {
    id,
    title,
    formula,
    source: "Bengio 2013, arXiv 1305.2982, Theorem 1 and its optimal-baseline corollary (layer form)",
    unbiased: true,
    units: ["bernoulli"],
    needsBackprop: false,
    propagates: false,
    defaults,
    reruns: () => 0,
    extraNoise: () => 0,
    singleSample: { id, on: "sigmoid belief nets (every layer), one row per minibatch" },
    options: (o) => resolveOptions(id, defaults, rules, o),
    create(width, opt): LayerEstimator {
      const b = new Float64Array(width);
      const num = new Float64Array(width);
      const den = new Float64Array(width);
      let ma = opt.initial ?? 0;
      if (kind === "moving-average") b.fill(ma);
      const est: LayerEstimator = {
        logitGradient: (s, out) => correlationGradient(s, b, out),
      };
      if (kind === "moving-average") {
        est.observe = (s) => {
          let m = 0;
          for (let r = 0; r < s.n; r++) m += s.losses[r];
          ma = opt.decay * ma + (1 - opt.decay) * (m / s.n);
          b.fill(ma);
        };
        est.state = () => ({ baseline: ma });
        est.restore = (st) => {
          ma = st.baseline as number;
          b.fill(ma);
        };
      } else if (kind === "optimal-online") {
        est.observe = (s) => {
          const beta = opt.decay;
          const N = s.width;
          for (let j = 0; j < N; j++) {
            let nu = 0;
            let de = 0;
            for (let r = 0; r < s.n; r++) {
              const d = s.h[r * N + j] - s.prob[r * N + j];
              nu += d * d * s.losses[r];
              de += d * d;
            }
            num[j] = beta * num[j] + (1 - beta) * (nu / s.n);
            den[j] = beta * den[j] + (1 - beta) * (de / s.n);
            b[j] = den[j] > 0 ? num[j] / den[j] : 0;
          }
        };
        est.state = () => ({ num: Array.from(num), den: Array.from(den), baseline: Array.from(b) });
        est.restore = (st) => {
          num.set(st.num as number[]);
          den.set(st.den as number[]);
          b.set(st.baseline as number[]);
        };
      }
      return est;
    },
  };
}

export const correlation = make("correlation", "none", "Correlation (Thm 1), no baseline", "w·(h − σ(a))·f", {});
export const correlationMovingAverage = make("correlation-ma", "moving-average", "Correlation, moving-average baseline", "w·(h − σ(a))·(f − L̃), L̃ ← βL̃ + (1−β)·mean f", { decay: 0.9, initial: 0 });
export const correlationOptimalOnline = make("correlation-optimal-online", "optimal-online", "Correlation, optimal baseline (online)", "w·(h_j − σ_j)·(f − L̄_j), L̄_j = MA[(h_j−σ_j)²f]/MA[(h_j−σ_j)²]", { decay: 0.9 });
