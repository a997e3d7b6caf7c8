/**
 * Minibatch training of a Bernoulli–Bernoulli RBM (rbm.ts): one `step` = one gradient estimate
 * X⁺ − X⁻ (`phaseGradient`; positive phase from the batch, negative phase from a sampler in
 * `negative-phase/registry.ts`: CD-k, PCD-k or exact) and one momentum SGD update
 *   Δ ← μΔ + η(∇̂ − λW),  θ ← θ + Δ.
 * Hyperparameters live in `RbmTrainOptions` (scikit-learn style: options separate from learned
 * state); sampler state (persistent chains), velocity and the stream live in `RbmTrainer` and
 * serialise with `toJSON`/`restore`, so training resumes bit for bit.
 * Validation errors name option fields (`learningRate`, `batchSize`, …); the CLI maps them to flags.
 * Source: Hinton 2002 (CD-k); Tieleman 2008 (PCD); scikit-learn `neural_network/_rbm.py`.
 */
import { describeValue, FieldError, InputError } from "../errors.js";
import { requireArray, requireInteger, requireNumbers, requireRecord } from "../validate.js";
import { Stream, type StreamSnapshot } from "../random/stream.js";
import { getNegativePhase, negativePhases, type NegativePhaseId } from "./negative-phase/registry.js";
import type { NegativePhaseSampler } from "./negative-phase/types.js";
import { toMatrix, type MatrixInput } from "../ndarray.js";
import { bernoulli, hiddenProbabilities, phaseGradient, zeroGradient, type Rbm, type RbmGradient } from "./rbm.js";

/** How the negative phase is sampled: a key of `negativePhases` ("cd" | "pcd" | "exact"). */
export type RbmMethod = NegativePhaseId;

/** Training hyperparameters (scikit-learn style: options separate from learned state). */
export interface RbmTrainOptions {
  /** the negative-phase sampler: "cd" (CD-k, chains start at the batch), "pcd" (persistent chains), "exact" (enumeration, ≤ 24 units in the smaller layer) */
  method: RbmMethod;
  /** Gibbs steps per update (CD-k, PCD-k) */
  k: number;
  /** number of persistent chains (PCD); CD uses one chain per batch row */
  chains: number;
  learningRate: number;
  momentum: number;
  /** L2 penalty λ on W: the update uses ∇ − λW */
  weightDecay: number;
  batchSize: number;
  /** use p(h|v) for hPos/hNeg (Rao–Blackwellised, as scikit-learn) rather than sampled h */
  meanFieldHidden: boolean;
  /** learning-rate decay d: epoch e (0-based) uses η/(1 + d·e); 0 = constant (Tieleman 2008 decays η for PCD) */
  lrDecay?: number;
}

export const DEFAULT_TRAIN_OPTIONS: RbmTrainOptions = { method: "pcd", k: 1, chains: 100, learningRate: 0.05, momentum: 0, weightDecay: 0, batchSize: 100, meanFieldHidden: true };

const orList = (xs: string[]) => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`);

/** Validate options; each error is a FieldError naming the option field. */
export function validateTrainOptions(o: RbmTrainOptions): RbmTrainOptions {
  if (o === null || typeof o !== "object") throw new InputError(`training options: expected an object, got ${describeValue(o)}`);
  // values from a file must be numbers, not strings that compare as numbers ("0.5" < 1 is true)
  for (const k of ["k", "chains", "learningRate", "momentum", "weightDecay", "batchSize"] as const) if (typeof o[k] !== "number") throw new FieldError(k, `expected a number, got ${describeValue(o[k])}`);
  if (o.lrDecay !== undefined && typeof o.lrDecay !== "number") throw new FieldError("lrDecay", `expected a number, got ${describeValue(o.lrDecay)}`);
  if (typeof o.meanFieldHidden !== "boolean") throw new FieldError("meanFieldHidden", `expected true or false, got ${describeValue(o.meanFieldHidden)}`);
  if (typeof o.method !== "string" || !Object.prototype.hasOwnProperty.call(negativePhases, o.method)) throw new FieldError("method", `expected ${orList(Object.keys(negativePhases))}, got ${describeValue(o.method)}`);
  if (!Number.isInteger(o.k) || o.k < 1) throw new FieldError("k", `expected an integer ≥ 1, got ${o.k}`);
  if (!Number.isInteger(o.chains) || o.chains < 1) throw new FieldError("chains", `expected an integer ≥ 1, got ${o.chains}`);
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) throw new FieldError("learningRate", `expected a finite learning rate > 0, got ${o.learningRate}`);
  if (!(o.momentum >= 0 && o.momentum < 1)) throw new FieldError("momentum", `expected a number in [0, 1), got ${o.momentum}`);
  if (o.lrDecay !== undefined && (!(o.lrDecay >= 0) || !Number.isFinite(o.lrDecay))) throw new FieldError("lrDecay", `expected a finite number ≥ 0, got ${o.lrDecay}`);
  if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) throw new FieldError("weightDecay", `expected a finite number ≥ 0, got ${o.weightDecay}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new FieldError("batchSize", `expected an integer ≥ 1, got ${o.batchSize}`);
  return o;
}

/** Serialisable trainer state, so training resumes bit for bit. */
export interface RbmTrainerState {
  /** the sampler's persistent chain state (PCD: chains×nH hidden states), absent when it keeps none */
  chainsH?: number[];
  velocity: number[];
  stream: StreamSnapshot;
  updates: number;
}

/**
 * Minibatch trainer: one `step` = one gradient estimate (positive − negative phase) and one
 * momentum SGD update: Δ ← μΔ + η(∇̂ − λW), θ ← θ + Δ. Buffers are allocated once; `step`
 * allocates no arrays (the exact sampler's enumeration aside).
 */
export class RbmTrainer {
  readonly rbm: Rbm;
  readonly options: RbmTrainOptions;
  stream: Stream;
  updates = 0;
  /** multiplies the learning rate (set per epoch from `lrDecay`) */
  learningRateScale = 1;
  /** the last gradient estimate (flat layout buffers) */
  readonly grad: RbmGradient;
  /** the negative-phase sampler of `options.method` */
  readonly sampler: NegativePhaseSampler;
  private readonly velocity: Float64Array;
  private readonly hPos: Float64Array;
  private readonly uH: Float64Array;

  constructor(rbm: Rbm, options: RbmTrainOptions, stream: Stream) {
    validateTrainOptions(options);
    const spec = getNegativePhase(options.method);
    const why = spec.applicable(rbm, options);
    if (why) throw new FieldError("method", why);
    this.rbm = rbm;
    this.options = { ...options };
    this.stream = stream;
    const B = options.batchSize;
    this.grad = zeroGradient(rbm);
    this.velocity = new Float64Array(rbm.nParams);
    this.hPos = new Float64Array(B * rbm.nHidden);
    this.uH = new Float64Array(B * rbm.nHidden);
    this.sampler = spec.create(rbm, this.options);
  }

  /**
   * Estimate ∇ log-likelihood on the batch V (n×nV rows, n ≤ batchSize; a Float64Array or an
   * ndarray n×nV) into `this.grad`:
   * hPos = p(h|vPos) (sampled unless meanFieldHidden), the negative phase from the sampler.
   */
  estimate(batch: MatrixInput, rows?: number): RbmGradient {
    const rbm = this.rbm;
    const { data: V, rows: n } = toMatrix(batch, rbm.nVisible, "batch", rows);
    if (n > this.options.batchSize) throw new InputError(`batch: ${n} rows exceed batchSize = ${this.options.batchSize}`);
    const nH = rbm.nHidden;
    hiddenProbabilities(rbm, V, n, this.hPos);
    if (!this.options.meanFieldHidden) {
      this.stream.uniforms(this.uH, 0, n * nH);
      bernoulli(this.hPos, this.uH, this.hPos, n * nH);
    }
    const neg = this.sampler.sample(V, this.hPos, n, this.stream);
    return phaseGradient(rbm.nVisible, nH, V, this.hPos, n, neg, this.grad);
  }

  /** One SGD-with-momentum update from the batch: Δ ← μΔ + η(∇̂ − λW); θ ← θ + Δ. */
  step(batch: MatrixInput, rows?: number): void {
    const g = this.estimate(batch, rows);
    const o = this.options;
    const rbm = this.rbm;
    const vel = this.velocity;
    const nw = rbm.W.length;
    const mu = o.momentum;
    const lr = o.learningRate * this.learningRateScale;
    const wd = o.weightDecay;
    for (let k = 0; k < nw; k++) {
      vel[k] = mu * vel[k] + lr * (g.W[k] - wd * rbm.W[k]);
      rbm.W[k] += vel[k];
    }
    for (let i = 0; i < rbm.nVisible; i++) {
      vel[nw + i] = mu * vel[nw + i] + lr * g.b[i];
      rbm.b[i] += vel[nw + i];
    }
    const o2 = nw + rbm.nVisible;
    for (let j = 0; j < rbm.nHidden; j++) {
      vel[o2 + j] = mu * vel[o2 + j] + lr * g.c[j];
      rbm.c[j] += vel[o2 + j];
    }
    this.updates++;
  }

  /**
   * One epoch over `data` (nRows×nV; a Float64Array or an ndarray) in minibatches of `batchSize`,
   * rows visited in an order shuffled by `this.stream`. Calls onBatch(done, total) after each update.
   */
  epoch(rows: MatrixInput, nRowsIn?: number, onBatch?: (done: number, total: number) => void): void {
    const nV = this.rbm.nVisible;
    const { data, rows: nRows } = toMatrix(rows, nV, "data", nRowsIn);
    const B = this.options.batchSize;
    const order = new Int32Array(nRows);
    for (let r = 0; r < nRows; r++) order[r] = r;
    this.stream.shuffle(order);
    const batch = new Float64Array(B * nV);
    const total = Math.ceil(nRows / B);
    for (let t = 0; t < total; t++) {
      const n = Math.min(B, nRows - t * B);
      for (let r = 0; r < n; r++) batch.set(data.subarray(order[t * B + r] * nV, (order[t * B + r] + 1) * nV), r * nV);
      this.step(batch, n);
      onBatch?.(t + 1, total);
    }
    this.requireFiniteParameters();
  }

  /** FieldError on learningRate once an update has pushed a parameter out of float64 (divergence). */
  private requireFiniteParameters(): void {
    const rbm = this.rbm;
    for (const arr of [rbm.W, rbm.b, rbm.c]) {
      for (let k = 0; k < arr.length; k++) {
        if (!Number.isFinite(arr[k])) throw new FieldError("learningRate", `training diverged: after ${this.updates} updates a parameter is ${arr[k]} (learning rate ${this.options.learningRate * this.learningRateScale}); lower it`);
      }
    }
  }

  /** Trainer state for resuming (persistent chains, velocity, stream position). */
  toJSON(): RbmTrainerState {
    const p = this.sampler.persistent;
    // no chainsH key when the sampler keeps none (a null would read as a NaN written by JSON.stringify)
    return { ...(p ? { chainsH: Array.from(p) } : {}), velocity: Array.from(this.velocity), stream: this.stream.toJSON(), updates: this.updates };
  }

  /** Restore the state written by `toJSON` (shapes validated; errors name `where`). */
  restore(s: RbmTrainerState, where = "training.state"): void {
    // everything is checked before anything is set, so a bad state leaves the trainer as it was
    const o = requireRecord(s, where, ["chainsH", "velocity", "stream", "updates"], "{chainsH, velocity, stream, updates}");
    const velocity = requireNumbers(o.velocity, `${where}.velocity`, this.velocity.length, "one per parameter");
    const p = this.sampler.persistent;
    let chains: unknown[] | null = null;
    if (p) {
      chains = requireArray(o.chainsH, `${where}.chainsH`, p.length, `the ${this.options.method} sampler's chain state for options.chains = ${this.options.chains}`);
      chains.forEach((x, k) => {
        if (x !== 0 && x !== 1) throw new InputError(`${where}.chainsH[${k}]: expected 0 or 1 (a hidden state), got ${describeValue(x)}`);
      });
    } else if (o.chainsH !== undefined && o.chainsH !== null) throw new InputError(`${where}.chainsH: the ${this.options.method} sampler keeps no chains; expected no chainsH, got ${describeValue(o.chainsH)}`);
    const updates = requireInteger(o.updates, `${where}.updates`, 0);
    let stream: Stream;
    try {
      stream = Stream.fromJSON(o.stream as StreamSnapshot);
    } catch (e) {
      throw new InputError(`${where}.stream: ${(e as Error).message}`);
    }
    this.velocity.set(velocity);
    if (p && chains) chains.forEach((x, k) => (p[k] = x as number));
    this.stream = stream;
    this.updates = updates;
  }
}
