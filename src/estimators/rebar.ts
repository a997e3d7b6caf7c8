/**
 * REBAR (Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein 2017, NeurIPS, §3, eq. 6): REINFORCE
 * with the Concrete relaxation as a control variate, made unbiased by the conditional
 * reparameterisation z̃ ~ p(z | b):
 *   ĝ = [f(b) − η f(σ_λ(z̃))] ∇θ log p(b) + η ∇θ f(σ_λ(z)) − η ∇θ f(σ_λ(z̃)),
 *   z = a + ℓ(u), b = H(z) = 1[u < σ(a)], z̃ = a + ℓ(u′(v, b, θ)), σ_λ(z) = σ(z/λ),
 * with ∇θ log p(b) = Σᵢ (bᵢ − σ(aᵢ)) ∂aᵢ/∂θ and z̃ differentiated through u′ (relaxation.ts).
 * Unbiased for every η and λ > 0; three loss evaluations (f(b), f(σ_λ(z)), f(σ_λ(z̃))).
 * η and λ are options; option `tune` > 0 tunes η and log λ online by Adam (lr = tune) on the
 * single-sample variance gradient (paper §3.3). Factorised layers with a continuous loss.
 *
 * Noise ("custom"): 2n uniforms: u (unit order, draws b and z), then v (unit order, draws z̃ | b).
 * Exact moments for a single unit: nested quadrature over (u, v), u split at σ(a).
 */
import { type BinaryProblem } from "../problems/types.js";
import { FactorizedView, factorizedReason } from "./factorized.js";
import { conditionalLogistic, continuousLoss, logisticNoise, relaxationReason, requireTemperature, type ContinuousLoss } from "./relaxation.js";
import { attachSingleUnitQuadrature } from "./single-unit-quadrature.js";
import { SigmoidBeliefNet } from "../problems/sbn.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";
import { Adam } from "../optim/adam.js";
import { InputError } from "../errors.js";
import { resolveOptions } from "./options.js";

/** Applicable iff factorised and relaxable. */
export function rebarReason(problem: BinaryProblem): string | null {
  return factorizedReason(problem) ?? relaxationReason(problem);
}

/**
 * Shared buffers of REBAR/RELAX for a factorised relaxable problem: samples z, b, z̃, dz̃/da and
 * the relaxed loss f(σ_λ(·)) with its per-unit derivative ∂f(σ_λ(z))/∂zᵢ.
 */
export class ConcreteControl {
  readonly view: FactorizedView;
  readonly loss: ContinuousLoss;
  readonly n: number;
  readonly z: Float64Array;
  readonly b: Float64Array;
  readonly zt: Float64Array;
  readonly dzt: Float64Array;
  readonly y: Float64Array;
  readonly dy: Float64Array;
  private readonly yp: Float64Array;
  private readonly hess: Float64Array;
  private readonly pair = new Float64Array(2);
  constructor(problem: BinaryProblem, readonly throughU = true) {
    const why = rebarReason(problem);
    if (why) throw new Error(why);
    this.view = new FactorizedView(problem);
    this.loss = continuousLoss((problem as SigmoidBeliefNet).loss)!;
    const n = (this.n = problem.nUnits);
    this.z = new Float64Array(n);
    this.b = new Float64Array(n);
    this.zt = new Float64Array(n);
    this.dzt = new Float64Array(n);
    this.y = new Float64Array(n);
    this.dy = new Float64Array(n);
    this.yp = new Float64Array(n);
    this.hess = new Float64Array(n * n);
  }
  /** Draw z, b from u and z̃ | b from v (noise = [u, v]); returns f(b). Needs view.logits(θ) first. */
  sample(theta: Float64Array, noise: Float64Array): number {
    const { n, view } = this;
    const a = view.ws.a;
    const s = view.ws.s;
    for (let i = 0; i < n; i++) {
      const u = noise[i];
      this.b[i] = +(u < s[i]);
      this.z[i] = a[i] + logisticNoise(u);
      conditionalLogistic(a[i], s[i], this.b[i], noise[n + i], this.pair, this.throughU);
      this.zt[i] = this.pair[0];
      this.dzt[i] = this.pair[1];
    }
    return view.loss(theta, this.b);
  }
  /** F = f(σ(z/λ)); grad[i] = ∂F/∂zᵢ. Shapes: z, grad (n). */
  relaxed(z: Float64Array, lambda: number, grad: Float64Array): number {
    const { n, y, dy } = this;
    for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-z[i] / lambda));
    const F = this.loss.value(y, 0);
    this.loss.grad(y, 0, dy);
    for (let i = 0; i < n; i++) grad[i] = (dy[i] * y[i] * (1 - y[i])) / lambda;
    return F;
  }
  /**
   * λ-derivatives of the last `relaxed(z, λ, ·)` call (same z, λ): returns ∂F/∂λ and writes
   * dgrad[i] = ∂²F/∂λ∂zᵢ. With y = σ(z/λ), y′ = ∂y/∂λ = −y(1−y)z/λ²:
   *   ∂F/∂λ = Σⱼ f′ⱼ y′ⱼ,   ∂(f′ᵢ yᵢ(1−yᵢ)/λ)/∂λ = (Σⱼ f″ᵢⱼ y′ⱼ) yᵢ(1−yᵢ)/λ + f′ᵢ[(1−2yᵢ)y′ᵢ/λ − yᵢ(1−yᵢ)/λ²].
   */
  lambdaDerivatives(z: Float64Array, lambda: number, dgrad: Float64Array): number {
    const { n, y, dy, yp, hess } = this;
    this.loss.hessian(y, 0, hess);
    let dF = 0;
    for (let j = 0; j < n; j++) {
      yp[j] = (-y[j] * (1 - y[j]) * z[j]) / (lambda * lambda);
      dF += dy[j] * yp[j];
    }
    for (let i = 0; i < n; i++) {
      let hy = 0;
      for (let j = 0; j < n; j++) hy += hess[i * n + j] * yp[j];
      const v = y[i] * (1 - y[i]);
      dgrad[i] = (hy * v) / lambda + dy[i] * (((1 - 2 * y[i]) * yp[i]) / lambda - v / (lambda * lambda));
    }
    return dF;
  }
}

/** A REBAR instance with its (possibly tuned) η and λ exposed. */
export interface RebarInstance extends EstimatorInstance {
  /** current η */
  eta(): number;
  /** current λ */
  lambda(): number;
  /** [∂‖ĝ‖²/∂η, ∂‖ĝ‖²/∂log λ] at the last estimate (out length 2) */
  tuningGradient(theta: Float64Array, out: Float64Array): void;
}

/**
 * REBAR instance; `throughU = false` is the negative control dz̃/da := 1. With `tuneLr > 0`, η and
 * log λ are tuned online as in Tucker et al. 2017 §3.3: after each estimate, one Adam step
 * (lr = tuneLr) on ∂‖ĝ‖²/∂(η, log λ) = 2 ĝ · ∂ĝ/∂(η, log λ), an unbiased estimate of the gradient
 * of Var[ĝ] (E[ĝ] does not depend on η, λ).
 */
export function createRebar(problem: BinaryProblem, eta0: number, lambda0: number, throughU = true, tuneLr = 0): RebarInstance {
  const cc = new ConcreteControl(problem, throughU);
  const n = cc.n;
  const P = problem.nParams;
  const gz = new Float64Array(n);
  const gzt = new Float64Array(n);
  const dgz = new Float64Array(n);
  const dgzt = new Float64Array(n);
  const gA = new Float64Array(n);
  const dEtaA = new Float64Array(n);
  const dLamA = new Float64Array(n);
  const dG = new Float64Array(P);
  const lastG = new Float64Array(P);
  // tuned parameters: [η, log λ]
  const par = Float64Array.of(eta0, Math.log(lambda0));
  const adam = tuneLr > 0 ? new Adam(2, { lr: tuneLr }) : null;
  const dPar = new Float64Array(2);
  let lastTheta: Float64Array | null = null;
  const inst: RebarInstance = {
    noiseSize: 2 * n,
    lossEvaluations: 3,
    estimate(theta, noise, out) {
      cc.view.logits(theta);
      const s = cc.view.ws.s;
      const fb = cc.sample(theta, noise);
      const e = par[0];
      const lambda = Math.exp(par[1]);
      cc.relaxed(cc.z, lambda, gz);
      cc.lambdaDerivatives(cc.z, lambda, dgz);
      const Ft = cc.relaxed(cc.zt, lambda, gzt);
      const dFt = cc.lambdaDerivatives(cc.zt, lambda, dgzt);
      for (let i = 0; i < n; i++) {
        const si = cc.b[i] - s[i];
        // ∂gᵢ/∂η = −F(z̃)sᵢ + ∂F(z)/∂zᵢ − ∂F(z̃)/∂z̃ᵢ · dz̃ᵢ/daᵢ;  ∂gᵢ/∂λ = η(−∂F(z̃)/∂λ sᵢ + ∂²F(z)/∂λ∂zᵢ − ∂²F(z̃)/∂λ∂z̃ᵢ · dz̃ᵢ/daᵢ)
        dEtaA[i] = -Ft * si + gz[i] - gzt[i] * cc.dzt[i];
        dLamA[i] = e * lambda * (-dFt * si + dgz[i] - dgzt[i] * cc.dzt[i]);
        gA[i] = fb * si + e * dEtaA[i];
      }
      cc.view.chain(theta, gA, out);
      lastG.set(out);
      lastTheta = theta;
      return fb;
    },
    eta: () => par[0],
    lambda: () => Math.exp(par[1]),
    tuningGradient(theta, o) {
      const dot = (v: Float64Array) => {
        cc.view.chain(theta, v, dG);
        let d = 0;
        for (let k = 0; k < P; k++) d += 2 * lastG[k] * dG[k];
        return d;
      };
      o[0] = dot(dEtaA);
      o[1] = dot(dLamA);
    },
    describeState: () => ({ eta: par[0], lambda: Math.exp(par[1]), tuned: adam ? adam.t : 0 }),
  };
  if (adam) {
    inst.observe = () => {
      if (!lastTheta) return;
      inst.tuningGradient(lastTheta, dPar);
      adam.step(par, dPar);
    };
  }
  return attachSingleUnitQuadrature(problem, inst, true, "rebar") as RebarInstance;
}

export const rebar: EstimatorSpec = {
  id: "rebar",
  title: "REBAR (Concrete control variate)",
  formula: "[f(b) − η f(σ_λ(z̃))]∇log p(b) + η∇f(σ_λ(z)) − η∇f(σ_λ(z̃)), z̃ ~ p(z|b)",
  source: "Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein 2017, NeurIPS, REBAR §3 (eq. 6)",
  unbiased: true,
  noise: "custom",
  defaults: { eta: 1, temperature: 0.5, tune: 0 },
  domains: { eta: {}, temperature: { min: 0, minOpen: true, why: "the relaxation temperature τ" }, tune: { min: 0, why: "the learning rate of the online tuning of η and λ (0 = fixed)" } },
  applicable: rebarReason,
  create(problem, _theta, options = {}) {
    const o = resolveOptions(this, options);
    if (!Number.isFinite(o.eta)) throw new InputError(`rebar option eta: expected a finite number, got ${o.eta}`);
    if (!(o.tune >= 0) || !Number.isFinite(o.tune)) throw new InputError(`rebar option tune: the learning rate of the online tuning of η and λ must be ≥ 0 (0 = fixed), got ${o.tune}`);
    return createRebar(problem, o.eta, requireTemperature(o.temperature, "rebar option temperature"), true, o.tune);
  },
};
