/**
 * The binary-latent VAE of the DisARM benchmark (Dong, Mnih & Tucker 2020, NeurIPS, §6.1,
 * following ARM, Yin & Zhou 2019, and RELAX, Grathwohl et al. 2018): the linear model
 *   q(h | x) = Π_j Bernoulli(h_j; σ(a_j)),  a = x·W_e + b_e         (encoder 784 → 200)
 *   p(h) = Π_j Bernoulli(h_j; σ(c_j))                                (factorised prior, learned c)
 *   p(x | h) = Π_k Bernoulli(x_k; σ(o_k)),  o = h·W_d + b_d         (decoder 200 → 784)
 * as a network (src/nets/network.ts) whose per-example loss is f = −ELBO(x, h) (elbo.ts), with one
 * stochastic layer whose layer estimator gives the encoder's gradient; the decoder and the prior
 * get the exact gradient at the sampled h. Inputs are dynamically binarised: every step draws
 * x = 1[u < grey level] afresh (the DisARM protocol).
 *
 * Evaluation: the single-sample ELBO E_q[log p(x, h) − log q(h | x)] over a data set, and the
 * K-sample importance-weighted bound (Burda, Grosse & Salakhutdinov 2016, eq. 8)
 *   L_K(x) = log (1/K) Σ_k p(x, h_k)/q(h_k | x) = logsumexp_k(−f_k) − log K,  h_k ~ q(h | x),
 * which DisARM reports with K = 100 on the test set.
 */
import { Adam } from "../optim/adam.js";
import type { Stream } from "../random/stream.js";
import type { LayerEstimatorOptions, LayerEstimatorSpec } from "./estimators/types.js";
import type { DenseNode } from "./layers.js";
import type { Network } from "./network.js";
import { NetworkBuilder } from "./network.js";
import { productXtD } from "./ops.js";
import type { StochasticNode } from "./stochastic.js";
import { layerUnit } from "./units.js";

export interface BinaryVaeOptions {
  /** input pixels (784 for MNIST) */
  pixels: number;
  /** Bernoulli latents (200 in the benchmark) */
  latents: number;
  estimator: LayerEstimatorSpec;
  estimatorOptions?: LayerEstimatorOptions;
  /** largest minibatch */
  maxRows: number;
}

export interface BinaryVae {
  network: Network;
  encoder: DenseNode;
  latent: StochasticNode;
  decoder: DenseNode;
}

/** The network of the linear binary VAE (module comment): input → encoder → latent layer → decoder → the three ELBO terms. */
export function binaryVae(o: BinaryVaeOptions): BinaryVae {
  const b = new NetworkBuilder();
  const x = b.input("x", o.pixels, true);
  const encoder = b.dense("encoder", x, o.latents);
  const latent = b.stochastic("h", encoder, { unit: layerUnit("bernoulli"), estimator: o.estimator, estimatorOptions: o.estimatorOptions });
  const decoder = b.dense("decoder", latent, o.pixels);
  b.bernoulliLikelihood("minus-log-likelihood", decoder, x);
  b.bernoulliPrior("minus-log-prior", latent);
  b.bernoulliLogPosterior("log-posterior", latent, encoder);
  return { network: b.build(o.maxRows), encoder, latent, decoder };
}

/**
 * Initialise θ from the stream (Glorot-uniform weights, zero biases and prior logits), then the
 * decoder biases if given (pixels; e.g. the logits of the training set's mean pixel values, as in
 * Mnih & Gregor 2014).
 */
export function initBinaryVae(vae: BinaryVae, stream: Stream, decoderBias?: Float64Array): void {
  vae.network.init(stream);
  if (decoderBias) vae.decoder.split(vae.decoder.params).b.set(decoderBias);
}

/** Logits of the mean grey level per pixel, clamped to [1e−3, 1 − 1e−3]. Shapes: grey n×dim → out dim. */
export function meanPixelLogits(grey: Float64Array, n: number, dim: number): Float64Array {
  const out = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let k = 0; k < dim; k++) out[k] += grey[r * dim + k];
  for (let k = 0; k < dim; k++) {
    const p = Math.min(1 - 1e-3, Math.max(1e-3, out[k] / n));
    out[k] = Math.log(p / (1 - p));
  }
  return out;
}

/** Dynamic binarisation: out[outOff + k] = 1[u_k < grey[gOff + k]] for k < len, u from the stream (32-bit uniforms into `u`, ≥ len). */
export function binarise(grey: Float64Array, gOff: number, len: number, stream: Stream, u: Float64Array, out: Float64Array, outOff = 0): void {
  stream.uniforms(u, 0, len);
  for (let k = 0; k < len; k++) out[outOff + k] = +(u[k] < grey[gOff + k]);
}

/** Everything a trainer needs to continue bit for bit (plain numbers). */
export interface VaeTrainerState {
  steps: number;
  theta: number[];
  adam: { t: number; m: number[]; v: number[] };
  estimator: Record<string, number | number[]> | null;
}

/**
 * Adam on every parameter (Kingma & Ba 2015) on minibatches of dynamically binarised rows: epoch e
 * visits the training rows in the order of a permutation drawn from stream.fork(`epoch/e`), and
 * draws its binarisation and latent noise from stream.fork(`epoch/e/noise`), so a trainer restored
 * at an epoch boundary continues bit for bit.
 */
export class BinaryVaeTrainer {
  steps = 0;
  readonly adam: Adam;
  readonly stepsPerEpoch: number;
  private readonly order: Int32Array;
  private readonly x: Float64Array;
  private readonly u: Float64Array;
  private noise: Stream | null = null;
  /** sum of the minibatch ELBOs since the last `takeMeanElbo` and their count */
  private elboSum = 0;
  private elboCount = 0;
  constructor(
    readonly vae: BinaryVae,
    readonly grey: Float64Array,
    readonly rows: number,
    readonly batchSize: number,
    learningRate: number,
    readonly stream: Stream,
  ) {
    if (rows % batchSize !== 0) throw new Error(`trainer: ${rows} rows are not a whole number of minibatches of ${batchSize}`);
    this.stepsPerEpoch = rows / batchSize;
    this.adam = new Adam(vae.network.nParams, { lr: learningRate });
    this.order = new Int32Array(rows);
    const len = batchSize * vae.network.input.width;
    this.x = new Float64Array(len);
    this.u = new Float64Array(len);
  }
  /** One Adam step on the next minibatch; returns its mean ELBO (−J). */
  step(): number {
    const net = this.vae.network;
    const D = net.input.width;
    const B = this.batchSize;
    const k = this.steps % this.stepsPerEpoch;
    if (k === 0 || this.noise === null) {
      const e = Math.floor(this.steps / this.stepsPerEpoch);
      for (let i = 0; i < this.rows; i++) this.order[i] = i;
      this.stream.fork(`epoch/${e}`).shuffle(this.order);
      this.noise = this.stream.fork(`epoch/${e}/noise`);
      if (k !== 0) throw new Error(`trainer: resume only at an epoch boundary (step ${this.steps})`);
    }
    for (let r = 0; r < B; r++) binarise(this.grey, this.order[k * B + r] * D, D, this.noise, this.u, this.x, r * D);
    net.fillNoise(this.noise, B);
    const J = net.forward({ n: B, x: this.x });
    net.backward();
    this.adam.step(net.theta, net.grad);
    net.observe();
    this.steps++;
    this.elboSum -= J;
    this.elboCount++;
    return -J;
  }
  /** Mean minibatch ELBO of the steps since the last call (NaN if none). */
  takeMeanElbo(): number {
    const m = this.elboSum / this.elboCount;
    this.elboSum = 0;
    this.elboCount = 0;
    return m;
  }
  state(): VaeTrainerState {
    if (this.steps % this.stepsPerEpoch !== 0) throw new Error(`trainer: state only at an epoch boundary (step ${this.steps})`);
    const est = this.vae.latent.estimator;
    return { steps: this.steps, theta: Array.from(this.vae.network.theta), adam: { t: this.adam.t, m: Array.from(this.adam.m), v: Array.from(this.adam.v) }, estimator: est.state ? est.state() : null };
  }
  restore(s: VaeTrainerState): void {
    this.steps = s.steps;
    this.vae.network.theta.set(s.theta);
    this.adam.t = s.adam.t;
    this.adam.m.set(s.adam.m);
    this.adam.v.set(s.adam.v);
    if (s.estimator && this.vae.latent.estimator.restore) this.vae.latent.estimator.restore(s.estimator);
    this.noise = null;
  }
}

/**
 * Mean over the rows of a 0/1 data set (n×dim) of the K-sample bound L_K (module comment); K = 1
 * is the single-sample ELBO. Minibatches of the network's maxRows; the latent noise of every pass
 * from the stream in sequence. Shapes: x n×dim (binary), scratch grown inside (evaluation only).
 */
export function importanceBound(vae: BinaryVae, x: Float64Array, n: number, K: number, stream: Stream): number {
  const net = vae.network;
  const D = net.input.width;
  const B = net.maxRows;
  const max = new Float64Array(B);
  const sum = new Float64Array(B);
  let total = 0;
  for (let from = 0; from < n; from += B) {
    const m = Math.min(B, n - from);
    const batch = { n: m, x: x.subarray(from * D, (from + m) * D) };
    max.fill(-Infinity);
    sum.fill(0);
    for (let k = 0; k < K; k++) {
      net.fillNoise(stream, m);
      net.forward(batch);
      // streaming log-sum-exp of −f per row
      for (let r = 0; r < m; r++) {
        const l = -net.f[r];
        if (l > max[r]) {
          sum[r] = sum[r] * Math.exp(max[r] - l) + 1;
          max[r] = l;
        } else sum[r] += Math.exp(l - max[r]);
      }
    }
    for (let r = 0; r < m; r++) total += max[r] + Math.log(sum[r]) - Math.log(K);
  }
  return total / n;
}

/**
 * The encoder's gradient from the latent layer's last backward pass (for gradient probes):
 * ∂J/∂W_e = xᵀ·δa and ∂J/∂b_e = Σ_r δa_r with δa = layer.dLogits (the estimator's ∂J/∂a; the
 * log q term adds nothing to the logits, elbo.ts). Shapes: out (pixels·latents + latents).
 */
export function encoderGradient(vae: BinaryVae, n: number, out: Float64Array): void {
  const net = vae.network;
  const N = vae.latent.width;
  const D = net.input.width;
  const d = vae.latent.dLogits;
  productXtD(net.output(net.input), n, D, d, N, 1, 0, out, true);
  const b = out.subarray(D * N, D * N + N);
  b.fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < N; j++) b[j] += d[r * N + j];
}
