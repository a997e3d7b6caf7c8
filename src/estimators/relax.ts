/**
 * RELAX (Grathwohl, Choi, Wu, Roeder & Duvenaud 2018, "Backpropagation through the Void", ICLR,
 * §3.3 "discrete" RELAX, eq. 8 and Algorithm 2): REBAR with a free-form learned control variate c_φ:
 *   ĝ = [f(b) − c_φ(z̃)] ∇θ log p(b) + ∇θ c_φ(z) − ∇θ c_φ(z̃),
 *   z = a + ℓ(u), b = H(z), z̃ ~ p(z | b) (conditional reparameterisation, relaxation.ts),
 *   c_φ(z) = η f(σ_λ(z)) + r_ρ(z),   r_ρ(z) = Σ_h w2_h tanh(Σᵢ W1_hi σ(zᵢ) + b1_h) + b2
 * (the paper's REBAR term plus a one-hidden-layer network, as in its experiments).
 * Unbiased for every φ = (η, W1, b1, w2, b2). φ is trained by minimising the variance:
 *   ∇φ Var[ĝ] = ∇φ E[‖ĝ‖²] = E[2 Σ_k ĝ_k ∂ĝ_k/∂φ]   (E[ĝ] does not depend on φ),
 * one single-sample step of Adam per `observe()` (Algorithm 2); φ includes log λ (the paper
 * learns the temperature too), initialised from option `temperature`.
 * Four loss-shaped evaluations per estimate: f(b), f(σ_λ(z)), f(σ_λ(z̃)) and the two network
 * passes; `lossEvaluations` counts the three evaluations of f.
 *
 * Noise ("custom"): 2n uniforms: u (unit order) then v (unit order), as REBAR.
 * Exact moments for a single unit (at the current φ): nested quadrature over (u, v).
 * The network's initial W1 comes from Stream.fromSeed(`relax/${seed}`) (option seed); w2 = 0,
 * so RELAX starts as REBAR with the same η, λ.
 */
import { Adam } from "../optim/adam.js";
import { type BinaryProblem } from "../problems/types.js";
import { Stream } from "../random/stream.js";
import { ConcreteControl, rebarReason } from "./rebar.js";
import { requireTemperature } from "./relaxation.js";
import { attachSingleUnitQuadrature } from "./single-unit-quadrature.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";
import { InputError } from "../errors.js";
import { resolveOptions } from "./options.js";

export interface RelaxOptions {
  eta: number;
  temperature: number;
  hidden: number;
  lr: number;
  seed: number;
}

/** A RELAX instance with its control-variate parameters φ exposed (for tests and records). */
export interface RelaxInstance extends EstimatorInstance {
  /** φ = [η, W1 (H×n row-major), b1 (H), w2 (H), b2, log λ] */
  readonly phi: Float64Array;
  /** ∂‖ĝ‖²/∂φ at the last estimate (written to out; length phi.length) */
  varianceGradient(theta: Float64Array, out: Float64Array): void;
}

/** RELAX instance; `throughU = false` is the negative control dz̃/da := 1. */
export function createRelax(problem: BinaryProblem, o: RelaxOptions, throughU = true): RelaxInstance {
  const cc = new ConcreteControl(problem, throughU);
  const n = cc.n;
  const H = o.hidden;
  const P = problem.nParams;
  // φ layout
  const iW1 = 1;
  const iB1 = iW1 + H * n;
  const iW2 = iB1 + H;
  const iB2 = iW2 + H;
  const iRho = iB2 + 1;
  const phi = new Float64Array(iRho + 1);
  phi[0] = o.eta;
  phi[iRho] = Math.log(o.temperature);
  const init = Stream.fromSeed(`relax/${o.seed}`);
  for (let k = 0; k < H * n; k++) phi[iW1 + k] = init.normal() / Math.sqrt(n);
  const adam = new Adam(phi.length, { lr: o.lr });
  // per-estimate caches
  const gz = new Float64Array(n);
  const gzt = new Float64Array(n);
  const dgz = new Float64Array(n);
  const dgzt = new Float64Array(n);
  let dFt = 0;
  let lambda = o.temperature;
  const q = new Float64Array(n);
  const qt = new Float64Array(n);
  const t = new Float64Array(H);
  const tt = new Float64Array(H);
  const R = new Float64Array(n);
  const Rt = new Float64Array(n);
  const gA = new Float64Array(n);
  const lastG = new Float64Array(P);
  const e = new Float64Array(n);
  const tmp = new Float64Array(P);
  const dphi = new Float64Array(phi.length);
  let Ft = 0;
  let lastTheta: Float64Array | null = null;

  /** r(z) and R_i = ∂r/∂z_i; caches σ(z) in qq and tanh in tv. */
  const net = (z: Float64Array, qq: Float64Array, tv: Float64Array, Rout: Float64Array): number => {
    for (let i = 0; i < n; i++) qq[i] = 1 / (1 + Math.exp(-z[i]));
    let r = phi[iB2];
    Rout.fill(0);
    for (let h = 0; h < H; h++) {
      let pre = phi[iB1 + h];
      const row = iW1 + h * n;
      for (let i = 0; i < n; i++) pre += phi[row + i] * qq[i];
      const th = Math.tanh(pre);
      tv[h] = th;
      const w2 = phi[iW2 + h];
      r += w2 * th;
      const c = w2 * (1 - th * th);
      if (c !== 0) for (let i = 0; i < n; i++) Rout[i] += c * phi[row + i] * qq[i] * (1 - qq[i]);
    }
    return r;
  };

  const inst: RelaxInstance = {
    phi,
    noiseSize: 2 * n,
    lossEvaluations: 3,
    estimate(theta, noise, out) {
      cc.view.logits(theta);
      const s = cc.view.ws.s;
      const fb = cc.sample(theta, noise);
      const eta = phi[0];
      lambda = Math.exp(phi[iRho]);
      cc.relaxed(cc.z, lambda, gz);
      cc.lambdaDerivatives(cc.z, lambda, dgz);
      Ft = cc.relaxed(cc.zt, lambda, gzt);
      dFt = cc.lambdaDerivatives(cc.zt, lambda, dgzt);
      net(cc.z, q, t, R);
      const rt = net(cc.zt, qt, tt, Rt);
      const ct = eta * Ft + rt;
      for (let i = 0; i < n; i++) gA[i] = (fb - ct) * (cc.b[i] - s[i]) + (eta * gz[i] + R[i]) - (eta * gzt[i] + Rt[i]) * cc.dzt[i];
      cc.view.chain(theta, gA, out);
      lastG.set(out);
      lastTheta = theta;
      return fb;
    },
    varianceGradient(theta, out) {
      const s = cc.view.ws.s;
      // e_i = Σ_k J_ik ĝ_k : ‖ĝ‖² = Σ_k ĝ_k², ĝ = Jᵀ g  ⇒  ∂‖ĝ‖²/∂φ = 2 Σ_i e_i ∂g_i/∂φ
      for (let i = 0; i < n; i++) {
        tmp.fill(0);
        cc.view.problem.addLogitGradient(theta, cc.view.ws, i, 1, tmp);
        let d = 0;
        for (let k = 0; k < P; k++) d += tmp[k] * lastG[k];
        e[i] = 2 * d;
      }
      out.fill(0);
      for (let i = 0; i < n; i++) {
        const ei = e[i];
        if (ei === 0) continue;
        const si = cc.b[i] - s[i];
        const Di = cc.dzt[i];
        const k = q[i] * (1 - q[i]);
        const kt = qt[i] * (1 - qt[i]);
        out[0] += ei * (-Ft * si + gz[i] - gzt[i] * Di);
        out[iRho] += ei * phi[0] * lambda * (-dFt * si + dgz[i] - dgzt[i] * Di);
        out[iB2] += ei * -si;
        for (let h = 0; h < H; h++) {
          const w1 = phi[iW1 + h * n + i];
          const w2 = phi[iW2 + h];
          const d = 1 - t[h] * t[h];
          const dt = 1 - tt[h] * tt[h];
          out[iW2 + h] += ei * (-tt[h] * si + d * w1 * k - dt * w1 * kt * Di);
          out[iB1 + h] += ei * w2 * (-dt * si - 2 * t[h] * d * w1 * k + 2 * tt[h] * dt * w1 * kt * Di);
          const row = iW1 + h * n;
          for (let j = 0; j < n; j++) {
            const dz = -2 * t[h] * d * q[j] * w1 * k + (i === j ? d * k : 0);
            const dzt = -2 * tt[h] * dt * qt[j] * w1 * kt + (i === j ? dt * kt : 0);
            out[row + j] += ei * w2 * (-dt * qt[j] * si + dz - dzt * Di);
          }
        }
      }
    },
    observe() {
      if (!lastTheta) return;
      inst.varianceGradient(lastTheta, dphi);
      adam.step(phi, dphi);
    },
    describeState: () => ({ eta: phi[0], lambda: Math.exp(phi[iRho]), phi: Array.from(phi), steps: adam.t }),
  };
  return attachSingleUnitQuadrature(problem, inst, true, "relax") as RelaxInstance;
}

export const relax: EstimatorSpec = {
  id: "relax",
  title: "RELAX (learned control variate)",
  formula: "[f(b) − c_φ(z̃)]∇log p(b) + ∇c_φ(z) − ∇c_φ(z̃), φ ← Adam on ∇φ‖ĝ‖²",
  source: "Grathwohl, Choi, Wu, Roeder & Duvenaud 2018, ICLR, RELAX §3.3 (eq. 8, Algorithm 2)",
  unbiased: true,
  noise: "custom",
  defaults: { eta: 1, temperature: 0.5, hidden: 8, lr: 0.01, seed: 0 },
  domains: { eta: {}, temperature: { min: 0, minOpen: true, why: "the relaxation temperature τ" }, hidden: { integer: true, min: 0, max: 1024 }, lr: { min: 0, minOpen: true }, seed: {} },
  applicable: rebarReason,
  create(problem, _theta, options = {}) {
    const o = resolveOptions(this, options) as unknown as RelaxOptions;
    if (!Number.isFinite(o.eta)) throw new InputError(`relax option eta: expected a finite number, got ${o.eta}`);
    if (!Number.isInteger(o.hidden) || o.hidden < 0 || o.hidden > 1024) throw new InputError(`relax option hidden: expected an integer in [0, 1024], got ${o.hidden}`);
    if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new InputError(`relax option lr: expected a finite number > 0, got ${o.lr}`);
    return createRelax(problem, { ...o, temperature: requireTemperature(o.temperature, "relax option temperature") });
  },
};
