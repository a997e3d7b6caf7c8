/**
 * MuProp at layer level (Gu, Levine, Sutskever & Mnih 2016, ICLR, §3 and Algorithm 1), for
 * Bernoulli layers: the likelihood-ratio estimator with the first-order Taylor expansion of the
 * loss around the mean-field value h̄ = σ(a) as a control variate, plus its analytic mean:
 *   ∂J/∂a_rj ≈ w·[(f_r − f̄_r − Σ_i f̄'_ri(h_ri − h̄_ri) − c)·(h_rj − σ(a_rj)) + f̄'_rj·σ'(a_rj)],
 * with f̄_r = f_r(h̄_r) and f̄'_r = ∂f_r/∂h at h̄_r from the network's mean-field pass (later
 * stochastic layers at their means) and its back-propagation. Unbiased: f̄, f̄' and h̄ depend on a
 * only, and the Taylor term is linear in h whose units are independent given a, so its
 * expectation f̄'ᵀ(σ(a) − h̄) = 0 has the gradient f̄'·σ'(a) that the second term adds back.
 * Option `baselineDecay` β: 0 (default, the paper's plain MuProp) = no baseline; β ∈ (0, 1) adds a
 * moving-average baseline c of the minibatch-mean residual, advanced by observe() only.
 * With one row per minibatch it is the single-sample `muprop` of src/estimators/muprop.ts on
 * belief nets with one stochastic layer.
 */
import type { OptionRule } from "./options.js";
import { resolveOptions } from "./options.js";
import type { LayerEstimator, LayerEstimatorOptions, LayerEstimatorSpec, LayerSignals } from "./types.js";

const baselineRule: OptionRule = (v) => (Number.isFinite(v) && v >= 0 && v < 1 ? null : "expected 0 (no baseline) or a moving-average decay in (0, 1)");

/**
 * A MuProp layer estimator (module comment); `analytic = false` drops the analytic term f̄'·σ'(a),
 * the negative control of its unbiasedness test (biased by −w·f̄'σ'(a) on average).
 */
export function createLayerMuprop(width: number, opt: LayerEstimatorOptions, analytic = true): LayerEstimator {
  let cap = 0;
  let fBar = new Float64Array(0);
  let dBar = new Float64Array(0);
  let resid = new Float64Array(0);
  let c = 0;
  const beta = opt.baselineDecay;
  const est: LayerEstimator = {
    logitGradient(s: LayerSignals, out: Float64Array) {
      const n = s.n;
      const N = width;
      if (cap < n) {
        cap = s.n;
        fBar = new Float64Array(n);
        dBar = new Float64Array(n * N);
        resid = new Float64Array(n);
      }
      s.meanField!(s.prob, fBar, dBar);
      for (let r = 0; r < n; r++) {
        const o = r * N;
        let taylor = 0;
        for (let i = 0; i < N; i++) taylor += dBar[o + i] * (s.h[o + i] - s.prob[o + i]);
        const res = s.losses[r] - fBar[r] - taylor;
        resid[r] = res;
        const cr = res - c;
        for (let j = 0; j < N; j++) {
          const p = s.prob[o + j];
          out[o + j] = s.weight * (cr * (s.h[o + j] - p) + (analytic ? dBar[o + j] * p * (1 - p) : 0));
        }
      }
    },
  };
  if (beta > 0) {
    est.observe = (s) => {
      let m = 0;
      for (let r = 0; r < s.n; r++) m += resid[r];
      c = beta * c + (1 - beta) * (m / s.n);
    };
    est.state = () => ({ baseline: c });
    est.restore = (st) => {
      c = st.baseline as number;
    };
  }
  return est;
}

export const muprop: LayerEstimatorSpec = {
  id: "muprop",
  title: "MuProp (Taylor control variate at the mean field)",
  formula: "w·[(f − f̄ − f̄'ᵀ(h − h̄) − c)·(h − σ(a)) + f̄'·σ'(a)],  h̄ = σ(a)",
  source: "Gu, Levine, Sutskever & Mnih 2016, ICLR, MuProp §3 (Algorithm 1), layer form",
  unbiased: true,
  units: ["bernoulli"],
  needsBackprop: false,
  propagates: false,
  needsMeanField: true,
  defaults: { baselineDecay: 0 },
  reruns: () => 1,
  extraNoise: () => 0,
  singleSample: { id: "muprop", on: "belief nets with one stochastic layer, one row per minibatch" },
  options: (o) => resolveOptions("muprop", { baselineDecay: 0 }, { baselineDecay: baselineRule }, o),
  create: (width, opt) => createLayerMuprop(width, opt),
};
