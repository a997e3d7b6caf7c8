/**
 * The exact RBM negative log-likelihood as an `Objective`, so SPSA and FDSA (which only measure
 * a loss) can be compared with the Boltzmann machine's own gradient estimators (exact, CD-k, PCD,
 * and X⁺ − X⁻ from exact samples) on RBMs small enough to enumerate. The RBM itself, its exact
 * log Z, likelihood and gradient come from src/boltzmann (not re-implemented here).
 *
 *   L(θ) = −(1/n) Σ_r log p(v_r; θ),  θ = [W (nV·nH row-major), b (nV), c (nH)]  (Rbm.toFlat layout)
 *   ∇L = −(⟨v hᵀ⟩⁺ − ⟨v hᵀ⟩⁻, v⁺ − v⁻, h⁺ − h⁻)   (Bengio 2013, arXiv 1305.2982, §5)
 */
import { Rbm } from "./rbm.js";
import { rbmExactGradientFlat, rbmLogLikelihood, rbmMarginalLogProbs } from "./exact.js";
import { unrolledScoreSample } from "./unrolled.js";
import { sigmoid } from "../numerics.js";
import type { Objective } from "../problems/functions.js";
import { InputError } from "../errors.js";
import ops from "ndarray-ops";
import { toMatrix, vectorView, type MatrixInput } from "../ndarray.js";

/** L(θ) = −mean log p(v_r) of a fixed data set under an RBM with flat parameters θ. */
export class RbmNegLogLikelihood implements Objective {
  readonly id = "rbm-nll";
  readonly dimension: number;
  readonly minimum = undefined;
  /** scratch model whose parameters are overwritten with θ on every call */
  readonly rbm: Rbm;
  private readonly theta0: Float64Array;

  /**
   * @param initial the RBM at θ₀ (copied)
   * @param rows n×nV rows of 0/1 (a Float64Array or an ndarray)
   * @param nRows number of rows (default: from the shape)
   */
  readonly data: Float64Array;
  readonly n: number;

  constructor(initial: Rbm, rows: MatrixInput, nRows?: number) {
    const m = toMatrix(rows, initial.nVisible, "data", nRows);
    if (m.data.length !== m.rows * initial.nVisible) throw new InputError(`data: expected ${m.rows}×${initial.nVisible} values, got ${m.data.length}`);
    this.data = m.data;
    this.n = m.rows;
    this.rbm = initial.clone();
    this.dimension = initial.nParams;
    this.theta0 = initial.toFlat();
  }

  /** Copy θ into the scratch RBM. Shapes: θ (nV·nH + nV + nH). */
  load(theta: ArrayLike<number>): Rbm {
    const r = this.rbm;
    const nw = r.W.length;
    for (let k = 0; k < nw; k++) r.W[k] = theta[k];
    for (let i = 0; i < r.nVisible; i++) r.b[i] = theta[nw + i];
    for (let j = 0; j < r.nHidden; j++) r.c[j] = theta[nw + r.nVisible + j];
    return r;
  }

  value(theta: Float64Array): number {
    return -rbmLogLikelihood(this.load(theta), this.data, this.n);
  }

  gradient(theta: Float64Array, out: Float64Array): void {
    ops.neg(vectorView(out), vectorView(rbmExactGradientFlat(this.load(theta), this.data, this.n).gradient));
  }

  initialParams(): Float64Array {
    return this.theta0.slice();
  }

  toJSON(): unknown {
    return { kind: "rbm-nll", nVisible: this.rbm.nVisible, nHidden: this.rbm.nHidden, rows: this.n };
  }
}

/**
 * Unbiased single-sample estimator of ∇L from exact samples (the Boltzmann machine's gradient
 * read as a difference of correlations, Bengio 2013 §5):
 *   ĝ = −(v⁺h⁺ᵀ − v⁻h⁻ᵀ, v⁺ − v⁻, h⁺ − h⁻),  v⁺ a uniformly drawn data row, h⁺ ~ p(h|v⁺),
 *   v⁻ ~ p(v) exactly (inverse CDF over the 2^nV marginal), h⁻ ~ p(h|v⁻).
 * Noise layout (uniforms, 2 + 2nH): [row][h⁺ (nH)][v⁻][h⁻ (nH)]. The marginal is recomputed
 * when θ changes (one enumeration, like one likelihood evaluation).
 */
export class RbmExactSampleEstimator {
  readonly noiseSize: number;
  private cdf: Float64Array;
  private cached: Float64Array | null = null;
  private readonly vPos: Float64Array;
  private readonly vNeg: Float64Array;
  private readonly hPos: Float64Array;
  private readonly hNeg: Float64Array;

  constructor(readonly objective: RbmNegLogLikelihood) {
    const r = objective.rbm;
    if (r.nVisible > 20) throw new InputError(`exact sampling enumerates 2^nVisible states; nVisible = ${r.nVisible} > 20`);
    this.noiseSize = 2 + 2 * r.nHidden;
    this.cdf = new Float64Array(2 ** r.nVisible);
    this.vPos = new Float64Array(r.nVisible);
    this.vNeg = new Float64Array(r.nVisible);
    this.hPos = new Float64Array(r.nHidden);
    this.hNeg = new Float64Array(r.nHidden);
  }

  private prepare(theta: Float64Array): void {
    if (this.cached && this.cached.every((v, k) => v === theta[k])) return;
    const lp = rbmMarginalLogProbs(this.objective.load(theta));
    let s = 0;
    for (let k = 0; k < lp.length; k++) {
      s += Math.exp(lp[k]);
      this.cdf[k] = s;
    }
    for (let k = 0; k < lp.length; k++) this.cdf[k] /= s;
    this.cached = theta.slice();
  }

  private sampleHidden(v: Float64Array, u: Float64Array, off: number, h: Float64Array): void {
    const r = this.objective.rbm;
    const nH = r.nHidden;
    for (let j = 0; j < nH; j++) {
      let a = r.c[j];
      for (let i = 0; i < r.nVisible; i++) a += v[i] * r.W[i * nH + j];
      h[j] = +(u[off + j] < sigmoid(a));
    }
  }

  /** ĝ(θ, u) → out (the gradient of the *negative* log-likelihood). Returns NaN (no loss measured). */
  estimate(theta: Float64Array, u: Float64Array, out: Float64Array): number {
    this.prepare(theta);
    const o = this.objective;
    const r = o.rbm;
    const nV = r.nVisible;
    const nH = r.nHidden;
    const row = Math.min(o.n - 1, Math.floor(u[0] * o.n));
    for (let i = 0; i < nV; i++) this.vPos[i] = o.data[row * nV + i];
    this.sampleHidden(this.vPos, u, 1, this.hPos);
    // inverse CDF: first state with cdf > u
    const x = u[1 + nH];
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    for (let i = 0; i < nV; i++) this.vNeg[i] = (lo >> i) & 1;
    this.sampleHidden(this.vNeg, u, 2 + nH, this.hNeg);
    for (let i = 0; i < nV; i++) for (let j = 0; j < nH; j++) out[i * nH + j] = -(this.vPos[i] * this.hPos[j] - this.vNeg[i] * this.hNeg[j]);
    const nw = nV * nH;
    for (let i = 0; i < nV; i++) out[nw + i] = -(this.vPos[i] - this.vNeg[i]);
    for (let j = 0; j < nH; j++) out[nw + nV + j] = -(this.hPos[j] - this.hNeg[j]);
    return Number.NaN;
  }
}

/**
 * Theorem 1 on the unrolled block-Gibbs chain (the form the BM-B4 claim checks, src/boltzmann/unrolled.ts),
 * turned into an estimator of ∇L: draw a data row v_r uniformly, run T block-Gibbs steps from the
 * fixed start v₀ = 0, R = 1[v_T = v_r], and weight Theorem 1's score by 1/p(v_r):
 *   ĝ = −R · Σₜ Σ_units (x − σ(a)) ∂a/∂θ / p(v_r),
 * whose mean −(1/n) Σ_r ∂P_T(v_r)/∂θ / p(v_r) tends to ∇L as T → ∞ (biased at finite T by the
 * chain's distance from stationarity). p(v_r) is exact (one enumeration per θ).
 * Noise layout (uniforms, 1 + T(nH + nV)): [row][step 1: h (nH), v (nV)] … [step T].
 */
export class RbmUnrolledEstimator {
  readonly noiseSize: number;
  private logp: Float64Array | null = null;
  private cached: Float64Array | null = null;
  private readonly v0: Float64Array;
  private readonly u: Float64Array;
  private readonly scratch: { v: Float64Array; vPrev: Float64Array; h: Float64Array; sh: Float64Array; sv: Float64Array };

  constructor(readonly objective: RbmNegLogLikelihood, readonly T: number) {
    const r = objective.rbm;
    if (!Number.isInteger(T) || T < 1) throw new InputError(`T: expected an integer ≥ 1 Gibbs steps, got ${T}`);
    if (r.nVisible > 20) throw new InputError(`the unrolled estimator needs exact p(v); nVisible = ${r.nVisible} > 20`);
    this.noiseSize = 1 + T * (r.nHidden + r.nVisible);
    this.v0 = new Float64Array(r.nVisible);
    this.u = new Float64Array(T * (r.nHidden + r.nVisible));
    this.scratch = { v: new Float64Array(r.nVisible), vPrev: new Float64Array(r.nVisible), h: new Float64Array(r.nHidden), sh: new Float64Array(r.nHidden), sv: new Float64Array(r.nVisible) };
  }

  /** ĝ(θ, u) → out (gradient of the negative log-likelihood). Returns R. */
  estimate(theta: Float64Array, u: Float64Array, out: Float64Array): number {
    const o = this.objective;
    const rbm = o.load(theta);
    if (!this.cached || !this.cached.every((v, k) => v === theta[k])) {
      this.logp = rbmMarginalLogProbs(rbm);
      this.cached = theta.slice();
    }
    const nV = rbm.nVisible;
    const row = Math.min(o.n - 1, Math.floor(u[0] * o.n));
    let idx = 0;
    for (let i = 0; i < nV; i++) if (o.data[row * nV + i]) idx |= 1 << i;
    for (let k = 0; k < this.u.length; k++) this.u[k] = u[1 + k];
    const R = unrolledScoreSample(rbm, this.v0, idx, this.T, this.u, out, this.scratch);
    const w = -1 / Math.exp(this.logp![idx]);
    for (let k = 0; k < out.length; k++) out[k] *= w;
    return R;
  }
}
