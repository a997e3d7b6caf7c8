/**
 * Minibatch training of a network on a labelled data set: each epoch visits the rows in the order
 * of a permutation drawn from stream.fork(`epoch/e`), draws every stochastic layer's noise from
 * stream.fork(`epoch/e/noise`), and takes one step of the step rule per minibatch (Adam, Kingma &
 * Ba 2015; or SGD with momentum, Sutskever et al. 2013 — src/optim), then lets the layer
 * estimators advance their baselines. Because every epoch's randomness is keyed by its index,
 * a run restored from `state()` after epoch e continues bit for bit as if never interrupted.
 */
import { FieldError, InputError } from "../errors.js";
import { Adam } from "../optim/adam.js";
import { Momentum } from "../optim/momentum.js";
import type { Stream } from "../random/stream.js";
import { gatherRows, type ClassificationSet } from "./data.js";
import type { Network } from "./network.js";

/** A step rule on the flat θ, with its state as plain numbers for checkpoints. */
interface StepRule {
  step(params: Float64Array, grad: Float64Array): void;
  state(): Record<string, number | number[]>;
  restore(s: Record<string, number | number[]>): void;
}

export interface TrainOptions {
  /** rows per minibatch */
  batchSize: number;
  /** step size α > 0 */
  learningRate: number;
  /** "adam" (default) or "momentum" */
  optimizer?: OptimizerKind;
  /** momentum μ ∈ [0, 1) of the momentum step rule (default 0.9) */
  momentum?: number;
}

/** The step rules, keyed by the name options use. */
export const optimizers = {
  adam: (dim: number, o: TrainOptions): StepRule => {
    const a = new Adam(dim, { lr: o.learningRate });
    return {
      step: (p, g) => a.step(p, g),
      state: () => ({ t: a.t, m: Array.from(a.m), v: Array.from(a.v) }),
      restore: (s) => {
        a.t = s.t as number;
        a.m.set(s.m as number[]);
        a.v.set(s.v as number[]);
      },
    };
  },
  momentum: (dim: number, o: TrainOptions): StepRule => {
    const m = new Momentum(dim, { lr: o.learningRate, momentum: o.momentum ?? 0.9 });
    return {
      step: (p, g) => m.step(p, g),
      state: () => ({ t: m.t, velocity: Array.from(m.velocity) }),
      restore: (s) => {
        m.t = s.t as number;
        m.velocity.set(s.velocity as number[]);
      },
    };
  },
} satisfies Record<string, (dim: number, o: TrainOptions) => StepRule>;

export type OptimizerKind = keyof typeof optimizers;

/** Means over one epoch's minibatches. */
export interface EpochStats {
  epoch: number;
  /** mean minibatch objective J (loss + penalties) */
  objective: number;
  /** mean per-example loss f */
  loss: number;
}

/** Everything a trainer needs to continue bit for bit. */
export interface TrainerState {
  epochs: number;
  steps: number;
  theta: number[];
  optimizer: Record<string, number | number[]>;
  estimators: Record<string, Record<string, number | number[]>>;
}

export class Trainer {
  epochs = 0;
  steps = 0;
  private readonly rule: StepRule;
  private readonly x: Float64Array;
  private readonly y: Uint8Array;
  private readonly order: Int32Array;

  constructor(
    readonly network: Network,
    readonly data: ClassificationSet,
    readonly options: TrainOptions,
    readonly stream: Stream,
  ) {
    const B = options.batchSize;
    if (!Number.isInteger(B) || B < 1 || B > network.maxRows) throw new FieldError("batchSize", `expected an integer in [1, ${network.maxRows}], got ${B}`);
    if (typeof options.learningRate !== "number" || !Number.isFinite(options.learningRate) || !(options.learningRate > 0)) throw new FieldError("learningRate", `expected a finite number > 0, got ${options.learningRate}`);
    const kind = options.optimizer ?? "adam";
    if (!Object.prototype.hasOwnProperty.call(optimizers, kind)) throw new FieldError("optimizer", `expected ${Object.keys(optimizers).join(" or ")}, got "${kind}"`);
    if (data.dim !== network.input.width) throw new InputError(`training data: rows of ${data.dim} entries, the network reads ${network.input.width}`);
    this.rule = optimizers[kind as OptimizerKind](network.nParams, options);
    this.x = new Float64Array(B * data.dim);
    this.y = new Uint8Array(B);
    this.order = new Int32Array(data.n);
  }

  /** Minibatches per epoch (the last one may be smaller). */
  get stepsPerEpoch(): number {
    return Math.ceil(this.data.n / this.options.batchSize);
  }

  /** One epoch; onStep(k, total) after each minibatch. */
  epoch(onStep?: (k: number, total: number) => void): EpochStats {
    const e = this.epochs;
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    this.stream.fork(`epoch/${e}`).shuffle(order);
    const noise = this.stream.fork(`epoch/${e}/noise`);
    const net = this.network;
    const B = this.options.batchSize;
    const total = this.stepsPerEpoch;
    let J = 0;
    let f = 0;
    for (let k = 0; k < total; k++) {
      const from = k * B;
      const n = Math.min(B, this.data.n - from);
      gatherRows(this.data, order, from, n, this.x, this.y);
      net.fillNoise(noise, n);
      J += net.forward({ n, x: this.x, labels: this.y });
      for (let r = 0; r < n; r++) f += net.f[r];
      net.backward();
      this.rule.step(net.theta, net.grad);
      net.observe();
      this.steps++;
      onStep?.(k + 1, total);
    }
    this.epochs++;
    return { epoch: this.epochs, objective: J / total, loss: f / this.data.n };
  }

  /** Epochs, steps, θ, the step rule's and the layer estimators' state, as plain numbers (JSON round-trips them exactly). */
  state(): TrainerState {
    const estimators: Record<string, Record<string, number | number[]>> = {};
    for (const s of this.network.stochastic) if (s.estimator.state) estimators[s.name] = s.estimator.state();
    return { epochs: this.epochs, steps: this.steps, theta: Array.from(this.network.theta), optimizer: this.rule.state(), estimators };
  }

  /** Continue from a state() of a trainer built the same way (same network, data, options and stream). */
  restore(s: TrainerState): void {
    if (!s || !Array.isArray(s.theta) || s.theta.length !== this.network.nParams) throw new InputError(`trainer state: expected ${this.network.nParams} parameters`);
    this.epochs = s.epochs;
    this.steps = s.steps;
    this.network.theta.set(s.theta);
    this.rule.restore(s.optimizer);
    for (const l of this.network.stochastic) if (l.estimator.restore && s.estimators[l.name]) l.estimator.restore(s.estimators[l.name]);
  }
}
