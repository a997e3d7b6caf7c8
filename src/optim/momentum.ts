import { InputError } from "../errors.js";
/**
 * SGD with momentum (Polyak 1964, "heavy ball"; in the form of Sutskever, Martens, Dahl & Hinton
 * 2013, ICML, eq. 1–2, with their Nesterov variant eq. 3–4):
 *   v ← μv − α·g,   θ ← θ + v                         (classical)
 *   v ← μv − α·g,   θ ← θ + μv − α·g                  (Nesterov, the look-ahead written at θ)
 * Shapes: params, grad (dim). No allocation per step. A step rule like Adam (adam.ts): the
 * caller owns the loop; `velocity` and `t` are public so a trainer can checkpoint and restore them.
 */

export interface MomentumOptions {
  /** learning rate α > 0 (default 0.01) */
  lr?: number;
  /** momentum μ ∈ [0, 1) (default 0.9) */
  momentum?: number;
  /** Nesterov's accelerated form (default false) */
  nesterov?: boolean;
}

export class Momentum {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly velocity: Float64Array;
  /** steps taken */
  t = 0;

  constructor(readonly dim: number, opts: MomentumOptions = {}) {
    this.lr = opts.lr ?? 0.01;
    this.momentum = opts.momentum ?? 0.9;
    this.nesterov = opts.nesterov ?? false;
    if (!(this.lr > 0) || !Number.isFinite(this.lr)) throw new InputError(`momentum lr: expected a finite number > 0, got ${this.lr}`);
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new InputError(`momentum: expected a number in [0, 1), got ${this.momentum}`);
    this.velocity = new Float64Array(dim);
  }

  /** One descent step on params (in place) with gradient grad. */
  step(params: Float64Array, grad: ArrayLike<number>): void {
    const { lr, momentum: mu, velocity: v } = this;
    this.t++;
    if (this.nesterov) {
      for (let k = 0; k < this.dim; k++) {
        const g = grad[k];
        v[k] = mu * v[k] - lr * g;
        params[k] += mu * v[k] - lr * g;
      }
    } else {
      for (let k = 0; k < this.dim; k++) {
        v[k] = mu * v[k] - lr * grad[k];
        params[k] += v[k];
      }
    }
  }

  /** Forget the velocity (t = 0). */
  reset(): void {
    this.velocity.fill(0);
    this.t = 0;
  }
}
