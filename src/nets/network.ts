/**
 * A batched network: a directed acyclic graph of nodes (layers.ts, stochastic.ts) evaluated in
 * construction order on minibatches of up to maxRows rows (sample-major), with one flat parameter
 * vector θ and its gradient. The minibatch objective is
 *   J = (1/n)·Σ_r f_r + Σ_layers penalty,   f_r = Σ over loss nodes of example r's loss,
 * and `backward` writes ∂J/∂θ: exact through the deterministic nodes (back-propagation), and at
 * each stochastic layer the layer's estimator of ∂J/∂a (src/nets/estimators/), fed the signals the
 * network can supply (the per-example losses, δh when the downstream path is differentiable,
 * re-runs of the downstream nodes, the mean-field pass). Downstream re-runs use a second buffer
 * slot, so the main pass's tensors stay intact for the backward pass.
 *
 * Explicit noise: each stochastic layer reads its uniforms from `layer.noise` (n × noiseStride),
 * which the caller fills before `forward` (`fillNoise` draws them from a Stream in layer order).
 * No allocation per step after construction.
 */
import { InputError } from "../errors.js";
import type { Stream } from "../random/stream.js";
import type { LayerEstimatorOptions, LayerEstimatorSpec, LayerSignals } from "./estimators/types.js";
import { BernoulliLikelihoodNode, BernoulliLogPosteriorNode, BernoulliPriorNode } from "./elbo.js";
import { DenseNode, GateNode, InputNode, NetNode, ReluNode, SoftmaxCrossEntropyNode, SquaredLossNode, ZeroOneLossNode, type Batch, type PassContext } from "./layers.js";
import { netMemory, type NetMemory } from "./ops.js";
import { StochasticNode, type SparsityTarget } from "./stochastic.js";
import type { LayerUnit } from "./units.js";

interface MutableContext extends PassContext {
  n: number;
  batch: Batch;
}

const EMPTY = new Float64Array(0);

/** Mutable signals of one stochastic layer, refreshed before each call of its estimator. */
interface Signals extends LayerSignals {
  n: number;
  weight: number;
  gradOutput: Float64Array | null;
}

export class Network {
  readonly nodes: readonly NetNode[];
  readonly nParams: number;
  /** parameters θ (all nodes, in node order) */
  readonly theta: Float64Array;
  /** ∂J/∂θ of the last backward pass */
  readonly grad: Float64Array;
  readonly input: InputNode;
  readonly stochastic: readonly StochasticNode[];
  readonly lossNodes: readonly NetNode[];
  /** per-example losses f of the last forward pass (maxRows) */
  readonly f: Float64Array;
  /** rows of the current minibatch */
  get n(): number {
    return this.ctx[0].n;
  }
  /** the minibatch of the last forward pass */
  get batch(): Batch {
    return this.ctx[0].batch;
  }
  private readonly offsets: number[];
  /** each node's view of grad */
  private readonly gradViews: Float64Array[];
  private readonly out: Float64Array[][];
  private readonly dOut: Float64Array[][];
  private readonly needsGrad: Uint8Array;
  /** per stochastic layer: which nodes are downstream of it */
  private readonly down: Uint8Array[];
  /** per stochastic layer: δh is a back-propagated signal */
  private readonly backpropOk: boolean[];
  private readonly ins: Float64Array[][][];
  private readonly dIns: (Float64Array | null)[][][];
  private readonly ctx: MutableContext[];
  private readonly meanCtx: MutableContext;
  private readonly contexts: MutableContext[];
  private readonly signals: Signals[];
  /** where θ, the gradient and every buffer live (the kernels' shared memory) */
  private readonly memory: NetMemory;

  /**
   * @param nodes in topological order (every input before its consumers), with unique names
   * @param maxRows largest minibatch
   */
  constructor(nodes: NetNode[], readonly maxRows: number) {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new InputError(`network: maxRows must be an integer ≥ 1, got ${maxRows}`);
    const names = new Set<string>();
    nodes.forEach((node, i) => {
      if (names.has(node.name)) throw new InputError(`network: two nodes are named "${node.name}"`);
      names.add(node.name);
      for (const inp of node.inputs) if (inp.index < 0 || inp.index >= i || nodes[inp.index] !== inp) throw new InputError(`network: node "${node.name}" reads "${inp.name}", which is not an earlier node of this network`);
      node.index = i;
    });
    this.nodes = nodes;
    const inputs = nodes.filter((x): x is InputNode => x instanceof InputNode);
    if (inputs.length !== 1) throw new InputError(`network: expected exactly one input node, got ${inputs.length}`);
    this.input = inputs[0];
    this.lossNodes = nodes.filter((x) => x.isLoss);
    if (this.lossNodes.length === 0) throw new InputError("network: no loss node");
    this.stochastic = nodes.filter((x): x is StochasticNode => x instanceof StochasticNode);
    // parameters
    this.offsets = [];
    let p = 0;
    for (const node of nodes) {
      this.offsets.push(p);
      p += node.nParams;
    }
    this.nParams = p;
    const memory = (this.memory = netMemory());
    const f64 = (n: number) => (n > 0 ? memory.f64(n) : EMPTY);
    this.theta = f64(p);
    this.grad = f64(p);
    nodes.forEach((node, i) => (node.params = this.theta.subarray(this.offsets[i], this.offsets[i] + node.nParams)));
    this.gradViews = nodes.map((node, i) => this.grad.subarray(this.offsets[i], this.offsets[i] + node.nParams));
    // which nodes need gradients, and what lies downstream of each stochastic layer
    this.needsGrad = new Uint8Array(nodes.length);
    nodes.forEach((node, i) => (this.needsGrad[i] = +(node.nParams > 0 || node.inputs.some((x) => this.needsGrad[x.index] === 1))));
    this.down = this.stochastic.map((s) => {
      const m = new Uint8Array(nodes.length);
      for (let i = s.index + 1; i < nodes.length; i++) m[i] = +nodes[i].inputs.some((x) => x === s || m[x.index] === 1);
      return m;
    });
    this.backpropOk = this.stochastic.map((s, k) => this.blocker(k, true) === null);
    this.stochastic.forEach((s, k) => this.validateLayer(s, k));
    // buffers: slot 0 for every node, slot 1 for nodes downstream of a stochastic layer
    const inRerun = (i: number) => this.down.some((m) => m[i] === 1);
    this.out = [nodes.map((x) => f64(maxRows * x.width)), nodes.map((x, i) => (inRerun(i) ? f64(maxRows * x.width) : EMPTY))];
    this.dOut = [nodes.map((x, i) => (this.needsGrad[i] ? f64(maxRows * x.width) : EMPTY)), nodes.map((x, i) => (inRerun(i) ? f64(maxRows * x.width) : EMPTY))];
    for (const node of nodes) node.allocate(maxRows, 2, f64);
    this.f = f64(maxRows);
    const batch: Batch = { n: 0, x: EMPTY };
    this.ctx = [0, 1].map((slot) => ({ n: 0, batch, slot, mean: false }));
    this.meanCtx = { n: 0, batch, slot: 1, mean: true };
    this.contexts = [...this.ctx, this.meanCtx];
    // input lists, fixed once (slot 0); re-runs patch their copies in place
    this.ins = [0, 1].map((slot) => nodes.map((node) => node.inputs.map((x) => (slot === 1 && inRerun(x.index) ? this.out[1][x.index] : this.out[0][x.index]))));
    // the main pass never computes δh of a stochastic layer whose estimator does not read it (its
    // consumers skip that input gradient); re-runs and the mean-field pass set their own lists
    const unread = (x: NetNode) => x instanceof StochasticNode && !x.spec.needsBackprop;
    this.dIns = [0, 1].map((slot) => nodes.map((node) => node.inputs.map((x) => (this.needsGrad[x.index] && !(slot === 0 && unread(x)) ? this.dOut[slot][x.index] : null))));
    this.signals = this.stochastic.map((s, k) => this.makeSignals(s, k));
  }

  /**
   * The first node downstream of layer k that stops a gradient, else null. strict (the
   * back-propagated signal δh): a non-differentiable node, or a stochastic layer whose estimator
   * does not propagate; not strict (the mean-field pass, where stochastic layers are replaced by
   * their differentiable means): a non-differentiable node only.
   */
  private blocker(k: number, strict: boolean): NetNode | null {
    const m = this.down[k];
    for (let i = 0; i < this.nodes.length; i++) {
      if (!m[i]) continue;
      const node = this.nodes[i];
      if (node instanceof StochasticNode) {
        if (strict && !node.spec.propagates) return node;
      } else if (!node.differentiable) return node;
    }
    return null;
  }

  private validateLayer(s: StochasticNode, k: number): void {
    if (s.spec.needsBackprop && !this.backpropOk[k]) {
      const b = this.blocker(k, true)!;
      const why = b instanceof StochasticNode ? `the stochastic layer "${b.name}" downstream uses ${b.spec.id}, which does not back-propagate` : `"${b.name}" downstream is not differentiable`;
      throw new InputError(`layer "${s.name}": estimator ${s.spec.id} needs a back-propagated signal, but ${why}`);
    }
    if (s.spec.needsMeanField && this.blocker(k, false) !== null) throw new InputError(`layer "${s.name}": estimator ${s.spec.id} needs the mean-field gradient, but "${this.blocker(k, false)!.name}" downstream is not differentiable`);
  }

  private makeSignals(s: StochasticNode, k: number): Signals {
    const i = s.index;
    const logitsNode = s.inputs[0].index;
    const net = this;
    return {
      n: 0,
      width: s.width,
      unit: s.unit,
      logits: this.out[0][logitsNode],
      prob: s.prob(0),
      noise: s.noise,
      noiseStride: s.noiseStride,
      e: s.noiseValues(0),
      h: this.out[0][i],
      weight: 0,
      losses: this.f,
      gradOutput: null,
      rerun: (hAlt, fOut) => net.rerun(k, hAlt, fOut, false),
      meanField: this.blocker(k, false) === null ? (hBar, fOut, dfdh) => net.meanField(k, hBar, fOut, dfdh) : null,
      input: this.out[0][this.input.index],
      inputWidth: this.input.width,
    };
  }

  /** Parameters of one node (a view of θ, or of a parameter-shaped vector v). */
  paramsOf(node: NetNode, v: Float64Array = this.theta): Float64Array {
    const o = this.offsets[node.index];
    return v.subarray(o, o + node.nParams);
  }

  /** Initialise every node's parameters from stream.fork(node name). */
  init(stream: Stream): void {
    for (const node of this.nodes) if (node.nParams > 0) node.init(node.params, stream.fork(`init/${node.name}`));
  }

  /** Output of a node in a buffer slot (maxRows × width; the first n rows are current). */
  output(node: NetNode, slot = 0): Float64Array {
    return this.out[slot][node.index];
  }

  /** Fill every stochastic layer's noise for n rows from the stream, in layer order (see fillLayerNoise). */
  fillNoise(stream: Stream, n: number): void {
    for (const s of this.stochastic) this.fillLayerNoise(s, stream, n);
  }

  /** Fill one layer's noise for n rows: 32-bit uniforms for discrete units, 53-bit ones in (0, 1) for Gaussian noise. */
  fillLayerNoise(s: StochasticNode, stream: Stream, n: number): void {
    const len = n * s.noiseStride;
    if (s.unit.noise === "uniform") stream.uniforms(s.noise, 0, len);
    else for (let k = 0; k < len; k++) s.noise[k] = stream.double();
  }

  /** Forward pass on a batch (noise already filled): fills every node's output and f; returns J. */
  forward(batch: Batch): number {
    const n = batch.n;
    if (!Number.isInteger(n) || n < 1 || n > this.maxRows) throw new InputError(`network: batch of ${n} rows (expected 1 … ${this.maxRows})`);
    for (const c of this.contexts) {
      c.n = n;
      c.batch = batch;
    }
    const ctx = this.ctx[0];
    for (let i = 0; i < this.nodes.length; i++) this.nodes[i].forward(this.ins[0][i], this.out[0][i], ctx);
    let J = this.collectLosses(n);
    for (const s of this.stochastic) J += s.penalty(n);
    return J;
  }

  /** Backward pass after forward: grad ← ∂J/∂θ (estimated at the stochastic layers). */
  backward(): void {
    const n = this.n;
    const ctx = this.ctx[0];
    this.grad.fill(0);
    for (let i = 0; i < this.nodes.length; i++) if (this.needsGrad[i]) this.dOut[0][i].fill(0, 0, n * this.nodes[i].width);
    for (const L of this.lossNodes) if (this.needsGrad[L.index]) this.dOut[0][L.index].fill(1 / n, 0, n);
    let k = this.stochastic.length - 1;
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i];
      if (!this.needsGrad[i]) continue;
      if (node instanceof StochasticNode) {
        const sig = this.signals[k];
        sig.n = n;
        sig.weight = 1 / n;
        sig.gradOutput = this.backpropOk[k] ? this.dOut[0][i] : null;
        node.estimate(sig, this.dIns[0][i][0]);
        k--;
      } else node.backward(this.ins[0][i], this.out[0][i], this.dOut[0][i], this.dIns[0][i], ctx, node.nParams > 0 ? this.gradViews[i] : null);
    }
  }

  /**
   * Re-sample one stochastic layer and everything downstream of it (after `forward`, with the
   * layer's noise refilled by the caller); nodes upstream keep their outputs. Updates f; returns
   * the task part (1/n)·Σ_r f_r. The probe of gradient moments on a fixed minibatch uses it, so
   * that each draw costs only the downstream network.
   */
  resample(layer: StochasticNode): number {
    const k = this.stochastic.indexOf(layer);
    const m = this.down[k];
    const n = this.ctx[0].n;
    const ctx = this.ctx[0];
    for (let i = layer.index; i < this.nodes.length; i++) if (i === layer.index || m[i]) this.nodes[i].forward(this.ins[0][i], this.out[0][i], ctx);
    return this.collectLosses(n);
  }

  /** f ← the sum of the loss nodes' slot-0 outputs (n rows); returns (1/n)·Σ_r f_r. */
  private collectLosses(n: number): number {
    const f = this.f;
    f.fill(0, 0, n);
    for (const L of this.lossNodes) {
      const o = this.out[0][L.index];
      for (let r = 0; r < n; r++) f[r] += o[r];
    }
    let s = 0;
    for (let r = 0; r < n; r++) s += f[r];
    return s / n;
  }

  /**
   * Backward pass from the losses down to one stochastic layer only, without parameter gradients:
   * afterwards layer.dLogits holds its estimator's ∂J/∂a (and layer.dPenalty the penalty's).
   */
  backwardTo(layer: StochasticNode): void {
    const k0 = this.stochastic.indexOf(layer);
    const m = this.down[k0];
    const n = this.n;
    const ctx = this.ctx[0];
    for (let i = layer.index; i < this.nodes.length; i++) if ((i === layer.index || m[i]) && this.needsGrad[i]) this.dOut[0][i].fill(this.nodes[i].isLoss ? 1 / n : 0, 0, n * this.nodes[i].width);
    for (let i = this.nodes.length - 1; i >= layer.index; i--) {
      if (!(i === layer.index || m[i]) || !this.needsGrad[i]) continue;
      const node = this.nodes[i];
      if (node instanceof StochasticNode) {
        const sig = this.signalsOf(node);
        node.estimate(sig, i === layer.index ? null : this.dIns[0][i][0]);
      } else node.backward(this.ins[0][i], this.out[0][i], this.dOut[0][i], this.dIns[0][i], ctx, null);
    }
  }

  /** Advance every layer estimator's online state from the last step. */
  observe(): void {
    this.stochastic.forEach((s, k) => s.estimator.observe?.(this.signals[k]));
  }

  /** The signals layer k's estimator saw (or would see) for the current minibatch. */
  signalsOf(layer: StochasticNode): LayerSignals {
    const k = this.stochastic.indexOf(layer);
    const sig = this.signals[k];
    sig.n = this.n;
    sig.weight = 1 / this.n;
    sig.gradOutput = this.backpropOk[k] ? this.dOut[0][layer.index] : null;
    return sig;
  }

  /** Downstream of layer k with its output replaced by hAlt (slot 1); fOut (n) ← per-example losses. */
  private rerun(k: number, hAlt: Float64Array, fOut: Float64Array, mean: boolean): void {
    const m = this.down[k];
    const s = this.stochastic[k];
    const ctx = mean ? this.meanCtx : this.ctx[1];
    const n = ctx.n;
    for (let i = s.index + 1; i < this.nodes.length; i++) {
      if (!m[i]) continue;
      const node = this.nodes[i];
      const ins = this.ins[1][i];
      for (let j = 0; j < ins.length; j++) {
        const x = node.inputs[j];
        ins[j] = x === s ? hAlt : m[x.index] ? this.out[1][x.index] : this.out[0][x.index];
      }
      node.forward(ins, this.out[1][i], ctx);
    }
    fOut.fill(0, 0, n);
    for (const L of this.lossNodes) {
      const o = m[L.index] ? this.out[1][L.index] : this.out[0][L.index];
      for (let r = 0; r < n; r++) fOut[r] += o[r];
    }
  }

  /** The mean-field pass of layer k at hBar: fOut ← f(hBar), dfdh ← ∂f/∂h per example (unweighted). */
  private meanField(k: number, hBar: Float64Array, fOut: Float64Array, dfdh: Float64Array): void {
    this.rerun(k, hBar, fOut, true);
    const m = this.down[k];
    const s = this.stochastic[k];
    const ctx = this.meanCtx;
    const n = ctx.n;
    dfdh.fill(0, 0, n * s.width);
    for (let i = s.index + 1; i < this.nodes.length; i++) if (m[i]) this.dOut[1][i].fill(this.nodes[i].isLoss ? 1 : 0, 0, n * this.nodes[i].width);
    for (let i = this.nodes.length - 1; i > s.index; i--) {
      if (!m[i]) continue;
      const node = this.nodes[i];
      const dIns = this.dIns[1][i];
      for (let j = 0; j < dIns.length; j++) {
        const x = node.inputs[j];
        dIns[j] = x === s ? dfdh : m[x.index] ? this.dOut[1][x.index] : null;
      }
      node.backward(this.ins[1][i], this.out[1][i], this.dOut[1][i], dIns, ctx, null);
    }
  }

  /**
   * Return θ, the gradient and every buffer to the kernels' memory. Call it when a network is no
   * longer needed in a long-lived process; none of its arrays (θ, grad, outputs, noise) may be
   * used afterwards.
   */
  release(): void {
    this.memory.release();
  }

  /** Plain-data description of the nodes (records). */
  describe(): Record<string, unknown>[] {
    return this.nodes.map((x) => x.describe());
  }
}

/** Options of a stochastic layer. */
export interface StochasticOptions {
  unit: LayerUnit;
  estimator: LayerEstimatorSpec;
  estimatorOptions?: LayerEstimatorOptions;
  sparsity?: SparsityTarget | null;
}

/** Builds a network node by node, in topological order. */
export class NetworkBuilder {
  private readonly nodes: NetNode[] = [];
  private add<T extends NetNode>(node: T): T {
    node.index = this.nodes.length;
    this.nodes.push(node);
    return node;
  }
  /** The input rows x (n×width); `binary` when they are 0/1 (products with them use row additions). */
  input(name: string, width: number, binary = false): InputNode {
    return this.add(new InputNode(name, width, binary));
  }
  /** y = x·W + b, W (input width × width), Glorot-uniform W and b = biasInit. */
  dense(name: string, input: NetNode, width: number, biasInit = 0): DenseNode {
    return this.add(new DenseNode(name, input, width, biasInit));
  }
  /** y = max(0, x). */
  relu(name: string, input: NetNode): ReluNode {
    return this.add(new ReluNode(name, input));
  }
  /** y[r, j·s + k] = main[r, j·s + k]·gates[r, j] (blocks of s = blockSize units). */
  gate(name: string, main: NetNode, gates: NetNode, blockSize: number): GateNode {
    return this.add(new GateNode(name, main, gates, blockSize));
  }
  /** h = unit(a, u) for the logits a, with its layer estimator and optional sparsity target. */
  stochastic(name: string, logits: NetNode, o: StochasticOptions): StochasticNode {
    return this.add(new StochasticNode(name, logits, o.unit, o.estimator, o.estimatorOptions, o.sparsity ?? null));
  }
  /** Per-example loss f_r = log Σ_c e^{o_rc} − o_{r,y_r} (labels from the batch). */
  softmaxCrossEntropy(name: string, logits: NetNode): SoftmaxCrossEntropyNode {
    return this.add(new SoftmaxCrossEntropyNode(name, logits));
  }
  /** Per-example loss f_r = 1[argmax_c o_rc ≠ y_r], with no gradient. */
  zeroOne(name: string, logits: NetNode): ZeroOneLossNode {
    return this.add(new ZeroOneLossNode(name, logits));
  }
  /** Per-example loss f_r = Σ_k (x_rk − t_k)² for a constant target t. */
  squared(name: string, input: NetNode, target: ArrayLike<number>): SquaredLossNode {
    return this.add(new SquaredLossNode(name, input, target));
  }
  /** Per-example loss f_r = −log p(x_r | o_r) = Σ_k softplus(o_rk) − x_rk·o_rk for 0/1 targets x (elbo.ts). */
  bernoulliLikelihood(name: string, logits: NetNode, target: NetNode): BernoulliLikelihoodNode {
    return this.add(new BernoulliLikelihoodNode(name, logits, target));
  }
  /** Per-example loss f_r = −log p(h_r) = Σ_j softplus(c_j) − h_rj·c_j, learned prior logits c (elbo.ts). */
  bernoulliPrior(name: string, h: NetNode, initLogit = 0): BernoulliPriorNode {
    return this.add(new BernoulliPriorNode(name, h, initLogit));
  }
  /** Per-example term f_r = log q(h_r | a_r) = Σ_j h_rj·a_rj − softplus(a_rj) (elbo.ts). */
  bernoulliLogPosterior(name: string, h: NetNode, logits: NetNode): BernoulliLogPosteriorNode {
    return this.add(new BernoulliLogPosteriorNode(name, h, logits));
  }
  /** The network of the nodes added so far, for minibatches of up to maxRows rows (validates every layer's estimator). */
  build(maxRows: number): Network {
    return new Network(this.nodes, maxRows);
  }
}
