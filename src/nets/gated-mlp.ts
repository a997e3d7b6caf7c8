/**
 * A gated MLP: a small-scale version of conditional computation (Bengio, Léonard & Courville 2013,
 * arXiv 1308.3432, §6). Two paths read the input x:
 *   gater path  g = relu(x·V₁ + c₁) (gaterHidden units; skipped when gaterHidden = 0),
 *               a = g·V₂ + c₂ (G gate logits), gates h = unit(a, u)   — the stochastic layer
 *   main path   m = relu(x·W₁ + b₁) (hidden = G·s units in G blocks of s),
 *               o = (m ⊙ expand(h))·W₂ + b₂ (class logits),  f = cross-entropy(o, y)
 * Gate j multiplies block j of the main path: where h_j = 0 exactly, the block's s·(d + C) main-path
 * multiply-adds (its rows of x·W₁ and its columns of W₂) could be skipped. A sparsity target ρ on
 * P(h_j ≠ 0) (stochastic.ts) drives most gates to exact zeros. The dense baseline is the main path
 * with no gates.
 *
 * Also here, because they use the gating structure: the exact ∂E[f]/∂a of discrete gates by
 * enumerating the 2^G gate configurations of every example (the reference of the gradient probes),
 * and the multiply-add accounting.
 */
import { FieldError, InputError } from "../errors.js";
import { sigmoid } from "../numerics.js";
import type { Stream } from "../random/stream.js";
import { normalQuantile } from "../stats/tests.js";
import { gatherRows, type ClassificationSet } from "./data.js";
import type { LayerEstimatorOptions, LayerEstimatorSpec } from "./estimators/types.js";
import { argmaxRow, DenseNode, type NetNode, ReluNode } from "./layers.js";
import { Network, NetworkBuilder } from "./network.js";
import { columnSums, productXtD } from "./ops.js";
import type { SparsityTarget, StochasticNode } from "./stochastic.js";
import type { LayerUnit } from "./units.js";

/** Largest number of gates whose 2^G configurations the exact gate gradient enumerates per example. */
export const MAX_EXACT_GATES = 20;

export interface GatedMlpOptions {
  /** input width d (784 for MNIST) */
  inputWidth: number;
  /** classes C */
  classes: number;
  /** main-path hidden units (G·s) */
  hidden: number;
  /** gates G (0: the dense baseline, no gater path) */
  gates: number;
  /** hidden rectifiers of the gater path (0: gate logits straight from the input) */
  gaterHidden: number;
  /** the gates' unit kind (required when gates > 0) */
  unit?: LayerUnit;
  /** the gates' layer estimator (required when gates > 0) */
  estimator?: LayerEstimatorSpec;
  estimatorOptions?: LayerEstimatorOptions;
  /** target fraction of gates on and the penalty weight (null: no penalty) */
  sparsity?: SparsityTarget | null;
  /** "cross-entropy" (default) or "zero-one" (the 0/1 error: no gradient, for score-function estimators only) */
  loss?: "cross-entropy" | "zero-one";
  /** largest minibatch */
  maxRows: number;
}

/** Test-set measurements of a (gated) MLP. */
export interface GateEvaluation {
  /** fraction of rows whose arg-max class is wrong */
  error: number;
  /** mean cross-entropy (nats) */
  crossEntropy: number;
  /** fraction of (row, gate) pairs with h = 0 exactly (0 for the dense baseline) */
  zeroGateFraction: number;
  /** skippable main-path multiply-adds / main-path multiply-adds */
  skippableFraction: number;
  /** skippable main-path multiply-adds / all multiply-adds of the gated net (main + gater path) */
  netSkippableFraction: number;
}

function requireCount(v: number, field: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new FieldError(field, `expected an integer ≥ ${min}, got ${v}`);
  return v;
}

/** Initial gate bias making P(h ≠ 0) = ρ (ρ clamped to [0.01, 0.99]; 0 without a target). */
function gateBias(unit: LayerUnit, rho: number | null): number {
  if (rho === null) return 0;
  const p = Math.min(0.99, Math.max(0.01, rho));
  const logit = (q: number) => Math.log(q / (1 - q));
  if (unit.kind === "bernoulli") return logit(p);
  if (unit.kind === "sts") return logit(p * p);
  return unit.s * normalQuantile(p);
}

export class GatedMlp {
  readonly network: Network;
  readonly options: GatedMlpOptions;
  readonly blockSize: number;
  /** the gates (null for the dense baseline) */
  readonly gateLayer: StochasticNode | null;
  /** the gate-logit layer (V₂, c₂): the gater units' parameters */
  readonly gateLogits: DenseNode | null;
  /** what the gate-logit layer reads (g, or x) */
  readonly gaterFeatures: NetNode | null;
  readonly main: ReluNode;
  readonly outLayer: DenseNode;
  /** multiply-adds per example: main path, gater path, one block of the main path */
  readonly macs: { main: number; gater: number; block: number };
  private readonly xBuf: Float64Array;
  private readonly yBuf: Uint8Array;
  private order = new Int32Array(0);

  constructor(o: GatedMlpOptions) {
    const d = requireCount(o.inputWidth, "inputWidth", 1);
    const C = requireCount(o.classes, "classes", 2);
    const H = requireCount(o.hidden, "hidden", 1);
    const G = requireCount(o.gates, "gates", 0);
    const gh = requireCount(o.gaterHidden, "gaterHidden", 0);
    if (G > 0 && H % G !== 0) throw new FieldError("gates", `${G} gates do not divide the ${H} hidden units into equal blocks`);
    if (G > 0 && (!o.unit || !o.estimator)) throw new FieldError("estimator", "a gated MLP needs the gates' unit kind and layer estimator");
    const loss = o.loss ?? "cross-entropy";
    if (loss !== "cross-entropy" && loss !== "zero-one") throw new FieldError("loss", `expected cross-entropy or zero-one, got "${loss as string}"`);
    this.options = { ...o, loss };
    this.blockSize = G > 0 ? H / G : 0;
    const b = new NetworkBuilder();
    const x = b.input("x", d);
    let gate: StochasticNode | null = null;
    let gateLogits: DenseNode | null = null;
    let feat: NetNode | null = null;
    if (G > 0) {
      feat = gh > 0 ? b.relu("gater-hidden", b.dense("gater-dense", x, gh)) : x;
      gateLogits = b.dense("gate-logits", feat, G, gateBias(o.unit!, o.sparsity ? o.sparsity.target : null));
      gate = b.stochastic("gates", gateLogits, { unit: o.unit!, estimator: o.estimator!, estimatorOptions: o.estimatorOptions, sparsity: o.sparsity ?? null });
    }
    const main = b.relu("main-hidden", b.dense("main-dense", x, H));
    const gated = gate ? b.gate("gated", main, gate, this.blockSize) : main;
    const out = b.dense("out", gated, C);
    if (loss === "cross-entropy") b.softmaxCrossEntropy("loss", out);
    else b.zeroOne("loss", out);
    this.network = b.build(requireCount(o.maxRows, "maxRows", 1));
    this.gateLayer = gate;
    this.gateLogits = gateLogits;
    this.gaterFeatures = feat;
    this.main = main;
    this.outLayer = out;
    this.macs = { main: d * H + H * C, gater: G === 0 ? 0 : gh > 0 ? d * gh + gh * G : d * G, block: this.blockSize * (d + C) };
    this.xBuf = new Float64Array(o.maxRows * d);
    this.yBuf = new Uint8Array(o.maxRows);
  }

  /** Parameters of the gater units (V₂, c₂) in a parameter-shaped vector v (θ or a gradient). */
  gaterParams(v: Float64Array = this.network.theta): Float64Array {
    if (!this.gateLogits) throw new InputError("the dense baseline has no gater");
    return this.network.paramsOf(this.gateLogits, v);
  }

  /** out (V₂, c₂ layout: features×G, then G) ← Σ_r feat_r ⊗ dA_r and Σ_r dA_r for the current minibatch. Shapes: dA n×G. */
  gaterGradient(dA: Float64Array, out: Float64Array): void {
    const n = this.network.n;
    const L = this.gateLogits!;
    const { W, b } = L.split(out);
    productXtD(this.network.output(this.gaterFeatures!), n, L.nIn, dA, L.nOut, 1, 0, W);
    b.fill(0);
    columnSums(dA, n, L.nOut, 1, b);
  }

  /**
   * Error, cross-entropy, exact-zero gates and skippable multiply-adds on a data set, with gates
   * sampled (the network as trained; noise from `stream`, in minibatches of maxRows rows in order).
   */
  evaluate(set: ClassificationSet, stream: Stream): GateEvaluation {
    const net = this.network;
    const B = net.maxRows;
    const C = this.options.classes;
    if (this.order.length < set.n) this.order = Int32Array.from({ length: set.n }, (_, i) => i);
    const order = this.order;
    let wrong = 0;
    let ce = 0;
    let zeros = 0;
    for (let from = 0; from < set.n; from += B) {
      const n = Math.min(B, set.n - from);
      gatherRows(set, order, from, n, this.xBuf, this.yBuf);
      net.fillNoise(stream, n);
      net.forward({ n, x: this.xBuf, labels: this.yBuf });
      const o = net.output(this.outLayer);
      for (let r = 0; r < n; r++) wrong += +(argmaxRow(o, r * C, C) !== this.yBuf[r]);
      if (this.options.loss === "cross-entropy") for (let r = 0; r < n; r++) ce += net.f[r];
      if (this.gateLayer) {
        const h = net.output(this.gateLayer);
        for (let k = 0; k < n * this.gateLayer.width; k++) zeros += +(h[k] === 0);
      }
    }
    const G = this.options.gates;
    const skipped = zeros * this.macs.block;
    return {
      error: wrong / set.n,
      crossEntropy: this.options.loss === "cross-entropy" ? ce / set.n : Number.NaN,
      zeroGateFraction: G > 0 ? zeros / (set.n * G) : 0,
      skippableFraction: skipped / (set.n * this.macs.main),
      netSkippableFraction: skipped / (set.n * (this.macs.main + this.macs.gater)),
    };
  }

  /**
   * The exact ∂/∂a of (1/n)·Σ_r E[f_r] for the current minibatch (after `forward`), gates integrated
   * out by enumerating the 2^G configurations of each example: with c_j = W₂ᵀ·m_j (block j's
   * contribution to the class logits), o(b) = b₂ + Σ_j b_j·t_j·c_j where b_j ~ Bernoulli(q_j) and
   * t_j = 1 (Bernoulli gates: q = σ(a)) or √σ(a) (STS: q = √σ(a)),
   *   ∂E[f]/∂a_j = q'_j·Σ_b (±1)·Π_{i≠j} q_i(b_i)·f(b)  +  [STS] t'_j·c_j·Σ_b p(b)·b_j·(π(o(b)) − e_y),
   * the derivative of the finite sum (product rule over p(b) = Π q_i(b_i), no division), with the
   * configurations split into two halves of G/2 gates whose logit contributions and probabilities
   * are tabulated. Only for discrete gates, the cross-entropy loss and G ≤ MAX_EXACT_GATES
   * (otherwise an InputError saying why). Shapes: out n×G.
   */
  exactGateGradient(out: Float64Array): void {
    const layer = this.gateLayer;
    if (!layer) throw new InputError("the dense baseline has no gates");
    if (!layer.unit.discrete) throw new InputError(`the exact gate gradient needs discrete gates (${layer.unit.kind} noise is continuous)`);
    if (this.options.loss !== "cross-entropy") throw new InputError("the exact gate gradient is written for the cross-entropy loss");
    const G = layer.width;
    if (G > MAX_EXACT_GATES) throw new InputError(`the exact gate gradient enumerates 2^${G} configurations per example; at most ${MAX_EXACT_GATES} gates`);
    const net = this.network;
    const n = net.n;
    const C = this.options.classes;
    const s = this.blockSize;
    const m = net.output(this.main);
    const A = net.output(this.gateLogits!);
    const { W: W2, b: b2 } = this.outLayer.split(this.outLayer.params);
    const sts = layer.unit.kind === "sts";
    const labels = net.batch.labels;
    if (!labels) throw new InputError("the exact gate gradient needs the minibatch's labels");
    const L = Math.floor(G / 2);
    const Hb = G - L;
    const nLo = 1 << L;
    const nHi = 1 << Hb;
    const c = new Float64Array(G * C);
    const q = new Float64Array(G);
    const t = new Float64Array(G);
    const dq = new Float64Array(G);
    const Olo = new Float64Array(nLo * C);
    const Ohi = new Float64Array(nHi * C);
    const Plo = new Float64Array(nLo);
    const Phi = new Float64Array(nHi);
    const R = new Float64Array(nLo);
    const V = new Float64Array(nHi);
    const Rv = new Float64Array(nLo * C);
    const Vv = new Float64Array(nHi * C);
    const o = new Float64Array(C);
    const pi = new Float64Array(C);
    for (let r = 0; r < n; r++) {
      const yr = labels[r];
      // block contributions c_j = Σ_k m[r, j·s+k]·W₂[j·s+k, :]
      c.fill(0);
      for (let j = 0; j < G; j++) {
        for (let k = 0; k < s; k++) {
          const mv = m[r * G * s + j * s + k];
          if (mv === 0) continue;
          const row = (j * s + k) * C;
          for (let cc = 0; cc < C; cc++) c[j * C + cc] += mv * W2[row + cc];
        }
      }
      for (let j = 0; j < G; j++) {
        const a = A[r * G + j];
        q[j] = layer.unit.onProbability(a);
        dq[j] = layer.unit.onProbabilityDerivative(a);
        t[j] = sts ? Math.sqrt(sigmoid(a)) : 1;
      }
      tabulate(Olo, Plo, 0, L, c, q, t, C, b2);
      tabulate(Ohi, Phi, L, Hb, c, q, t, C, null);
      R.fill(0);
      V.fill(0);
      if (sts) {
        Rv.fill(0);
        Vv.fill(0);
      }
      for (let lo = 0; lo < nLo; lo++) {
        for (let hi = 0; hi < nHi; hi++) {
          let mx = -Infinity;
          for (let cc = 0; cc < C; cc++) {
            const v = Olo[lo * C + cc] + Ohi[hi * C + cc];
            o[cc] = v;
            if (v > mx) mx = v;
          }
          let sum = 0;
          for (let cc = 0; cc < C; cc++) {
            const e = Math.exp(o[cc] - mx);
            pi[cc] = e;
            sum += e;
          }
          const lse = mx + Math.log(sum);
          const f = lse - o[yr];
          R[lo] += Phi[hi] * f;
          V[hi] += Plo[lo] * f;
          if (sts) {
            for (let cc = 0; cc < C; cc++) {
              const g = pi[cc] / sum - +(cc === yr);
              Rv[lo * C + cc] += Phi[hi] * g;
              Vv[hi * C + cc] += Plo[lo] * g;
            }
          }
        }
      }
      for (let j = 0; j < G; j++) {
        const low = j < L;
        const bit = low ? j : j - L;
        const nHalf = low ? nLo : nHi;
        const acc = low ? R : V;
        const accV = low ? Rv : Vv;
        const base = low ? 0 : L;
        const width = low ? L : Hb;
        let score = 0;
        let smooth = 0;
        for (let z = 0; z < nHalf; z++) {
          // Π_{i≠j} q_i(b_i) over this half
          let pm = 1;
          for (let i = 0; i < width; i++) if (i !== bit) pm *= (z >> i) & 1 ? q[base + i] : 1 - q[base + i];
          const on = (z >> bit) & 1;
          score += (on ? pm : -pm) * acc[z];
          if (sts && on) {
            const pz = pm * q[j];
            let dot = 0;
            for (let cc = 0; cc < C; cc++) dot += c[j * C + cc] * accV[z * C + cc];
            smooth += pz * dot;
          }
        }
        out[r * G + j] = (dq[j] * score + (sts ? dq[j] * smooth : 0)) / n;
      }
    }
  }
}

/**
 * Tables over the 2^w configurations z of gates base … base + w − 1: O[z] = init + Σ_{i: z_i = 1} t_i·c_i
 * (C-vectors; init = b₂ or 0) and P[z] = Π_i (z_i ? q_i : 1 − q_i).
 */
function tabulate(O: Float64Array, P: Float64Array, base: number, w: number, c: Float64Array, q: Float64Array, t: Float64Array, C: number, init: Float64Array | null): void {
  for (let z = 0; z < 1 << w; z++) {
    let p = 1;
    for (let cc = 0; cc < C; cc++) O[z * C + cc] = init ? init[cc] : 0;
    for (let i = 0; i < w; i++) {
      const j = base + i;
      if ((z >> i) & 1) {
        p *= q[j];
        for (let cc = 0; cc < C; cc++) O[z * C + cc] += t[j] * c[j * C + cc];
      } else p *= 1 - q[j];
    }
    P[z] = p;
  }
}
