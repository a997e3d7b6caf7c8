/**
 * The binary Concrete relaxation (Maddison, Mnih & Teh 2017, §3.3 "binary Concrete"; Jang, Gu &
 * Poole 2017, Gumbel-Softmax) of a sigmoid belief net, in this library's unit-noise convention:
 *   ℓᵢ = log(1 − uᵢ) − log uᵢ  (logistic noise),   zᵢ = aᵢ + ℓᵢ,   yᵢ = σ(zᵢ / τ),
 * so that as τ → 0, yᵢ → H(zᵢ) = 1[uᵢ < σ(aᵢ)] = hᵢ with the very same u. The relaxed net feeds
 * yˡ (continuous) to layer l+1 and evaluates the loss on the continuous last layer:
 *   squared loss: Σₖ (yₖ − tₖ)²;  table loss: its multilinear extension Σ_c table[c] Πₖ yₖ^{cₖ}(1−yₖ)^{1−cₖ}.
 * Shared by Gumbel-Softmax, ST-Gumbel, REBAR and RELAX.
 */
import { sigmoid } from "../numerics.js";
import type { LossFunction } from "../problems/loss.js";
import { SquaredLoss, TableLoss } from "../problems/loss.js";
import { SigmoidBeliefNet } from "../problems/sbn.js";
import { type BinaryProblem } from "../problems/types.js";
import { InputError } from "../errors.js";

/** A loss defined on continuous y ∈ [0,1]^m with its gradient. */
export interface ContinuousLoss {
  readonly arity: number;
  /** f(y), y = values[off … off+arity) */
  value(y: Float64Array, off: number): number;
  /** out[k] = ∂f/∂yₖ at y (out length arity) */
  grad(y: Float64Array, off: number, out: Float64Array): void;
  /** out[j·m + k] = ∂²f/∂yⱼ∂yₖ at y (out length m², m = arity) */
  hessian(y: Float64Array, off: number, out: Float64Array): void;
}

/** f(y) = Σₖ (yₖ − tₖ)² as a continuous loss: gradient 2(y − t), Hessian 2I. */
class ContinuousSquared implements ContinuousLoss {
  readonly arity: number;
  constructor(private readonly loss: SquaredLoss) {
    this.arity = loss.arity;
  }
  value(y: Float64Array, off: number): number {
    return this.loss.value(y, off);
  }
  grad(y: Float64Array, off: number, out: Float64Array): void {
    this.loss.grad(y, off, out);
  }
  hessian(_y: Float64Array, _off: number, out: Float64Array): void {
    out.fill(0);
    for (let k = 0; k < this.arity; k++) out[k * this.arity + k] = 2;
  }
}

/** Multilinear extension of a table loss: f(y) = Σ_c table[c] Πₖ (cₖ ? yₖ : 1 − yₖ). O(2^m·m). */
export class MultilinearLoss implements ContinuousLoss {
  readonly arity: number;
  constructor(readonly table: Float64Array) {
    this.arity = Math.round(Math.log2(table.length));
  }
  value(y: Float64Array, off: number): number {
    let s = 0;
    for (let c = 0; c < this.table.length; c++) {
      let p = 1;
      for (let k = 0; k < this.arity; k++) p *= (c >> k) & 1 ? y[off + k] : 1 - y[off + k];
      s += this.table[c] * p;
    }
    return s;
  }
  grad(y: Float64Array, off: number, out: Float64Array): void {
    out.fill(0);
    for (let c = 0; c < this.table.length; c++) {
      for (let k = 0; k < this.arity; k++) {
        let p = 1;
        for (let j = 0; j < this.arity; j++) if (j !== k) p *= (c >> j) & 1 ? y[off + j] : 1 - y[off + j];
        out[k] += this.table[c] * p * ((c >> k) & 1 ? 1 : -1);
      }
    }
  }
  hessian(y: Float64Array, off: number, out: Float64Array): void {
    const m = this.arity;
    out.fill(0);
    for (let c = 0; c < this.table.length; c++) {
      for (let j = 0; j < m; j++) {
        for (let k = j + 1; k < m; k++) {
          let p = 1;
          for (let r = 0; r < m; r++) if (r !== j && r !== k) p *= (c >> r) & 1 ? y[off + r] : 1 - y[off + r];
          const v = this.table[c] * p * ((c >> j) & 1 ? 1 : -1) * ((c >> k) & 1 ? 1 : -1);
          out[j * m + k] += v;
          out[k * m + j] += v;
        }
      }
    }
  }
}

/** The continuous extension of a loss, or null if it has none. */
export function continuousLoss(loss: LossFunction): ContinuousLoss | null {
  if (loss instanceof SquaredLoss) return new ContinuousSquared(loss);
  if (loss instanceof TableLoss) return new MultilinearLoss(loss.table);
  return null;
}

/** null when the problem can be relaxed (a sigmoid belief net with squared or table loss), else why. */
export function relaxationReason(problem: BinaryProblem): string | null {
  if (!(problem instanceof SigmoidBeliefNet)) return `the Concrete relaxation needs a sigmoid belief net (kind "single" or "sbn"); problem kind "${problem.kind}" has no continuous loss`;
  if (!continuousLoss(problem.loss)) return "the loss has no continuous extension (use a squared or table loss)";
  return null;
}

/** Validate a temperature τ > 0 (finite). */
export function requireTemperature(tau: number | undefined, where: string): number {
  if (tau === undefined || !Number.isFinite(tau) || !(tau > 0)) throw new InputError(`${where}: the relaxation temperature τ must be a finite number > 0, got ${tau}`);
  return tau;
}

/** logistic noise ℓ = log(1 − u) − log u (so that ℓ < a ⇔ … ⇔ u < σ(a)); u clamped away from {0,1}. */
export function logisticNoise(u: number): number {
  const v = u <= 0 ? Number.MIN_VALUE : u >= 1 ? 1 - Number.EPSILON / 2 : u;
  return Math.log1p(-v) - Math.log(v);
}

/**
 * The relaxed forward/backward pass of a sigmoid belief net at temperature τ.
 * Buffers: z, y (nUnits), dy (nUnits, back-propagated ∂F/∂y).
 */
export class RelaxedNet {
  readonly net: SigmoidBeliefNet;
  readonly loss: ContinuousLoss;
  readonly z: Float64Array;
  readonly y: Float64Array;
  readonly dy: Float64Array;
  private readonly lossGrad: Float64Array;
  private tau = 1;

  constructor(problem: BinaryProblem) {
    const why = relaxationReason(problem);
    if (why) throw new InputError(why);
    this.net = problem as SigmoidBeliefNet;
    this.loss = continuousLoss(this.net.loss)!;
    const n = this.net.nUnits;
    this.z = new Float64Array(n);
    this.y = new Float64Array(n);
    this.dy = new Float64Array(n);
    this.lossGrad = new Float64Array(this.loss.arity);
  }

  /** F = f(y) with zᵢ = aᵢ(y_parents) + ℓ(uᵢ), yᵢ = σ(zᵢ/τ). Shapes: θ (nParams), u (nUnits). */
  forward(theta: Float64Array, u: Float64Array, tau: number): number {
    const net = this.net;
    this.tau = tau;
    for (let l = 0; l < net.nLayers; l++) {
      const nIn = net.widths[l];
      const nOut = net.widths[l + 1];
      const prev = l === 0 ? net.input : this.y;
      const pOff = l === 0 ? 0 : net.unitOffset[l - 1];
      const wOff = net.weightOffset[l];
      const bOff = net.biasOffset[l];
      const uOff = net.unitOffset[l];
      for (let i = 0; i < nOut; i++) {
        let a = theta[bOff + i];
        const row = wOff + i * nIn;
        for (let j = 0; j < nIn; j++) a += theta[row + j] * prev[pOff + j];
        const z = a + logisticNoise(u[uOff + i]);
        this.z[uOff + i] = z;
        this.y[uOff + i] = sigmoid(z / tau);
      }
    }
    return this.loss.value(this.y, net.unitOffset[net.nLayers - 1]);
  }

  /** g = ∂F/∂θ by back-propagation through the relaxed net of the last `forward`. Shapes: g (nParams). */
  backward(theta: Float64Array, g: Float64Array): void {
    const net = this.net;
    const L = net.nLayers;
    const tau = this.tau;
    g.fill(0);
    const dy = this.dy;
    dy.fill(0);
    const lastOff = net.unitOffset[L - 1];
    this.loss.grad(this.y, lastOff, this.lossGrad);
    for (let k = 0; k < this.loss.arity; k++) dy[lastOff + k] = this.lossGrad[k];
    for (let l = L - 1; l >= 0; l--) {
      const nIn = net.widths[l];
      const nOut = net.widths[l + 1];
      const uOff = net.unitOffset[l];
      const prev = l === 0 ? net.input : this.y;
      const pOff = l === 0 ? 0 : net.unitOffset[l - 1];
      const wOff = net.weightOffset[l];
      const bOff = net.biasOffset[l];
      for (let i = 0; i < nOut; i++) {
        const yi = this.y[uOff + i];
        const da = (dy[uOff + i] * yi * (1 - yi)) / tau;
        if (da === 0) continue;
        const row = wOff + i * nIn;
        for (let j = 0; j < nIn; j++) g[row + j] += da * prev[pOff + j];
        g[bOff + i] += da;
        if (l > 0) for (let j = 0; j < nIn; j++) dy[pOff + j] += da * theta[row + j];
      }
    }
  }
}

/**
 * Conditional reparameterisation z̃ ~ p(z | b) of the logistic z = a + ℓ(u) (Tucker et al. 2017,
 * REBAR §3 and Appendix; Grathwohl et al. 2018 App. B), in this library's convention
 * b = 1[u < θ], θ = σ(a): draw u′ uniform on the interval consistent with b from v ~ U(0,1),
 *   b = 1: u′ = vθ,          b = 0: u′ = θ + v(1 − θ),        z̃ = a + ℓ(u′),
 * and differentiate through u′(v, θ) with v held fixed:
 *   b = 1: dz̃/da = θ(1 − v)/(1 − vθ),      b = 0: dz̃/da = (1 − θ)v/u′.
 * Writes z̃ to out[0] and dz̃/da to out[1]. `throughU = false` is the classic slip dz̃/da := 1
 * (treating u′ as fixed), the negative control of the REBAR/RELAX claims.
 */
export function conditionalLogistic(a: number, theta: number, b: number, v: number, out: Float64Array, throughU = true): void {
  if (b > 0.5) {
    const up = v * theta;
    out[0] = a + logisticNoise(up);
    out[1] = throughU ? (theta * (1 - v)) / (1 - v * theta) : 1;
  } else {
    const up = theta + v * (1 - theta);
    out[0] = a + logisticNoise(up);
    out[1] = throughU ? ((1 - theta) * v) / up : 1;
  }
}
