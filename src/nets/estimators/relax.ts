/**
 * RELAX at layer level (Grathwohl, Choi, Wu, Roeder & Duvenaud 2018, ICLR, "Backpropagation
 * through the Void", §3.3 eq. 8 and Algorithm 2), for Bernoulli layers: REINFORCE with a learned
 * control variate c_φ evaluated at the conditional relaxation, made unbiased by its
 * reparameterised correction. Per example r and unit j, with z = a + ℓ(u), h = H(z) = 1[u < σ(a)]
 * (the layer's main sample), z̃ ~ p(z | h) from the extra uniforms v (src/estimators/relaxation.ts,
 * conditionalLogistic) and D = dz̃/da:
 *   ∂J/∂a_rj ≈ w·[(f_r − c_φ(z̃_r))·(h_rj − σ(a_rj)) + ∂c_φ(z_r)/∂z_rj − ∂c_φ(z̃_r)/∂z̃_rj·D_rj],
 *   c_φ(z) = η·f(σ(z/λ)) + r_ρ(z),   r_ρ(z) = Σ_k w2_k tanh(Σ_j W1_kj σ(z_j) + b1_k) + b2,
 * f(σ(z/λ)) and its gradient from the network's mean-field pass at σ(z/λ) (later stochastic layers
 * at their means). Unbiased for every frozen φ = (η, W1, b1, w2, b2).
 *
 * φ is trained by Adam (lr option) in observe() on the gradient of Σ_rj ĝ_rj² — the squared
 * per-example logit gradients, a surrogate of the parameter-gradient variance (E[ĝ] does not
 * depend on φ, so this descends its second moment) — computed analytically (ĝ is linear in η and
 * needs only first derivatives of f). The temperature λ is held at option `temperature`: its
 * variance gradient needs ∂²f/∂h∂λ, which the network does not provide (the paper learns λ too).
 * r_ρ starts at 0 (w2 = 0, W1 ~ N(0, 1/width) from Stream.fromSeed(`relax/${seed}`)), so RELAX
 * starts as REBAR (Tucker et al. 2017) with η = `eta`.
 * Noise: per row [u (width) | v (width)]. Cost: two mean-field passes with their backward passes.
 */
import { conditionalLogistic, logisticNoise } from "../../estimators/relaxation.js";
import { Adam } from "../../optim/adam.js";
import { Stream } from "../../random/stream.js";
import { gemm } from "../ops.js";
import { temperatureRule } from "./gumbel-softmax.js";
import { finiteRule, resolveOptions, type OptionRule } from "./options.js";
import type { LayerEstimator, LayerEstimatorOptions, LayerEstimatorSpec, LayerSignals } from "./types.js";

const hiddenRule: OptionRule = (v) => (Number.isInteger(v) && v >= 1 && v <= 4096 ? null : "expected an integer number of hidden units in [1, 4096]");
const lrRule: OptionRule = (v) => (Number.isFinite(v) && v > 0 ? null : "expected a finite learning rate > 0");
const seedRule: OptionRule = (v) => (Number.isInteger(v) && v >= 0 ? null : "expected an integer seed ≥ 0");

const DEFAULTS = { eta: 1, temperature: 0.5, hidden: 32, lr: 1e-3, seed: 0 };

/** A RELAX layer estimator with its control-variate parameters exposed (tests freeze or set them). */
export interface LayerRelax extends LayerEstimator {
  /** φ = [η, W1 (hidden×width, row-major), b1 (hidden), w2 (hidden), b2] */
  readonly phi: Float64Array;
  /** out (φ-shaped) ← ∂(Σ_rj ĝ_rj²)/∂φ at the last estimate (ĝ without the weight w) */
  varianceGradient(out: Float64Array): void;
}

/** Per-example tensors of one relaxed point (z or z̃): n×N and n×H. */
class Point {
  readonly z: Float64Array;
  readonly q: Float64Array;
  readonly k: Float64Array;
  readonly g: Float64Array;
  readonly F: Float64Array;
  readonly y: Float64Array;
  readonly t: Float64Array;
  readonly d: Float64Array;
  readonly R: Float64Array;
  readonly r: Float64Array;
  constructor(n: number, N: number, H: number) {
    this.z = new Float64Array(n * N);
    this.q = new Float64Array(n * N);
    this.k = new Float64Array(n * N);
    this.g = new Float64Array(n * N);
    this.F = new Float64Array(n);
    this.y = new Float64Array(n * N);
    this.t = new Float64Array(n * H);
    this.d = new Float64Array(n * H);
    this.R = new Float64Array(n * N);
    this.r = new Float64Array(n);
  }
}

/**
 * The RELAX layer estimator (module comment). `throughU = false` is the negative control: the
 * classic slip dz̃/da := 1 (treating the conditional uniform as fixed), biased.
 */
export function createLayerRelax(width: number, opt: LayerEstimatorOptions, throughU = true): LayerRelax {
  const N = width;
  const H = opt.hidden;
  const lambda = opt.temperature;
  const iW1 = 1;
  const iB1 = iW1 + H * N;
  const iW2 = iB1 + H;
  const iB2 = iW2 + H;
  const phi = new Float64Array(iB2 + 1);
  phi[0] = opt.eta;
  const init = Stream.fromSeed(`relax/${opt.seed}`);
  for (let k = 0; k < H * N; k++) phi[iW1 + k] = init.normal() / Math.sqrt(N);
  const W1 = phi.subarray(iW1, iB1);
  const adam = new Adam(phi.length, { lr: opt.lr });
  const dphi = new Float64Array(phi.length);
  let cap = 0;
  let n = 0;
  let P = new Point(0, N, H);
  let T = new Point(0, N, H);
  let score = new Float64Array(0);
  let D = new Float64Array(0);
  let G = new Float64Array(0);
  let E = new Float64Array(0);
  let EK = new Float64Array(0);
  let S = new Float64Array(0);
  let A = new Float64Array(0);
  let At = new Float64Array(0);
  let C = new Float64Array(0);
  let seen = false;
  const pair = new Float64Array(2);

  /** q = σ(z), k = q(1 − q), r = r_ρ(z), R = ∂r/∂z; then y = σ(z/λ), F = f(y), g = ∂f(σ(z/λ))/∂z. */
  const evaluate = (s: LayerSignals, p: Point) => {
    const len = n * N;
    for (let i = 0; i < len; i++) {
      const q = 1 / (1 + Math.exp(-p.z[i]));
      p.q[i] = q;
      p.k[i] = q * (1 - q);
      p.y[i] = 1 / (1 + Math.exp(-p.z[i] / lambda));
    }
    // pre-activations t = q·W1ᵀ + b1 (n×H), then tanh
    gemm(false, true, n, H, N, 1, p.q, N, W1, N, 0, p.t, H);
    for (let r = 0; r < n; r++) {
      let acc = phi[iB2];
      for (let h = 0; h < H; h++) {
        const th = Math.tanh(p.t[r * H + h] + phi[iB1 + h]);
        p.t[r * H + h] = th;
        p.d[r * H + h] = 1 - th * th;
        acc += phi[iW2 + h] * th;
        C[r * H + h] = phi[iW2 + h] * (1 - th * th);
      }
      p.r[r] = acc;
    }
    gemm(false, false, n, N, H, 1, C, H, W1, N, 0, p.R, N);
    for (let i = 0; i < len; i++) p.R[i] *= p.k[i];
    s.meanField!(p.y, p.F, p.g);
    for (let i = 0; i < len; i++) p.g[i] *= (p.y[i] * (1 - p.y[i])) / lambda;
  };

  const est: LayerRelax = {
    phi,
    logitGradient(s, out) {
      n = s.n;
      if (cap < n) {
        cap = n;
        P = new Point(n, N, H);
        T = new Point(n, N, H);
        score = new Float64Array(n * N);
        D = new Float64Array(n * N);
        G = new Float64Array(n * N);
        E = new Float64Array(n * N);
        EK = new Float64Array(n * N);
        S = new Float64Array(n);
        A = new Float64Array(n * H);
        At = new Float64Array(n * H);
        C = new Float64Array(n * H);
      }
      for (let r = 0; r < n; r++) {
        const o = r * s.noiseStride;
        for (let j = 0; j < N; j++) {
          const i = r * N + j;
          const a = s.logits[i];
          const p = s.prob[i];
          P.z[i] = a + logisticNoise(s.noise[o + j]);
          conditionalLogistic(a, p, s.h[i], s.noise[o + N + j], pair, throughU);
          T.z[i] = pair[0];
          D[i] = pair[1];
          score[i] = s.h[i] - p;
        }
      }
      evaluate(s, P);
      evaluate(s, T);
      const eta = phi[0];
      for (let r = 0; r < n; r++) {
        const lr = s.losses[r] - eta * T.F[r] - T.r[r];
        for (let j = 0; j < N; j++) {
          const i = r * N + j;
          G[i] = lr * score[i] + eta * P.g[i] + P.R[i] - (eta * T.g[i] + T.R[i]) * D[i];
          out[i] = s.weight * G[i];
        }
      }
      seen = true;
    },
    varianceGradient(o) {
      // e = 2ĝ; S_r = Σ_j e_rj s_rj; A = (e∘k)·W1ᵀ, Ã = (e∘k̃∘D)·W1ᵀ (n×H)
      const len = n * N;
      o.fill(0);
      for (let i = 0; i < len; i++) E[i] = 2 * G[i];
      for (let r = 0; r < n; r++) {
        let sr = 0;
        let de = 0;
        for (let j = 0; j < N; j++) {
          const i = r * N + j;
          sr += E[i] * score[i];
          de += E[i] * (-T.F[r] * score[i] + P.g[i] - T.g[i] * D[i]);
        }
        S[r] = sr;
        o[0] += de;
        o[iB2] -= sr;
      }
      for (let i = 0; i < len; i++) EK[i] = E[i] * P.k[i];
      gemm(false, true, n, H, N, 1, EK, N, W1, N, 0, A, H);
      for (let i = 0; i < len; i++) EK[i] = E[i] * T.k[i] * D[i];
      gemm(false, true, n, H, N, 1, EK, N, W1, N, 0, At, H);
      // dw2, db1, and the row coefficients α (into A) and β (into At) of dW1 = diag(w2)·[αᵀq + βᵀq̃ + dᵀ(e∘k) − d̃ᵀ(e∘k̃∘D)]
      for (let r = 0; r < n; r++) {
        for (let h = 0; h < H; h++) {
          const x = r * H + h;
          const t = P.t[x];
          const d = P.d[x];
          const tt = T.t[x];
          const dt = T.d[x];
          const w2 = phi[iW2 + h];
          o[iW2 + h] += -tt * S[r] + d * A[x] - dt * At[x];
          const alpha = -2 * t * d * A[x];
          const beta = -dt * S[r] + 2 * tt * dt * At[x];
          o[iB1 + h] += w2 * (alpha + beta);
          A[x] = alpha;
          At[x] = beta;
        }
      }
      const dW1 = o.subarray(iW1, iB1);
      gemm(true, false, H, N, n, 1, A, H, P.q, N, 0, dW1, N);
      gemm(true, false, H, N, n, 1, At, H, T.q, N, 1, dW1, N);
      for (let i = 0; i < len; i++) EK[i] = E[i] * P.k[i];
      gemm(true, false, H, N, n, 1, P.d, H, EK, N, 1, dW1, N);
      for (let i = 0; i < len; i++) EK[i] = E[i] * T.k[i] * D[i];
      gemm(true, false, H, N, n, -1, T.d, H, EK, N, 1, dW1, N);
      for (let h = 0; h < H; h++) {
        const w2 = phi[iW2 + h];
        for (let j = 0; j < N; j++) dW1[h * N + j] *= w2;
      }
    },
    observe() {
      if (!seen) return;
      est.varianceGradient(dphi);
      adam.step(phi, dphi);
    },
    state: () => ({ phi: Array.from(phi), t: adam.t, m: Array.from(adam.m), v: Array.from(adam.v) }),
    restore(st) {
      phi.set(st.phi as number[]);
      adam.t = st.t as number;
      adam.m.set(st.m as number[]);
      adam.v.set(st.v as number[]);
    },
  };
  return est;
}

export const relax: LayerEstimatorSpec = {
  id: "relax",
  title: "RELAX (learned control variate on the Concrete relaxation)",
  formula: "w·[(f − c_φ(z̃))·(h − σ(a)) + ∂c_φ(z)/∂z − ∂c_φ(z̃)/∂z̃·dz̃/da],  c_φ = η f(σ(z/λ)) + r_ρ(z)",
  source: "Grathwohl, Choi, Wu, Roeder & Duvenaud 2018, ICLR, RELAX §3.3 (eq. 8, Algorithm 2), layer form",
  unbiased: true,
  units: ["bernoulli"],
  needsBackprop: false,
  propagates: false,
  needsMeanField: true,
  defaults: DEFAULTS,
  reruns: () => 2,
  extraNoise: () => 1,
  options: (o) => resolveOptions("relax", DEFAULTS, { eta: finiteRule, temperature: temperatureRule, hidden: hiddenRule, lr: lrRule, seed: seedRule }, o),
  create: (width, opt) => createLayerRelax(width, opt),
};
