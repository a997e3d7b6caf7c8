/**
 * A Bernoulli–Bernoulli restricted Boltzmann machine (Smolensky 1986; Hinton 2002), with the
 * positive and negative phases named as in scikit-learn's `neural_network/_rbm.py`
 * (vPos, hPos, vNeg, hNeg). Learned state (W, b, c) lives in `Rbm`; training
 * hyperparameters live in `RbmTrainOptions`; sampler state (persistent chains, velocity,
 * stream) lives in `RbmTrainer`.
 *
 *   E(v, h) = −bᵀv − cᵀh − vᵀWh,   p(v, h) = e^{−E(v,h)} / Z,
 *   F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ),   p(v) = e^{−F(v)} / Z,
 *   p(hⱼ = 1 | v) = σ(cⱼ + (vᵀW)ⱼ),   p(vᵢ = 1 | h) = σ(bᵢ + (Wh)ᵢ),
 *   ∂ log p(v)/∂θ = ⟨−∂E/∂θ⟩⁺ − ⟨−∂E/∂θ⟩⁻, i.e. ∂/∂W = ⟨v hᵀ⟩⁺ − ⟨v hᵀ⟩⁻, ∂/∂b = v⁺ − v⁻, ∂/∂c = h⁺ − h⁻.
 *
 * Source: Bengio 2013 (arXiv 1305.2982) §5 reads this gradient as the correlation estimator
 * (X⁺ − X⁻); Hinton 2002 (CD-k); Tieleman 2008 (PCD).
 *
 * Shapes: W is nVisible×nHidden row-major (W[i·nHidden + j] couples vᵢ and hⱼ); batches are
 * row-major n×nVisible (V) and n×nHidden (H) Float64Arrays of 0/1 (or probabilities).
 */
import { gemm } from "../linalg/gemm.js";
import { BINARY_DENSITY_THRESHOLD, binaryDensity, binaryTimes, binaryTransposeTimes, binaryTransposeTimes2 } from "../linalg/binary.js";
import { sigmoidInPlace, softplus } from "../numerics.js";
import type { Stream, StreamSnapshot } from "../random/stream.js";
import { Stream as StreamClass } from "../random/stream.js";
import { InputError, requireFinite } from "../errors.js";

/** Parameters of a Bernoulli–Bernoulli RBM (the learned state). */
export class Rbm {
  readonly nVisible: number;
  readonly nHidden: number;
  /** weights, nVisible×nHidden row-major */
  readonly W: Float64Array;
  /** visible biases b, nVisible */
  readonly b: Float64Array;
  /** hidden biases c, nHidden */
  readonly c: Float64Array;

  constructor(nVisible: number, nHidden: number, W?: Float64Array, b?: Float64Array, c?: Float64Array) {
    if (!Number.isInteger(nVisible) || nVisible < 1) throw new InputError(`nVisible: expected an integer ≥ 1, got ${nVisible}`);
    if (!Number.isInteger(nHidden) || nHidden < 1) throw new InputError(`nHidden (--hidden): expected an integer ≥ 1, got ${nHidden}`);
    this.nVisible = nVisible;
    this.nHidden = nHidden;
    this.W = W ?? new Float64Array(nVisible * nHidden);
    this.b = b ?? new Float64Array(nVisible);
    this.c = c ?? new Float64Array(nHidden);
    if (this.W.length !== nVisible * nHidden || this.b.length !== nVisible || this.c.length !== nHidden) {
      throw new InputError(`rbm: parameter shapes do not match ${nVisible}×${nHidden}`);
    }
  }

  /** Wᵢⱼ ~ N(0, scale²), b = c = 0 (or b from data via `setVisibleBiasFromData`). */
  static random(nVisible: number, nHidden: number, stream: Stream, scale = 0.01): Rbm {
    const r = new Rbm(nVisible, nHidden);
    stream.normals(r.W);
    for (let k = 0; k < r.W.length; k++) r.W[k] *= scale;
    return r;
  }

  /** Number of parameters nV·nH + nV + nH (the flat θ length). */
  get nParams(): number {
    return this.nVisible * this.nHidden + this.nVisible + this.nHidden;
  }

  clone(): Rbm {
    return new Rbm(this.nVisible, this.nHidden, this.W.slice(), this.b.slice(), this.c.slice());
  }

  /** Flat θ = [W (nV·nH, row-major), b (nV), c (nH)]: the layout of every flat gradient here. */
  toFlat(out = new Float64Array(this.nParams)): Float64Array {
    out.set(this.W, 0);
    out.set(this.b, this.W.length);
    out.set(this.c, this.W.length + this.nVisible);
    return out;
  }

  /** Inverse of `toFlat`. Shapes: θ (nV·nH + nV + nH). */
  static fromFlat(nVisible: number, nHidden: number, theta: ArrayLike<number>): Rbm {
    const nw = nVisible * nHidden;
    if (theta.length !== nw + nVisible + nHidden) throw new InputError(`θ: expected ${nw + nVisible + nHidden} entries for a ${nVisible}×${nHidden} RBM, got ${theta.length}`);
    const t = Float64Array.from(theta);
    return new Rbm(nVisible, nHidden, t.slice(0, nw), t.slice(nw, nw + nVisible), t.slice(nw + nVisible));
  }

  /** Labels of the flat θ entries: "W[i,j]", "b[i]", "c[j]". */
  paramLabels(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.nVisible; i++) for (let j = 0; j < this.nHidden; j++) out.push(`W[${i},${j}]`);
    for (let i = 0; i < this.nVisible; i++) out.push(`b[${i}]`);
    for (let j = 0; j < this.nHidden; j++) out.push(`c[${j}]`);
    return out;
  }

  /** Plain-data form: { kind: "stochgrad.rbm", nVisible, nHidden, W: number[nV][nH], b, c }. */
  toJSON(): RbmJson {
    const W: number[][] = [];
    for (let i = 0; i < this.nVisible; i++) W.push(Array.from(this.W.subarray(i * this.nHidden, (i + 1) * this.nHidden)));
    return { kind: "stochgrad.rbm", nVisible: this.nVisible, nHidden: this.nHidden, W, b: Array.from(this.b), c: Array.from(this.c) };
  }

  /** Validate and load; every error is an InputError naming the offending path (e.g. `W[3][1]`). */
  static fromJSON(json: unknown, where = "rbm"): Rbm {
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InputError(`${where}: expected an object {kind:"stochgrad.rbm", nVisible, nHidden, W, b, c}`);
    const o = json as Record<string, unknown>;
    if (o.kind !== "stochgrad.rbm") throw new InputError(`${where}.kind: expected "stochgrad.rbm", got ${JSON.stringify(o.kind)}`);
    const nV = o.nVisible;
    const nH = o.nHidden;
    if (typeof nV !== "number" || !Number.isInteger(nV) || nV < 1) throw new InputError(`${where}.nVisible: expected an integer ≥ 1, got ${JSON.stringify(nV)}`);
    if (typeof nH !== "number" || !Number.isInteger(nH) || nH < 1) throw new InputError(`${where}.nHidden: expected an integer ≥ 1, got ${JSON.stringify(nH)}`);
    const r = new Rbm(nV, nH);
    if (!Array.isArray(o.W) || o.W.length !== nV) throw new InputError(`${where}.W: expected ${nV} rows (nVisible), got ${Array.isArray(o.W) ? o.W.length : typeof o.W}`);
    o.W.forEach((row: unknown, i: number) => {
      if (!Array.isArray(row) || row.length !== nH) throw new InputError(`${where}.W[${i}]: expected ${nH} entries (nHidden), got ${Array.isArray(row) ? row.length : typeof row}`);
      row.forEach((x: unknown, j: number) => (r.W[i * nH + j] = requireFinite(x, `${where}.W[${i}][${j}]`)));
    });
    const vec = (v: unknown, n: number, name: string, out: Float64Array) => {
      if (!Array.isArray(v) || v.length !== n) throw new InputError(`${where}.${name}: expected ${n} entries, got ${Array.isArray(v) ? v.length : typeof v}`);
      v.forEach((x: unknown, k: number) => (out[k] = requireFinite(x, `${where}.${name}[${k}]`)));
    };
    vec(o.b, nV, "b", r.b);
    vec(o.c, nH, "c", r.c);
    return r;
  }
}

export interface RbmJson {
  kind: "stochgrad.rbm";
  nVisible: number;
  nHidden: number;
  W: number[][];
  b: number[];
  c: number[];
}

/** E(v, h) = −bᵀv − cᵀh − vᵀWh for one configuration. Shapes: v (nV), h (nH). */
export function energy(rbm: Rbm, v: ArrayLike<number>, h: ArrayLike<number>): number {
  const { nVisible: nV, nHidden: nH, W, b, c } = rbm;
  let e = 0;
  for (let j = 0; j < nH; j++) e -= c[j] * h[j];
  for (let i = 0; i < nV; i++) {
    if (v[i] === 0) continue;
    let s = b[i];
    const r = i * nH;
    for (let j = 0; j < nH; j++) s += W[r + j] * h[j];
    e -= v[i] * s;
  }
  return e;
}

/**
 * Free energies F(v_n) = −bᵀv_n − Σⱼ softplus(cⱼ + (v_nᵀW)ⱼ) for the n rows of V, computed
 * stably. Shapes: V (n×nV), out (n). `act` is optional scratch (n×nH).
 */
export function freeEnergy(rbm: Rbm, V: Float64Array, n: number, out = new Float64Array(n), act = new Float64Array(n * rbm.nHidden)): Float64Array {
  const { nVisible: nV, nHidden: nH, b } = rbm;
  hiddenActivations(rbm, V, n, act);
  for (let r = 0; r < n; r++) {
    let f = 0;
    const vo = r * nV;
    for (let i = 0; i < nV; i++) f -= b[i] * V[vo + i];
    const ho = r * nH;
    for (let j = 0; j < nH; j++) f -= softplus(act[ho + j]);
    out[r] = f;
  }
  return out;
}

/**
 * A = 1·cᵀ + V·W: hidden pre-activations. Shapes: V (n×nV), A (n×nH).
 * A sparse 0/1 batch (density ≤ BINARY_DENSITY_THRESHOLD) takes the row-addition path.
 */
export function hiddenActivations(rbm: Rbm, V: Float64Array, n: number, A: Float64Array): Float64Array {
  const { nVisible: nV, nHidden: nH, W, c } = rbm;
  for (let r = 0; r < n; r++) A.set(c, r * nH);
  const d = binaryDensity(V, n * nV);
  if (d >= 0 && d <= BINARY_DENSITY_THRESHOLD) binaryTimes(V, n, nV, W, nH, A);
  else gemm(false, false, n, nH, nV, 1, V, nV, W, nH, 1, A, nH);
  return A;
}

const transposeCache = new WeakMap<Float64Array, Float64Array>();

/**
 * A = 1·bᵀ + H·Wᵀ: visible pre-activations. Shapes: H (n×nH), A (n×nV).
 * A sparse 0/1 H takes the row-addition path over a contiguous Wᵀ (rebuilt on each call, since
 * W changes every update; a gather along rows of W measured 2× slower).
 */
export function visibleActivations(rbm: Rbm, H: Float64Array, n: number, A: Float64Array): Float64Array {
  const { nVisible: nV, nHidden: nH, W, b } = rbm;
  for (let r = 0; r < n; r++) A.set(b, r * nV);
  const d = binaryDensity(H, n * nH);
  if (d >= 0 && d <= BINARY_DENSITY_THRESHOLD) {
    let Wt = transposeCache.get(W);
    if (!Wt) {
      Wt = new Float64Array(nV * nH);
      transposeCache.set(W, Wt);
    }
    for (let i = 0; i < nV; i++) {
      const ro = i * nH;
      for (let j = 0; j < nH; j++) Wt[j * nV + i] = W[ro + j];
    }
    binaryTimes(H, n, nH, Wt, nV, A);
  } else gemm(false, true, n, nV, nH, 1, H, nH, W, nH, 1, A, nV);
  return A;
}

/** p(h = 1 | v) = σ(c + vᵀW) for each row of V. Shapes: V (n×nV), P (n×nH). */
export function hiddenProbabilities(rbm: Rbm, V: Float64Array, n: number, P: Float64Array): Float64Array {
  return sigmoidInPlace(hiddenActivations(rbm, V, n, P), n * rbm.nHidden);
}

/** p(v = 1 | h) = σ(b + Wh) for each row of H. Shapes: H (n×nH), P (n×nV). */
export function visibleProbabilities(rbm: Rbm, H: Float64Array, n: number, P: Float64Array): Float64Array {
  return sigmoidInPlace(visibleActivations(rbm, H, n, P), n * rbm.nVisible);
}

/** Explicit-noise Bernoulli draws, branch-free: out_k = 1[u_k < p_k]. Shapes: p, u, out (len). */
export function bernoulli(p: Float64Array, u: Float64Array, out: Float64Array, len = p.length): Float64Array {
  for (let k = 0; k < len; k++) out[k] = +(u[k] < p[k]);
  return out;
}

/** A gradient (or phase statistic) in the RBM's parameter shapes. */
export interface RbmGradient {
  /** nV×nH row-major */
  W: Float64Array;
  /** nV */
  b: Float64Array;
  /** nH */
  c: Float64Array;
}

/** Zero gradient of the RBM's shapes. */
export function zeroGradient(rbm: { nVisible: number; nHidden: number }): RbmGradient {
  return { W: new Float64Array(rbm.nVisible * rbm.nHidden), b: new Float64Array(rbm.nVisible), c: new Float64Array(rbm.nHidden) };
}

/** Flat [W, b, c] of a gradient (same layout as `Rbm.toFlat`). */
export function gradientToFlat(g: RbmGradient, out: Float64Array = new Float64Array(g.W.length + g.b.length + g.c.length)): Float64Array {
  out.set(g.W, 0);
  out.set(g.b, g.W.length);
  out.set(g.c, g.W.length + g.b.length);
  return out;
}

/**
 * The phase statistics and their difference, the log-likelihood gradient estimate:
 *   out.W = vPosᵀhPos / nPos − vNegᵀhNeg / nNeg,  out.b = mean(vPos) − mean(vNeg),  out.c = mean(hPos) − mean(hNeg).
 * Shapes: vPos (nPos×nV), hPos (nPos×nH), vNeg (nNeg×nV), hNeg (nNeg×nH).
 * With 0/1 samples and nPos, nNeg powers of two every operation is exact in float64.
 * Source: scikit-learn `_rbm.py` `_fit`; Bengio 2013 §5 (X⁺ − X⁻).
 */
export function phaseGradient(nV: number, nH: number, vPos: Float64Array, hPos: Float64Array, nPos: number, vNeg: Float64Array, hNeg: Float64Array, nNeg: number, out: RbmGradient): RbmGradient {
  const dp = binaryDensity(vPos, nPos * nV);
  const dn0 = binaryDensity(vNeg, nNeg * nV);
  if (dp >= 0 && dp <= BINARY_DENSITY_THRESHOLD && dn0 >= 0 && dn0 <= BINARY_DENSITY_THRESHOLD) {
    binaryTransposeTimes2(vPos, hPos, nPos, 1 / nPos, vNeg, hNeg, nNeg, -1 / nNeg, nV, nH, out.W);
  } else if (dp >= 0 && dp <= BINARY_DENSITY_THRESHOLD) {
    out.W.fill(0);
    binaryTransposeTimes(vPos, nPos, nV, hPos, nH, out.W, 1 / nPos);
  } else gemm(true, false, nV, nH, nPos, 1 / nPos, vPos, nV, hPos, nH, 0, out.W, nH);
  if (!(dp >= 0 && dp <= BINARY_DENSITY_THRESHOLD && dn0 >= 0 && dn0 <= BINARY_DENSITY_THRESHOLD)) {
    if (dn0 >= 0 && dn0 <= BINARY_DENSITY_THRESHOLD) binaryTransposeTimes(vNeg, nNeg, nV, hNeg, nH, out.W, -1 / nNeg);
    else gemm(true, false, nV, nH, nNeg, -1 / nNeg, vNeg, nV, hNeg, nH, 1, out.W, nH);
  }
  columnMeanDiff(vPos, nPos, vNeg, nNeg, nV, out.b);
  columnMeanDiff(hPos, nPos, hNeg, nNeg, nH, out.c);
  return out;
}

/** out_j = Σ_r A[r,j]/nA − Σ_r B[r,j]/nB. Shapes: A (nA×d), B (nB×d), out (d). */
function columnMeanDiff(A: Float64Array, nA: number, B: Float64Array, nB: number, d: number, out: Float64Array): void {
  out.fill(0);
  for (let r = 0; r < nA; r++) for (let j = 0; j < d; j++) out[j] += A[r * d + j];
  const sA = 1 / nA;
  for (let j = 0; j < d; j++) out[j] *= sA;
  const tmp = 1 / nB;
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let r = 0; r < nB; r++) s += B[r * d + j];
    out[j] -= s * tmp;
  }
}

/** How the negative phase is sampled. */
export type RbmMethod = "cd" | "pcd" | "exact";

/** Training hyperparameters (scikit-learn style: options separate from learned state). */
export interface RbmTrainOptions {
  /** "cd" (CD-k, chains start at the batch), "pcd" (persistent chains), "exact" (enumeration, ≤ 24 units in the smaller layer) */
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

/** Validate options; each error is an InputError naming the flag. */
export function validateTrainOptions(o: RbmTrainOptions): RbmTrainOptions {
  if (!["cd", "pcd", "exact"].includes(o.method)) throw new InputError(`--method: expected cd, pcd or exact, got "${o.method}"`);
  if (!Number.isInteger(o.k) || o.k < 1) throw new InputError(`--k: expected an integer ≥ 1, got ${o.k}`);
  if (!Number.isInteger(o.chains) || o.chains < 1) throw new InputError(`--chains: expected an integer ≥ 1, got ${o.chains}`);
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) throw new InputError(`--lr: expected a finite learning rate > 0, got ${o.learningRate}`);
  if (!(o.momentum >= 0 && o.momentum < 1)) throw new InputError(`--momentum: expected a number in [0, 1), got ${o.momentum}`);
  if (o.lrDecay !== undefined && (!(o.lrDecay >= 0) || !Number.isFinite(o.lrDecay))) throw new InputError(`--lr-decay: expected a finite number ≥ 0, got ${o.lrDecay}`);
  if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) throw new InputError(`--weight-decay: expected a finite number ≥ 0, got ${o.weightDecay}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new InputError(`--batch: expected an integer ≥ 1, got ${o.batchSize}`);
  return o;
}

/** Serialisable sampler state, so training resumes bit-for-bit. */
export interface RbmTrainerState {
  /** persistent hidden states (chains×nH), PCD only */
  chainsH: number[] | null;
  velocity: number[];
  stream: StreamSnapshot;
  updates: number;
}

/**
 * Minibatch trainer: one `step` = one gradient estimate (positive − negative phase) and one
 * momentum SGD update: Δ ← μΔ + η(∇̂ − λW), θ ← θ + Δ.
 * The negative phase is CD-k (chains start at the batch), PCD-k (persistent chains), or the
 * exact model expectation (`exactNegativePhase` from exact.ts, injected to avoid a cycle).
 * Buffers are allocated once; `step` does not allocate.
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
  private readonly velocity: Float64Array;
  private readonly hPos: Float64Array;
  private readonly hSample: Float64Array;
  private readonly vNeg: Float64Array;
  private readonly hNeg: Float64Array;
  private readonly uV: Float64Array;
  private readonly uH: Float64Array;
  private chainsH: Float64Array | null;
  private readonly exactNegative: ((rbm: Rbm) => { v: Float64Array; h: Float64Array; vh: Float64Array }) | null;

  constructor(rbm: Rbm, options: RbmTrainOptions, stream: Stream, exactNegativePhase?: (rbm: Rbm) => { v: Float64Array; h: Float64Array; vh: Float64Array }) {
    validateTrainOptions(options);
    this.rbm = rbm;
    this.options = { ...options };
    this.stream = stream;
    const { nVisible: nV, nHidden: nH } = rbm;
    const B = options.batchSize;
    const C = options.method === "pcd" ? options.chains : B;
    this.grad = zeroGradient(rbm);
    this.velocity = new Float64Array(rbm.nParams);
    this.hPos = new Float64Array(B * nH);
    this.hSample = new Float64Array(Math.max(B, C) * nH);
    this.vNeg = new Float64Array(Math.max(B, C) * nV);
    this.hNeg = new Float64Array(Math.max(B, C) * nH);
    this.uV = new Float64Array(Math.max(B, C) * nV);
    this.uH = new Float64Array(Math.max(B, C) * nH);
    this.chainsH = options.method === "pcd" ? new Float64Array(C * nH) : null;
    if (options.method === "exact" && !exactNegativePhase) throw new Error("RbmTrainer: method exact needs the exact negative phase (pass rbmModelStats from exact.ts)");
    this.exactNegative = exactNegativePhase ?? null;
  }

  /**
   * Estimate ∇ log-likelihood on the batch V (n×nV rows, n ≤ batchSize) into `this.grad`.
   * hPos = p(h|vPos); vNeg, hNeg from the negative-phase sampler.
   */
  estimate(V: Float64Array, n: number): RbmGradient {
    const rbm = this.rbm;
    const { nVisible: nV, nHidden: nH } = rbm;
    const o = this.options;
    hiddenProbabilities(rbm, V, n, this.hPos);
    if (!o.meanFieldHidden) {
      this.stream.uniforms(this.uH, 0, n * nH);
      bernoulli(this.hPos, this.uH, this.hPos, n * nH);
    }
    if (o.method === "exact") {
      const neg = this.exactNegative!(rbm);
      // positive phase from the batch, negative phase = the exact model expectation
      const g = this.grad;
      gemm(true, false, nV, nH, n, 1 / n, V, nV, this.hPos, nH, 0, g.W, nH);
      for (let k = 0; k < g.W.length; k++) g.W[k] -= neg.vh[k];
      columnMeans(V, n, nV, g.b);
      for (let i = 0; i < nV; i++) g.b[i] -= neg.v[i];
      columnMeans(this.hPos, n, nH, g.c);
      for (let j = 0; j < nH; j++) g.c[j] -= neg.h[j];
      return g;
    }
    let nc: number;
    let h: Float64Array;
    if (o.method === "cd") {
      nc = n;
      // h⁰ ~ p(h | vPos) from the same uniforms layout every step
      if (o.meanFieldHidden) {
        this.stream.uniforms(this.uH, 0, n * nH);
        bernoulli(this.hPos, this.uH, this.hSample, n * nH);
      } else this.hSample.set(this.hPos.subarray(0, n * nH));
      h = this.hSample;
    } else {
      nc = o.chains;
      h = this.chainsH!;
    }
    for (let step = 0; step < o.k; step++) {
      visibleProbabilities(rbm, h, nc, this.vNeg);
      this.stream.uniforms(this.uV, 0, nc * nV);
      bernoulli(this.vNeg, this.uV, this.vNeg, nc * nV);
      hiddenProbabilities(rbm, this.vNeg, nc, this.hNeg);
      this.stream.uniforms(this.uH, 0, nc * nH);
      bernoulli(this.hNeg, this.uH, h, nc * nH);
    }
    const hNeg = o.meanFieldHidden ? this.hNeg : h;
    return phaseGradient(nV, nH, V, this.hPos, n, this.vNeg, hNeg, nc, this.grad);
  }

  /** One SGD-with-momentum update from the batch: Δ ← μΔ + η(∇̂ − λW); θ ← θ + Δ. */
  step(V: Float64Array, n: number): void {
    const g = this.estimate(V, n);
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
   * One epoch over `data` (nRows×nV) in minibatches of `batchSize`, rows visited in an order
   * shuffled by `this.stream`. Calls onBatch(done, total) after each update.
   */
  epoch(data: Float64Array, nRows: number, onBatch?: (done: number, total: number) => void): void {
    const nV = this.rbm.nVisible;
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
  }

  /** Sampler state for resuming (persistent chains, velocity, stream position). */
  toJSON(): RbmTrainerState {
    return { chainsH: this.chainsH ? Array.from(this.chainsH) : null, velocity: Array.from(this.velocity), stream: this.stream.toJSON(), updates: this.updates };
  }

  /** Restore the state written by `toJSON` (shapes validated; errors name `where`). */
  restore(s: RbmTrainerState, where = "training.state"): void {
    if (!s || !Array.isArray(s.velocity) || s.velocity.length !== this.velocity.length) throw new InputError(`${where}.velocity: expected ${this.velocity.length} entries`);
    s.velocity.forEach((x, k) => (this.velocity[k] = requireFinite(x, `${where}.velocity[${k}]`)));
    if (this.chainsH) {
      if (!Array.isArray(s.chainsH) || s.chainsH.length !== this.chainsH.length) throw new InputError(`${where}.chainsH: expected ${this.chainsH.length} entries (chains×nHidden); resume with the same --chains`);
      s.chainsH.forEach((x, k) => (this.chainsH![k] = x === 1 ? 1 : 0));
    }
    try {
      this.stream = StreamClass.fromJSON(s.stream);
    } catch (e) {
      throw new InputError(`${where}.stream: ${(e as Error).message}`);
    }
    this.updates = s.updates | 0;
  }
}

/** out_j = mean_r A[r, j]. Shapes: A (n×d), out (d). */
export function columnMeans(A: Float64Array, n: number, d: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) out[j] += A[r * d + j];
  for (let j = 0; j < d; j++) out[j] /= n;
  return out;
}
