/**
 * The three per-example terms of a Bernoulli-latent VAE's negative ELBO, as loss nodes of a
 * network (Kingma & Welling 2014 §2.3; the binary-latent form of Mnih & Gregor 2014, NVIL §2):
 *   f_r = −log p(x_r | h_r) − log p(h_r) + log q(h_r | x_r) = −ELBO_r(h_r),
 *   −log p(x | h) = Σ_k softplus(o_k) − x_k·o_k        (o = decoder logits, x the 0/1 input)
 *   −log p(h)     = Σ_j softplus(c_j) − h_j·c_j        (factorised prior, learned logits c)
 *   log q(h | x)  = Σ_j h_j·a_j − softplus(a_j)        (a = encoder logits)
 * so E_q[f] = −ELBO. Every term is linear in h given the logits, which lets the mean-field pass
 * (MuProp) and relaxed passes (Gumbel-Softmax, RELAX) evaluate it at any h ∈ [0, 1]. The log q
 * term reads the encoder logits directly; ∇_a E_q[f] = E[f·∇_a log q] + E[∂f/∂a |_h], and the
 * second expectation is E[h − σ(a)] = 0, so the layer estimator alone is the encoder's gradient.
 */
import type { Stream } from "../random/stream.js";
import { NetNode, type PassContext } from "./layers.js";
import { sigmoid, softplusRowSums } from "./ops.js";

/** −log p(x | h) for Bernoulli pixels: inputs the decoder logits o (n×K) and the 0/1 target x (n×K, the network input). */
export class BernoulliLikelihoodNode extends NetNode {
  override readonly isLoss = true;
  private p: Float64Array[] = [];
  constructor(name: string, logits: NetNode, target: NetNode) {
    super(name, [logits, target], 1);
    if (logits.width !== target.width) throw new Error(`${name}: logits of width ${logits.width}, target of width ${target.width}`);
  }
  override allocate(maxRows: number, slots: number, f64: (n: number) => Float64Array): void {
    this.p = Array.from({ length: slots }, () => f64(maxRows * this.inputs[0].width));
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const K = this.inputs[0].width;
    const o = ins[0];
    const x = ins[1];
    softplusRowSums(o, ctx.n, K, out);
    for (let r = 0; r < ctx.n; r++) {
      let s = 0;
      const off = r * K;
      for (let k = 0; k < K; k++) s += x[off + k] * o[off + k];
      out[r] -= s;
    }
  }
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext): void {
    const d = dIns[0];
    if (!d) return;
    const K = this.inputs[0].width;
    const p = this.p[ctx.slot];
    sigmoid(ins[0], ctx.n * K, p);
    const x = ins[1];
    for (let r = 0; r < ctx.n; r++) {
      const w = dOut[r];
      const off = r * K;
      for (let k = 0; k < K; k++) d[off + k] += w * (p[off + k] - x[off + k]);
    }
  }
}

/** −log p(h) under a factorised Bernoulli prior with learned logits c (width parameters, initialised to `init`). */
export class BernoulliPriorNode extends NetNode {
  override readonly isLoss = true;
  override readonly nParams: number;
  private readonly sp: Float64Array;
  private readonly pc: Float64Array;
  constructor(
    name: string,
    h: NetNode,
    readonly initLogit = 0,
  ) {
    super(name, [h], 1);
    this.nParams = h.width;
    this.sp = new Float64Array(1);
    this.pc = new Float64Array(h.width);
  }
  override init(params: Float64Array, _stream: Stream): void {
    params.fill(this.initLogit);
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const N = this.nParams;
    const c = this.params;
    softplusRowSums(c, 1, N, this.sp);
    const h = ins[0];
    for (let r = 0; r < ctx.n; r++) {
      let s = 0;
      const off = r * N;
      for (let j = 0; j < N; j++) s += h[off + j] * c[j];
      out[r] = this.sp[0] - s;
    }
  }
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext, paramGrads: Float64Array | null): void {
    const N = this.nParams;
    const c = this.params;
    const h = ins[0];
    const d = dIns[0];
    if (d) for (let r = 0; r < ctx.n; r++) for (let j = 0; j < N; j++) d[r * N + j] -= dOut[r] * c[j];
    if (paramGrads) {
      sigmoid(c, N, this.pc);
      for (let r = 0; r < ctx.n; r++) {
        const w = dOut[r];
        const off = r * N;
        for (let j = 0; j < N; j++) paramGrads[j] += w * (this.pc[j] - h[off + j]);
      }
    }
  }
  override describe(): Record<string, unknown> {
    return { ...super.describe(), initLogit: this.initLogit };
  }
}

/**
 * log q(h | x) of a factorised Bernoulli posterior: inputs the sample h (n×N) and its logits a
 * (n×N). Its backward pass gives ∂f/∂h = a (for back-propagated and relaxed signals) but nothing
 * to the logits: the direct term ∂f/∂a at fixed h = h − σ(a) has mean zero under q, so leaving it
 * out keeps every unbiased estimator unbiased and only removes variance.
 */
export class BernoulliLogPosteriorNode extends NetNode {
  override readonly isLoss = true;
  constructor(name: string, h: NetNode, logits: NetNode) {
    super(name, [h, logits], 1);
    if (h.width !== logits.width) throw new Error(`${name}: sample of width ${h.width}, logits of width ${logits.width}`);
  }
  forward(ins: Float64Array[], out: Float64Array, ctx: PassContext): void {
    const N = this.inputs[0].width;
    const h = ins[0];
    const a = ins[1];
    softplusRowSums(a, ctx.n, N, out);
    for (let r = 0; r < ctx.n; r++) {
      let s = 0;
      const off = r * N;
      for (let j = 0; j < N; j++) s += h[off + j] * a[off + j];
      out[r] = s - out[r];
    }
  }
  backward(ins: Float64Array[], _out: Float64Array, dOut: Float64Array, dIns: (Float64Array | null)[], ctx: PassContext): void {
    const N = this.inputs[0].width;
    const a = ins[1];
    const dh = dIns[0];
    if (dh) for (let r = 0; r < ctx.n; r++) for (let j = 0; j < N; j++) dh[r * N + j] += dOut[r] * a[r * N + j];
  }
}
