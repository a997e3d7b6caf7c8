/**
 * A Bernoulli–Bernoulli restricted Boltzmann machine (Smolensky 1986; Hinton 2002), with the
 * positive and negative phases named as in scikit-learn's `neural_network/_rbm.py`
 * (vPos, hPos, vNeg, hNeg). This file is the model: learned state (W, b, c) in `Rbm`, its JSON,
 * the conditionals, block Gibbs sweeps and the phase gradient X⁺ − X⁻. Training (hyperparameters,
 * momentum SGD, resume) is `trainer.ts`; the negative-phase samplers (CD, PCD, exact, …) are a
 * typed record in `negative-phase/`.
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
import { requireMemory } from "../limits.js";
import { gemm } from "../linalg/gemm.js";
import { BINARY_DENSITY_THRESHOLD, binaryDensity, binaryTimes, binaryTransposeTimes, binaryTransposeTimes2 } from "../linalg/binary.js";
import { sigmoidInPlace, softplus } from "../numerics.js";
import type { Stream } from "../random/stream.js";
import { describeValue, InputError, requireFinite } from "../errors.js";
import ops from "ndarray-ops";
import { matrixView, toMatrix, toVector, vectorView, type MatrixInput, type NdArray, type VectorInput } from "../ndarray.js";

/** Parameter-sized arrays a trained RBM holds (W, Wᵀ, gradient, velocity, momentum scratch, chains), for the memory limit. */
export const RBM_PARAMETER_VECTORS = 6;

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
    if (!Number.isInteger(nHidden) || nHidden < 1) throw new InputError(`nHidden: expected an integer ≥ 1, got ${nHidden}`);
    requireMemory((nVisible + 1) * (nHidden + 1) * RBM_PARAMETER_VECTORS, "nVisible × nHidden", `an RBM of ${nVisible}×${nHidden} units (${RBM_PARAMETER_VECTORS} copies of its parameters for training)`);
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
    ops.mulseq(vectorView(r.W), scale);
    return r;
  }

  /** W as a zero-copy nVisible×nHidden ndarray: `rbm.weights.get(i, j)` couples vᵢ and hⱼ; writes go to `W`. */
  get weights(): NdArray<Float64Array> {
    return matrixView(this.W, this.nVisible, this.nHidden);
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

  /** Inverse of `toFlat` (copies θ). Shapes: θ (nV·nH + nV + nH; a Float64Array, an array or an ndarray). */
  static fromFlat(nVisible: number, nHidden: number, theta: VectorInput | ArrayLike<number>): Rbm {
    const nw = nVisible * nHidden;
    const t = toVector(theta, `θ (a ${nVisible}×${nHidden} RBM)`, nw + nVisible + nHidden);
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
    if (o.kind !== "stochgrad.rbm") throw new InputError(`${where}.kind: expected "stochgrad.rbm", got ${describeValue(o.kind)}`);
    const nV = o.nVisible;
    const nH = o.nHidden;
    if (typeof nV !== "number" || !Number.isInteger(nV) || nV < 1) throw new InputError(`${where}.nVisible: expected an integer ≥ 1, got ${describeValue(nV)}`);
    if (typeof nH !== "number" || !Number.isInteger(nH) || nH < 1) throw new InputError(`${where}.nHidden: expected an integer ≥ 1, got ${describeValue(nH)}`);
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

/**
 * Documented cache: one contiguous Wᵀ buffer per weight array (keyed weakly by W, so it goes with
 * its model). Its contents are rebuilt on every call; only the allocation is reused.
 */
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
 * Zero-copy ndarray views of a gradient in the RBM's shapes: W (nV×nH), b (nV), c (nH). Takes the
 * three-array form or a flat [W, b, c] vector (the `Rbm.toFlat` layout, e.g. `rbmExactGradientFlat`).
 */
export function gradientViews(g: RbmGradient | Float64Array, nVisible: number, nHidden: number): { W: NdArray<Float64Array>; b: NdArray<Float64Array>; c: NdArray<Float64Array> } {
  const nw = nVisible * nHidden;
  if (g instanceof Float64Array) {
    if (g.length !== nw + nVisible + nHidden) throw new InputError(`gradient: expected ${nw + nVisible + nHidden} entries for a ${nVisible}×${nHidden} RBM, got ${g.length}`);
    return { W: matrixView(g, nVisible, nHidden), b: vectorView(g.subarray(nw, nw + nVisible)), c: vectorView(g.subarray(nw + nVisible)) };
  }
  return { W: matrixView(g.W, nVisible, nHidden), b: vectorView(g.b), c: vectorView(g.c) };
}

/**
 * What a negative-phase sampler hands to the phase gradient: either samples from (an
 * approximation of) the model — rows vNeg (n×nV) and hNeg (n×nH, sampled h or p(h|vNeg)) — or the
 * model expectations themselves, E[v] (nV), E[h] (nH), E[v hᵀ] (nV×nH row-major).
 */
export type NegativePhase =
  | { readonly kind: "samples"; readonly v: Float64Array; readonly h: Float64Array; readonly n: number }
  | { readonly kind: "expectations"; readonly v: Float64Array; readonly h: Float64Array; readonly vh: Float64Array };

/**
 * The phase statistics and their difference, the log-likelihood gradient estimate:
 *   samples:       out.W = vPosᵀhPos / nPos − vNegᵀhNeg / nNeg,  out.b = mean(vPos) − mean(vNeg),  out.c = mean(hPos) − mean(hNeg);
 *   expectations:  out.W = vPosᵀhPos / nPos − E[v hᵀ],          out.b = mean(vPos) − E[v],        out.c = mean(hPos) − E[h].
 * Shapes: vPos (nPos×nV), hPos (nPos×nH); the negative phase as in `NegativePhase`.
 * With 0/1 samples and nPos, nNeg powers of two every operation is exact in float64.
 * Source: scikit-learn `_rbm.py` `_fit`; Bengio 2013 §5 (X⁺ − X⁻).
 */
export function phaseGradient(nV: number, nH: number, vPos: Float64Array, hPos: Float64Array, nPos: number, neg: NegativePhase, out: RbmGradient): RbmGradient;
/** The sampled form with the negative rows spelled out: the same as `{ kind: "samples", v: vNeg, h: hNeg, n: nNeg }`. */
export function phaseGradient(nV: number, nH: number, vPos: Float64Array, hPos: Float64Array, nPos: number, vNeg: Float64Array, hNeg: Float64Array, nNeg: number, out: RbmGradient): RbmGradient;
export function phaseGradient(nV: number, nH: number, vPos: Float64Array, hPos: Float64Array, nPos: number, a: NegativePhase | Float64Array, b: RbmGradient | Float64Array, c?: number, d?: RbmGradient): RbmGradient {
  if (a instanceof Float64Array) return sampledPhaseGradient(nV, nH, vPos, hPos, nPos, a, b as Float64Array, c as number, d as RbmGradient);
  const out = b as RbmGradient;
  if (a.kind === "samples") return sampledPhaseGradient(nV, nH, vPos, hPos, nPos, a.v, a.h, a.n, out);
  const neg = a;
  // positive phase from the batch, negative phase = the model expectation
  gemm(true, false, nV, nH, nPos, 1 / nPos, vPos, nV, hPos, nH, 0, out.W, nH);
  for (let k = 0; k < out.W.length; k++) out.W[k] -= neg.vh[k];
  columnMeans(vPos, nPos, nV, out.b);
  for (let i = 0; i < nV; i++) out.b[i] -= neg.v[i];
  columnMeans(hPos, nPos, nH, out.c);
  for (let j = 0; j < nH; j++) out.c[j] -= neg.h[j];
  return out;
}

/** X⁺ − X⁻ from negative samples (the samples form of `phaseGradient`). */
function sampledPhaseGradient(nV: number, nH: number, vPos: Float64Array, hPos: Float64Array, nPos: number, vNeg: Float64Array, hNeg: Float64Array, nNeg: number, out: RbmGradient): RbmGradient {
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

/**
 * n samples from k block-Gibbs sweeps of n independent chains started at hidden states 0 (or at
 * p(h|v₀) draws when `start` rows v₀ are given), returned as zero-copy ndarrays v (n×nV) and
 * h (n×nH). Randomness from `stream` only. Source: Hinton 2002 (block Gibbs in an RBM).
 */
export function gibbsSample(rbm: Rbm, n: number, k: number, stream: Stream, start?: MatrixInput): { v: NdArray<Float64Array>; h: NdArray<Float64Array> } {
  const { nVisible: nV, nHidden: nH } = rbm;
  if (!Number.isInteger(n) || n < 1) throw new InputError(`n: expected an integer ≥ 1 chains, got ${n}`);
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k: expected an integer ≥ 1 Gibbs sweeps, got ${k}`);
  const buf = gibbsBuffers(nV, nH, n);
  const h = new Float64Array(n * nH);
  if (start !== undefined) {
    const v0 = toMatrix(start, nV, "start", n);
    hiddenProbabilities(rbm, v0.data, n, buf.pH);
    stream.uniforms(buf.uH, 0, n * nH);
    bernoulli(buf.pH, buf.uH, h, n * nH);
  }
  gibbsSweeps(rbm, h, n, k, stream, buf);
  return { v: matrixView(buf.v, n, nV), h: matrixView(h, n, nH) };
}

/** Buffers of `gibbsSweeps` for n chains: v, uV (n×nV), pH, uH (n×nH). */
export interface GibbsBuffers {
  /** the last visible sample (n×nV) */
  readonly v: Float64Array;
  /** p(h = 1 | v) of the last visible sample (n×nH) */
  readonly pH: Float64Array;
  readonly uV: Float64Array;
  readonly uH: Float64Array;
}

/** Allocate `GibbsBuffers` for n chains of an nV×nH RBM. */
export function gibbsBuffers(nV: number, nH: number, n: number): GibbsBuffers {
  return { v: new Float64Array(n * nV), pH: new Float64Array(n * nH), uV: new Float64Array(n * nV), uH: new Float64Array(n * nH) };
}

/**
 * k block-Gibbs sweeps of n chains from their hidden states h (n×nH, 0/1), in place:
 *   v ~ p(v | h) (nV uniforms per chain), then h ~ p(h | v) (nH uniforms per chain), k times.
 * Afterwards buf.v holds the last visible sample and buf.pH = p(h | buf.v). Draws from `stream`
 * only, in that fixed order; no allocation. Source: Hinton 2002 (CD-k); Tieleman 2008 (PCD).
 */
export function gibbsSweeps(rbm: Rbm, h: Float64Array, n: number, k: number, stream: Stream, buf: GibbsBuffers): void {
  const { nVisible: nV, nHidden: nH } = rbm;
  for (let step = 0; step < k; step++) {
    visibleProbabilities(rbm, h, n, buf.v);
    stream.uniforms(buf.uV, 0, n * nV);
    bernoulli(buf.v, buf.uV, buf.v, n * nV);
    hiddenProbabilities(rbm, buf.v, n, buf.pH);
    stream.uniforms(buf.uH, 0, n * nH);
    bernoulli(buf.pH, buf.uH, h, n * nH);
  }
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

/** out_j = mean_r A[r, j]. Shapes: A (n×d), out (d). */
export function columnMeans(A: Float64Array, n: number, d: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) out[j] += A[r * d + j];
  for (let j = 0; j < d; j++) out[j] /= n;
  return out;
}
