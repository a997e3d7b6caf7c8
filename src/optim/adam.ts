import { InputError } from "../errors.js";
/**
 * Adam (Kingma & Ba 2015, ICLR, Algorithm 1):
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − α · m̂ / (√v̂ + ε),
 *   m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 * Shapes: params, grad (dim). No allocation per step. Used by the REBAR/RELAX optimisation toy
 * (Tucker et al. 2017 §5.1; Grathwohl et al. 2018 §6.1: Adam, learning rate 0.01) and by RELAX's
 * control-variate training.
 */

export interface AdamOptions {
  /** learning rate α (default 0.001, Kingma & Ba) */
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** steps taken */
  t = 0;

  constructor(readonly dim: number, opts: AdamOptions = {}) {
    this.lr = opts.lr ?? 0.001;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    if (!(this.lr > 0) || !Number.isFinite(this.lr)) throw new InputError(`adam lr: expected a finite number > 0, got ${this.lr}`);
    if (!(this.beta1 >= 0 && this.beta1 < 1)) throw new InputError(`adam beta1: expected a number in [0, 1), got ${this.beta1}`);
    if (!(this.beta2 >= 0 && this.beta2 < 1)) throw new InputError(`adam beta2: expected a number in [0, 1), got ${this.beta2}`);
    this.m = new Float64Array(dim);
    this.v = new Float64Array(dim);
  }

  /** One descent step on params (in place) with gradient grad. */
  step(params: Float64Array, grad: ArrayLike<number>): void {
    const { beta1, beta2, eps, m, v } = this;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const lr = this.lr;
    for (let k = 0; k < this.dim; k++) {
      const g = grad[k];
      m[k] = beta1 * m[k] + (1 - beta1) * g;
      v[k] = beta2 * v[k] + (1 - beta2) * g * g;
      params[k] -= (lr * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + eps);
    }
  }

  /** Forget the moments (t = 0). */
  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
    this.t = 0;
  }
}
