/**
 * A stochastic layer: h = unit(a, u) for the logits a of its input node and explicit noise u
 * (src/nets/units.ts), with a layer-level estimator (src/nets/estimators/) for ∂J/∂a, and an
 * optional sparsity target on the probability that a unit is on.
 *
 * Sparsity (the conditional-computation penalty of Bengio, Léonard & Courville 2013, arXiv
 * 1308.3432 §6, in the form of a KL target on mean activity, Lee, Ekanadham & Ng 2008):
 *   J += λ·Σ_j KL(ρ ‖ p̄_j),  p̄_j = (1/n)·Σ_r P(h_rj ≠ 0 | a_rj),
 *   KL(ρ ‖ p) = ρ·log(ρ/p) + (1 − ρ)·log((1 − ρ)/(1 − p)),
 * with ρ ∈ [0, 1] the target fraction of units on and p̄ clamped to [1e−12, 1 − 1e−12]. It is a
 * deterministic function of a, so its gradient is exact and the same for every estimator.
 */
import { FieldError, InputError } from "../errors.js";
import type { LayerEstimator, LayerEstimatorOptions, LayerEstimatorSpec, LayerSignals } from "./estimators/types.js";
import { NetNode, type PassContext } from "./layers.js";
import type { LayerUnit } from "./units.js";

/** Target ρ (fraction of units on) and weight λ of the sparsity penalty. */
export interface SparsityTarget {
  target: number;
  weight: number;
}

const P_FLOOR = 1e-12;

/** Validate a sparsity target: ρ ∈ [0, 1], λ ≥ 0, both finite (FieldErrors on `sparsity` and `sparsityWeight`). */
export function validateSparsity(s: SparsityTarget): SparsityTarget {
  if (typeof s.target !== "number" || !Number.isFinite(s.target) || s.target < 0 || s.target > 1) throw new FieldError("sparsity", `expected a target fraction of gates on in [0, 1], got ${s.target}`);
  if (typeof s.weight !== "number" || !Number.isFinite(s.weight) || s.weight < 0) throw new FieldError("sparsityWeight", `expected a finite weight ≥ 0, got ${s.weight}`);
  return { target: s.target, weight: s.weight };
}

/** Scratch of one buffer slot. */
interface SlotScratch {
  P: Float64Array;
  E: Float64Array;
}

export class StochasticNode extends NetNode {
  readonly estimator: LayerEstimator;
  readonly options: LayerEstimatorOptions;
  readonly sparsity: SparsityTarget | null;
  /** uniforms per row: the main sample's width plus the estimator's extra noise */
  readonly noiseStride: number;
  /** the layer's noise for the current minibatch (maxRows × noiseStride), filled by the caller */
  noise: Float64Array = new Float64Array(0);
  private slots: SlotScratch[] = [];
  /** the estimator's ∂J/∂a of the last backward pass (n×width), without the sparsity penalty's exact term */
  dLogits: Float64Array = new Float64Array(0);
  /** the sparsity penalty's exact ∂/∂a of the last backward pass (n×width; zero without a penalty) */
  dPenalty: Float64Array = new Float64Array(0);
  /** scratch for the penalty */
  private pBar: Float64Array;
  override readonly binary: boolean;
  constructor(
    name: string,
    logits: NetNode,
    readonly unit: LayerUnit,
    readonly spec: LayerEstimatorSpec,
    options: LayerEstimatorOptions = {},
    sparsity: SparsityTarget | null = null,
  ) {
    super(name, [logits], logits.width);
    if (!spec.units.includes(unit.kind)) throw new InputError(`layer "${name}": estimator ${spec.id} serves ${spec.units.join(" and ")} units, not ${unit.kind} units`);
    this.options = spec.options(options);
    this.estimator = spec.create(this.width, this.options);
    this.sparsity = sparsity ? validateSparsity(sparsity) : null;
    this.noiseStride = this.width * (1 + spec.extraNoise(this.options));
    this.pBar = new Float64Array(this.width);
    this.binary = unit.kind === "bernoulli";
  }
  override allocate(maxRows: number, slots: number, f64: (n: number) => Float64Array): void {
    const len = maxRows * this.width;
    this.noise = f64(maxRows * this.noiseStride);
    this.slots = Array.from({ length: slots }, () => ({ P: f64(len), E: f64(len) }));
    this.dLogits = f64(len);
    this.dPenalty = f64(len);
  }
  /** P(h ≠ 0 | a) of a slot (n×width) */
  prob(slot = 0): Float64Array {
    return this.slots[slot].P;
  }
  /** the units' noise values of a slot (n×width) */
  noiseValues(slot = 0): Float64Array {
    return this.slots[slot].E;
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const len = ctx.n * this.width;
    const sc = this.slots[ctx.slot];
    if (ctx.mean) {
      this.unit.mean(ins[0], len, out);
      return;
    }
    this.unit.sample(ins[0], ctx.n, this.width, this.noise, 0, this.noiseStride, sc.P, sc.E, out);
  }
  /** Mean-field backward (slot ≥ 1 with ctx.mean): dA += dH·dE[h|a]/da. */
  private meanBackward(A: Float64Array, dOut: Float64Array, dA: Float64Array, len: number): void {
    const D = this.slots[1].E; // free in the mean-field pass
    this.unit.meanSlope(A, len, D);
    for (let k = 0; k < len; k++) dA[k] += dOut[k] * D[k];
  }
  /** Back-propagated pass inside a re-run (slot ≥ 1, not mean): the layer acts through its estimator's slope only when it propagates. */
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext): void {
    const dA = dIns[0];
    if (!dA) return;
    if (ctx.mean) this.meanBackward(ins[0], dOut, dA, ctx.n * this.width);
    else throw new Error(`layer ${this.name}: the main backward pass goes through estimate()`);
  }
  /**
   * The main backward pass at this layer: dLogits ← the estimator's ∂J/∂a from the signals,
   * dPenalty ← the exact gradient of the sparsity penalty; then dA += dLogits + dPenalty.
   */
  estimate(signals: LayerSignals, dA: Float64Array | null): void {
    const len = signals.n * this.width;
    const g = this.dLogits;
    this.estimator.logitGradient(signals, g);
    const pen = this.sparsity !== null && this.sparsity.weight > 0;
    if (pen) this.penaltyGradient(signals.logits, signals.n, this.dPenalty);
    if (dA) for (let k = 0; k < len; k++) dA[k] += pen ? g[k] + this.dPenalty[k] : g[k];
  }
  /** λ·Σ_j KL(ρ ‖ p̄_j) for the slot-0 probabilities of n rows. */
  penalty(n: number): number {
    if (!this.sparsity || this.sparsity.weight === 0) return 0;
    const { target: rho, weight } = this.sparsity;
    this.meanProb(n);
    let s = 0;
    for (let j = 0; j < this.width; j++) s += kl(rho, this.pBar[j]);
    return weight * s;
  }
  private meanProb(n: number): void {
    const P = this.slots[0].P;
    const N = this.width;
    this.pBar.fill(0);
    for (let r = 0; r < n; r++) for (let j = 0; j < N; j++) this.pBar[j] += P[r * N + j];
    for (let j = 0; j < N; j++) this.pBar[j] = Math.min(1 - P_FLOOR, Math.max(P_FLOOR, this.pBar[j] / n));
  }
  /** D (n×width) ← ∂/∂a of the penalty λ·Σ_j KL(ρ ‖ p̄_j) (slot-0 probabilities). */
  private penaltyGradient(A: Float64Array, n: number, D: Float64Array): void {
    const { target: rho, weight } = this.sparsity!;
    this.meanProb(n);
    const N = this.width;
    for (let j = 0; j < N; j++) {
      const p = this.pBar[j];
      this.pBar[j] = (weight * ((1 - rho) / (1 - p) - rho / p)) / n; // λ·∂KL/∂p̄ · ∂p̄/∂P
    }
    for (let r = 0; r < n; r++) for (let j = 0; j < N; j++) D[r * N + j] = this.pBar[j] * this.unit.onProbabilityDerivative(A[r * N + j]);
  }
  override describe(): Record<string, unknown> {
    return { ...super.describe(), unit: this.unit.toJSON(), estimator: this.spec.id, options: this.options, ...(this.sparsity ? { sparsity: this.sparsity } : {}) };
  }
}

/** KL(ρ ‖ p) between Bernoulli(ρ) and Bernoulli(p), with 0·log 0 = 0. */
export function kl(rho: number, p: number): number {
  let s = 0;
  if (rho > 0) s += rho * Math.log(rho / p);
  if (rho < 1) s += (1 - rho) * Math.log((1 - rho) / (1 - p));
  return s;
}
