/**
 * A small general Boltzmann machine (Ackley, Hinton & Sejnowski 1985): n = nVisible + nHidden
 * binary units x (visible first), symmetric weights with a zero diagonal, biases a.
 *
 *   E(x) = −Σ_{i<j} Wᵢⱼ xᵢxⱼ − Σᵢ aᵢxᵢ,   p(x) = e^{−E(x)}/Z,   p(xᵢ=1 | x₋ᵢ) = σ(aᵢ + Σⱼ Wᵢⱼxⱼ),
 *   ∂ log p(v)/∂Wᵢⱼ = ⟨xᵢxⱼ⟩⁺ − ⟨xᵢxⱼ⟩⁻,   ∂ log p(v)/∂aᵢ = ⟨xᵢ⟩⁺ − ⟨xᵢ⟩⁻
 * (⁺: hidden units sampled given the clamped v; ⁻: free). Source: Bengio 2013 (arXiv
 * 1305.2982) §5, which reads these as the correlation estimator X⁺ − X⁻.
 *
 * Flat parameter layout θ = [W₀₁, W₀₂, …, W₀,ₙ₋₁, W₁₂, …, W_{n−2,n−1} (upper triangle, row
 * order), a₀ … aₙ₋₁]: n(n−1)/2 + n entries. Exact enumeration up to 20 units (2^20 states).
 */
import { grayFlipBit, logAddExp } from "../numerics.js";
import type { Stream } from "../random/stream.js";
import { InputError } from "../errors.js";

/** Largest machine `bm*` exact functions enumerate. */
export const MAX_BM_UNITS = 20;

export class BoltzmannMachine {
  readonly nVisible: number;
  readonly nHidden: number;
  readonly n: number;
  /** n×n symmetric, zero diagonal (row-major) */
  readonly W: Float64Array;
  /** biases a (n) */
  readonly a: Float64Array;

  constructor(nVisible: number, nHidden: number) {
    if (!Number.isInteger(nVisible) || nVisible < 1) throw new InputError(`nVisible: expected an integer ≥ 1, got ${nVisible}`);
    if (!Number.isInteger(nHidden) || nHidden < 0) throw new InputError(`nHidden: expected an integer ≥ 0, got ${nHidden}`);
    this.nVisible = nVisible;
    this.nHidden = nHidden;
    this.n = nVisible + nHidden;
    this.W = new Float64Array(this.n * this.n);
    this.a = new Float64Array(this.n);
  }

  /** Wᵢⱼ = Wⱼᵢ ~ N(0, scale²) for i ≠ j (zero diagonal), aᵢ ~ N(0, biasScale²). */
  static random(nVisible: number, nHidden: number, stream: Stream, scale = 1, biasScale = 0.5): BoltzmannMachine {
    const m = new BoltzmannMachine(nVisible, nHidden);
    for (let i = 0; i < m.n; i++) for (let j = i + 1; j < m.n; j++) m.setWeight(i, j, scale * stream.normal());
    for (let i = 0; i < m.n; i++) m.a[i] = biasScale * stream.normal();
    return m;
  }

  /** Wᵢⱼ = Wⱼᵢ = w (i ≠ j). */
  setWeight(i: number, j: number, w: number): void {
    if (i === j) throw new InputError(`W[${i},${i}]: the diagonal of a Boltzmann machine is zero`);
    this.W[i * this.n + j] = w;
    this.W[j * this.n + i] = w;
  }

  get nParams(): number {
    return (this.n * (this.n - 1)) / 2 + this.n;
  }

  /** θ = [upper triangle of W (row order), a]. */
  toFlat(): Float64Array {
    const out = new Float64Array(this.nParams);
    let k = 0;
    for (let i = 0; i < this.n; i++) for (let j = i + 1; j < this.n; j++) out[k++] = this.W[i * this.n + j];
    out.set(this.a, k);
    return out;
  }

  /** Inverse of `toFlat`. */
  static fromFlat(nVisible: number, nHidden: number, theta: ArrayLike<number>): BoltzmannMachine {
    const m = new BoltzmannMachine(nVisible, nHidden);
    if (theta.length !== m.nParams) throw new InputError(`θ: expected ${m.nParams} entries, got ${theta.length}`);
    let k = 0;
    for (let i = 0; i < m.n; i++) for (let j = i + 1; j < m.n; j++) m.setWeight(i, j, theta[k++]);
    for (let i = 0; i < m.n; i++) m.a[i] = theta[k++];
    return m;
  }

  /** E(x) = −Σ_{i<j} Wᵢⱼxᵢxⱼ − aᵀx. Shapes: x (n). */
  energy(x: ArrayLike<number>): number {
    const n = this.n;
    let e = 0;
    for (let i = 0; i < n; i++) {
      if (!x[i]) continue;
      e -= this.a[i];
      for (let j = i + 1; j < n; j++) e -= this.W[i * n + j] * x[j];
    }
    return e;
  }

  /**
   * One sequential Gibbs sweep with explicit noise: for i in order (skipping clamped units
   * i < nClamped), xᵢ ← 1[uᵢ < σ(aᵢ + Σⱼ Wᵢⱼxⱼ)]. Shapes: x (n), u (n). No allocation.
   */
  gibbsSweep(x: Float64Array, u: Float64Array, nClamped = 0): void {
    const n = this.n;
    const W = this.W;
    for (let i = nClamped; i < n; i++) {
      let act = this.a[i];
      const r = i * n;
      for (let j = 0; j < n; j++) act += W[r + j] * x[j];
      const e = Math.exp(-Math.abs(act));
      const p = act >= 0 ? 1 / (1 + e) : e / (1 + e);
      x[i] = +(u[i] < p);
    }
  }
}

/** Second moments in the flat layout: [E[xᵢxⱼ] (i<j), E[xᵢ]]. */
function enumerateMoments(bm: BoltzmannMachine, clamp: ArrayLike<number> | null): { logZ: number; moments: Float64Array } {
  const n = bm.n;
  if (n > MAX_BM_UNITS) throw new InputError(`Boltzmann machine has ${n} units; exact enumeration supports at most ${MAX_BM_UNITS}`);
  const free = clamp ? bm.nHidden : n;
  const off = n - free;
  const x = new Float64Array(n);
  if (clamp) for (let i = 0; i < bm.nVisible; i++) x[i] = clamp[i];
  let negE = -bm.energy(x);
  // pass 1: log Z (of the free units, given the clamp)
  const total = 2 ** free;
  const logw = new Float64Array(total);
  let logZ = -Infinity;
  const W = bm.W;
  for (let k = 0; k < total; k++) {
    if (k > 0) {
      const u = off + grayFlipBit(k);
      let field = bm.a[u];
      for (let j = 0; j < n; j++) field += W[u * n + j] * x[j];
      if (x[u]) {
        x[u] = 0;
        negE -= field;
      } else {
        x[u] = 1;
        negE += field;
      }
    }
    logw[k] = negE;
    logZ = logAddExp(logZ, negE);
  }
  // pass 2: moments, replaying the same Gray sequence
  const mom = new Float64Array(bm.nParams);
  x.fill(0);
  if (clamp) for (let i = 0; i < bm.nVisible; i++) x[i] = clamp[i];
  for (let k = 0; k < total; k++) {
    if (k > 0) {
      const u = off + grayFlipBit(k);
      x[u] = 1 - x[u];
    }
    const w = Math.exp(logw[k] - logZ);
    let q = 0;
    for (let i = 0; i < n; i++) {
      if (!x[i]) {
        q += n - 1 - i;
        continue;
      }
      for (let j = i + 1; j < n; j++) mom[q++] += w * x[j];
    }
    for (let i = 0; i < n; i++) mom[q + i] += w * x[i];
  }
  return { logZ, moments: mom };
}

/** log Z = log Σₓ e^{−E(x)} over all 2^n states (n ≤ 20). */
export function bmLogPartition(bm: BoltzmannMachine): number {
  return enumerateMoments(bm, null).logZ;
}

/** Negative phase: [⟨xᵢxⱼ⟩⁻ (i<j), ⟨xᵢ⟩⁻] in the flat layout, and log Z. */
export function bmModelStats(bm: BoltzmannMachine): { logZ: number; moments: Float64Array } {
  return enumerateMoments(bm, null);
}

/**
 * Positive phase for one visible vector v: [⟨xᵢxⱼ⟩⁺, ⟨xᵢ⟩⁺] with v clamped and the hidden
 * units summed exactly, and log Σ_h e^{−E(v,h)} (= log p(v) + log Z). Shapes: v (nVisible).
 */
export function bmClampedStats(bm: BoltzmannMachine, v: ArrayLike<number>): { logZv: number; moments: Float64Array } {
  const r = enumerateMoments(bm, v);
  return { logZv: r.logZ, moments: r.moments };
}

function rowsOf(bm: BoltzmannMachine, data: Float64Array, nRows: number): void {
  if (!Number.isInteger(nRows) || nRows < 1 || data.length < nRows * bm.nVisible) throw new InputError(`data: expected ${nRows}×${bm.nVisible} values, got ${data.length}`);
}

/** (1/N) Σ_r log p(v_r), exactly. Shapes: data (N×nVisible). */
export function bmLogLikelihood(bm: BoltzmannMachine, data: Float64Array, nRows: number): number {
  rowsOf(bm, data, nRows);
  const logZ = bmLogPartition(bm);
  let s = 0;
  for (let r = 0; r < nRows; r++) s += bmClampedStats(bm, data.subarray(r * bm.nVisible, (r + 1) * bm.nVisible)).logZv - logZ;
  return s / nRows;
}

/**
 * Exact gradient of (1/N) Σ log p(v_r) in the flat layout: mean positive phase − negative phase.
 * Also returns both phases. Source: Bengio 2013 §5; Ackley, Hinton & Sejnowski 1985.
 */
export function bmExactGradient(bm: BoltzmannMachine, data: Float64Array, nRows: number): { gradient: Float64Array; positive: Float64Array; negative: Float64Array; logLikelihood: number } {
  rowsOf(bm, data, nRows);
  const neg = bmModelStats(bm);
  const pos = new Float64Array(bm.nParams);
  let ll = 0;
  for (let r = 0; r < nRows; r++) {
    const c = bmClampedStats(bm, data.subarray(r * bm.nVisible, (r + 1) * bm.nVisible));
    for (let k = 0; k < pos.length; k++) pos[k] += c.moments[k] / nRows;
    ll += (c.logZv - neg.logZ) / nRows;
  }
  const g = new Float64Array(bm.nParams);
  for (let k = 0; k < g.length; k++) g[k] = pos[k] - neg.moments[k];
  return { gradient: g, positive: pos, negative: neg.moments, logLikelihood: ll };
}
