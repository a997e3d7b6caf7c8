/**
 * The node types of a network (src/nets/network.ts): each maps its input nodes' outputs to its own
 * output for a minibatch of n rows (sample-major), and back-propagates. Deterministic layers:
 * the input, dense (affine), rectifier, block gating; losses (softmax cross-entropy, squared error,
 * and the 0/1 error, which has no gradient). The stochastic layer lives in stochastic.ts.
 * Every product and element-wise batch operation goes through ./ops.ts.
 */
import { FieldError } from "../errors.js";
import type { Stream } from "../random/stream.js";
import { blockScale, blockScaleBackward, columnSums, logSumExpRows, productDWt, productXtD, productXW, relu, reluBackward } from "./ops.js";

/** One minibatch: input rows and, for classification losses, labels. */
export interface Batch {
  /** rows */
  n: number;
  /** n×inputWidth, sample-major */
  x: Float64Array;
  /** class of each row (classification losses) */
  labels?: Uint8Array | Int32Array;
}

/** What a node's forward and backward passes see besides their tensors. */
export interface PassContext {
  readonly n: number;
  readonly batch: Batch;
  /** buffer slot: 0 is the main pass, 1 a re-run of the downstream network */
  readonly slot: number;
  /** mean-field pass: stochastic layers output E[h | a] (MuProp) */
  readonly mean: boolean;
}

/**
 * A node. Its output is n×width; parameters are views into the network's flat θ (and gradient),
 * bound by the network. `forward` must not allocate; `backward` accumulates (+=) into the input
 * gradients that are non-null and, when `paramGrads` is non-null, into the parameter gradient.
 */
export abstract class NetNode {
  /** position in the network (set by the builder) */
  index = -1;
  /** parameter count */
  readonly nParams: number = 0;
  /** outputs are 0/1 by construction (products with them can use row additions) */
  readonly binary: boolean = false;
  /** the output has a derivative with respect to the inputs */
  readonly differentiable: boolean = true;
  /** a per-example loss (width 1); the network's f is the sum of its loss nodes */
  readonly isLoss: boolean = false;
  params: Float64Array = new Float64Array(0);
  constructor(
    readonly name: string,
    readonly inputs: readonly NetNode[],
    readonly width: number,
  ) {}
  /** Initialise this node's parameters (a view of θ). */
  init(_params: Float64Array, _stream: Stream): void {}
  /** Scratch sized for up to maxRows rows and the given number of slots, from the network's memory (`f64(n)`: n zeros). */
  allocate(_maxRows: number, _slots: number, _f64: (n: number) => Float64Array): void {}
  abstract forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void;
  abstract backward(ins: Float64Array[], out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext, paramGrads: Float64Array | null): void;
  /** Plain-data description for records. */
  describe(): Record<string, unknown> {
    return { name: this.name, type: this.constructor.name, width: this.width, inputs: this.inputs.map((x) => x.name) };
  }
}

/** The network input: copies batch.x (n×width). */
export class InputNode extends NetNode {
  override readonly binary: boolean;
  constructor(name: string, width: number, binary = false) {
    super(name, [], width);
    this.binary = binary;
  }
  forward(_ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const len = ctx.n * this.width;
    if (ctx.batch.x.length < len) throw new Error(`input ${this.name}: batch.x has ${ctx.batch.x.length} entries, need ${len}`);
    out.set(ctx.batch.x.subarray(0, len));
  }
  backward(): void {}
}

/**
 * Dense (affine) layer y = x·W + b. Parameters: W (nIn×nOut, input-major: W[k, j] from input k to
 * unit j), then b (nOut). Initialisation: Glorot & Bengio (2010) uniform, W ~ U(±√(6/(nIn+nOut))),
 * b = biasInit (default 0).
 */
export class DenseNode extends NetNode {
  override readonly nParams: number;
  readonly nIn: number;
  constructor(
    name: string,
    input: NetNode,
    readonly nOut: number,
    readonly biasInit = 0,
  ) {
    super(name, [input], nOut);
    if (!Number.isInteger(nOut) || nOut < 1) throw new FieldError(`${name}.width`, `expected an integer ≥ 1, got ${nOut}`);
    this.nIn = input.width;
    this.nParams = this.nIn * nOut + nOut;
  }
  /** views of the vectors split so far (θ and gradient views are split once, not per step) */
  private readonly splits = new WeakMap<Float64Array, { W: Float64Array; b: Float64Array }>();
  /** W (nIn×nOut) and b (nOut) as views of a parameter-shaped vector of this node. */
  split(v: Float64Array): { W: Float64Array; b: Float64Array } {
    let r = this.splits.get(v);
    if (!r) {
      const nw = this.nIn * this.nOut;
      r = { W: v.subarray(0, nw), b: v.subarray(nw, nw + this.nOut) };
      this.splits.set(v, r);
    }
    return r;
  }
  override init(params: Float64Array, stream: Stream): void {
    const { W, b } = this.split(params);
    const r = Math.sqrt(6 / (this.nIn + this.nOut));
    for (let k = 0; k < W.length; k++) W[k] = r * (2 * stream.uniform() - 1);
    b.fill(this.biasInit);
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const { W, b } = this.split(this.params);
    productXW(ins[0], ctx.n, this.nIn, W, this.nOut, 1, 0, out, this.inputs[0].binary, b);
  }
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext, paramGrads: Float64Array | null): void {
    const n = ctx.n;
    if (paramGrads) {
      const g = this.split(paramGrads);
      productXtD(ins[0], n, this.nIn, dOut, this.nOut, 1, 1, g.W, this.inputs[0].binary);
      columnSums(dOut, n, this.nOut, 1, g.b);
    }
    if (dIns[0]) productDWt(dOut, n, this.nOut, this.split(this.params).W, this.nIn, 1, 1, dIns[0]);
  }
  override describe(): Record<string, unknown> {
    return { ...super.describe(), nIn: this.nIn, nOut: this.nOut, biasInit: this.biasInit };
  }
}

/** Rectifier y = max(0, x). */
export class ReluNode extends NetNode {
  constructor(name: string, input: NetNode) {
    super(name, [input], input.width);
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    relu(ins[0], ctx.n * this.width, out);
  }
  backward(_ins: Float64Array[], out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext): void {
    if (dIns[0]) reluBackward(out, dOut, ctx.n * this.width, dIns[0]);
  }
}

/**
 * Block gating (conditional computation, Bengio, Léonard & Courville 2013, arXiv 1308.3432 §6):
 * y[r, j·s + k] = x[r, j·s + k]·g[r, j] — gate j multiplies block j (s units) of the main path, so
 * a gate at exact 0 switches its block off. Inputs: the main path (G·s wide), the gates (G wide).
 */
export class GateNode extends NetNode {
  readonly blocks: number;
  constructor(
    name: string,
    main: NetNode,
    gates: NetNode,
    readonly blockSize: number,
  ) {
    super(name, [main, gates], main.width);
    if (!Number.isInteger(blockSize) || blockSize < 1 || main.width !== gates.width * blockSize) {
      throw new FieldError(`${name}.blockSize`, `${gates.width} gates of ${blockSize} units do not cover the ${main.width} units of ${main.name}`);
    }
    this.blocks = gates.width;
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    blockScale(ins[0], ins[1], ctx.n, this.blocks, this.blockSize, out);
  }
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext): void {
    blockScaleBackward(ins[0], ins[1], dOut, ctx.n, this.blocks, this.blockSize, dIns[0], dIns[1]);
  }
  override describe(): Record<string, unknown> {
    return { ...super.describe(), blockSize: this.blockSize };
  }
}

function requireLabels(batch: Batch, n: number, classes: number, name: string): Uint8Array | Int32Array {
  const y = batch.labels;
  if (!y || y.length < n) throw new Error(`${name}: the batch needs ${n} labels`);
  for (let r = 0; r < n; r++) if (!(y[r] >= 0 && y[r] < classes)) throw new Error(`${name}: label ${y[r]} of row ${r} is not a class in [0, ${classes})`);
  return y;
}

/**
 * Softmax cross-entropy, a per-example loss: f_r = log Σ_c e^{o_rc} − o_{r,y_r}, with the softmax
 * gradient ∂f_r/∂o_rc = π_rc − 1[c = y_r]. Input: the class logits o (n×C); labels from the batch.
 */
export class SoftmaxCrossEntropyNode extends NetNode {
  override readonly isLoss = true;
  private lse: Float64Array[] = [];
  constructor(name: string, logits: NetNode) {
    super(name, [logits], 1);
  }
  override allocate(maxRows: number, slots: number, f64: (n: number) => Float64Array): void {
    this.lse = Array.from({ length: slots }, () => f64(maxRows));
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const C = this.inputs[0].width;
    const y = requireLabels(ctx.batch, ctx.n, C, this.name);
    const lse = this.lse[ctx.slot];
    logSumExpRows(ins[0], ctx.n, C, lse);
    for (let r = 0; r < ctx.n; r++) out[r] = lse[r] - ins[0][r * C + y[r]];
  }
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext): void {
    const d = dIns[0];
    if (!d) return;
    const C = this.inputs[0].width;
    const y = ctx.batch.labels!;
    const lse = this.lse[ctx.slot];
    const o = ins[0];
    for (let r = 0; r < ctx.n; r++) {
      const w = dOut[r];
      const off = r * C;
      for (let c = 0; c < C; c++) d[off + c] += w * Math.exp(o[off + c] - lse[r]);
      d[off + y[r]] -= w;
    }
  }
}

/** The 0/1 error f_r = 1[argmax_c o_rc ≠ y_r] (ties to the lowest class): a loss with no gradient. */
export class ZeroOneLossNode extends NetNode {
  override readonly isLoss = true;
  override readonly differentiable = false;
  constructor(name: string, logits: NetNode) {
    super(name, [logits], 1);
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const C = this.inputs[0].width;
    const y = requireLabels(ctx.batch, ctx.n, C, this.name);
    for (let r = 0; r < ctx.n; r++) out[r] = +(argmaxRow(ins[0], r * C, C) !== y[r]);
  }
  backward(): void {}
}

/** Index of the largest of x[off … off+C) (the first on ties). */
export function argmaxRow(x: Float64Array, off: number, C: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if (x[off + c] > x[off + best]) best = c;
  return best;
}

/** Squared error to a constant target t (the project's SquaredLoss): f_r = Σ_k (x_rk − t_k)². */
export class SquaredLossNode extends NetNode {
  override readonly isLoss = true;
  readonly target: Float64Array;
  constructor(name: string, input: NetNode, target: ArrayLike<number>) {
    super(name, [input], 1);
    if (target.length !== input.width) throw new FieldError(`${name}.target`, `expected ${input.width} entries (the width of ${input.name}), got ${target.length}`);
    this.target = Float64Array.from(target);
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const K = this.target.length;
    for (let r = 0; r < ctx.n; r++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const d = ins[0][r * K + k] - this.target[k];
        s += d * d;
      }
      out[r] = s;
    }
  }
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext): void {
    const d = dIns[0];
    if (!d) return;
    const K = this.target.length;
    for (let r = 0; r < ctx.n; r++) for (let k = 0; k < K; k++) d[r * K + k] += dOut[r] * 2 * (ins[0][r * K + k] - this.target[k]);
  }
}
