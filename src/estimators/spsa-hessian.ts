/**
 * The simultaneous-perturbation gradient and Hessian estimate of second-order SPSA (2-SPSA;
 * Spall 2000, IEEE TAC 45(10)). Per resampling, four measurements:
 *
 *   ĝ = [y(θ + cΔ) − y(θ − cΔ)] / (2c) · Δ⁻¹                               (two-sided SPSA)
 *   Ĥ = D · ½(Δ̃ Δᵀ + Δ Δ̃ᵀ),  D = [y(θ+cΔ+c̃Δ̃) − y(θ+cΔ) − y(θ−cΔ+c̃Δ̃) + y(θ−cΔ)] / (2c c̃)
 *
 * Ĥ is Spall's ½[δG/(2c) Δ⁻ᵀ + (δG/(2c) Δ⁻ᵀ)ᵀ] with the one-sided SP gradients
 * G⁽¹⁾(θ ± cΔ) = [y(θ ± cΔ + c̃Δ̃) − y(θ ± cΔ)]/c̃ · Δ̃⁻¹ and δG = G⁽¹⁾(θ+cΔ) − G⁽¹⁾(θ−cΔ),
 * written for Rademacher Δ, Δ̃ (Δ⁻¹ = Δ). E[Ĥ] = ∇²L + O(c², c̃²); on a quadratic D = ΔᵀHΔ̃ and
 * E[Ĥ] = H exactly. Qiskit's 2-SPSA uses the same form with c̃ = c.
 *
 * Explicit noise layout (uniforms; q = oracle.noisePerEvaluation), per resampling r = 0..R−1:
 *   [p: Δ][p: Δ̃][q: y(θ+cΔ)][q: y(θ−cΔ)][q: y(θ+cΔ+c̃Δ̃)][q: y(θ−cΔ+c̃Δ̃)]
 * with Δᵢ = 2·1[u ≥ ½] − 1; under common random numbers the four measurements read one q block.
 * Outputs are the means over the R resamplings.
 */
import { InputError } from "../errors.js";
import { requirePerturbation, type LossOracle } from "./oracle.js";

/** Largest p for which the exact mean of Ĥ enumerates (Δ, Δ̃) ∈ {±1}²ᵖ. */
export const MAX_EXACT_HESSIAN_DIMENSION = 10;

export interface SpsaHessianOptions {
  /** gradient perturbation c > 0 */
  c: number;
  /** Hessian perturbation c̃ > 0 (default c) */
  cTilde?: number;
  /** resamplings averaged per estimate, R ≥ 1 */
  resamplings?: number;
  /** the four measurements of a resampling read the same noise */
  crn?: boolean;
}

/**
 * Gradient and Hessian estimates from 4R measurements. `c` and `cTilde` may change between
 * estimates (gain sequences); buffers are allocated once. Shapes: θ (p), noise (noiseSize),
 * g (p), H (p×p row-major, symmetric).
 */
export class SpsaHessianKernel {
  c: number;
  cTilde: number;
  readonly p: number;
  readonly R: number;
  readonly crn: boolean;
  readonly noiseSize: number;
  readonly lossEvaluations: number;
  /** mean of D² over the last estimate's R resamplings */
  lastSquaredFactor = 0;
  private readonly q: number;
  private readonly block: number;
  private readonly delta: Float64Array;
  private readonly deltaT: Float64Array;
  private readonly x: Float64Array;

  constructor(readonly oracle: LossOracle, opts: SpsaHessianOptions) {
    this.c = requirePerturbation(opts.c);
    this.cTilde = requirePerturbation(opts.cTilde ?? opts.c, "c̃ (Hessian perturbation)");
    const R = opts.resamplings ?? 1;
    if (!Number.isInteger(R) || R < 1) throw new InputError(`resamplings: expected an integer ≥ 1, got ${R}`);
    this.R = R;
    this.crn = Boolean(opts.crn);
    this.p = oracle.dimension;
    this.q = oracle.noisePerEvaluation;
    this.block = 2 * this.p + this.q * (this.crn ? 1 : 4);
    this.noiseSize = R * this.block;
    this.lossEvaluations = 4 * R;
    this.delta = new Float64Array(this.p);
    this.deltaT = new Float64Array(this.p);
    this.x = new Float64Array(this.p);
  }

  /** ĝ → g, Ĥ → H (means over R resamplings). Returns the mean of the 4R measurements. No allocation. */
  estimate(theta: Float64Array, noise: Float64Array, g: Float64Array, H: Float64Array): number {
    const { p, q, R, c, cTilde } = this;
    const { delta, deltaT, x } = this;
    const o = this.oracle;
    g.fill(0);
    H.fill(0);
    let sum = 0;
    let d2 = 0;
    for (let r = 0; r < R; r++) {
      const off = r * this.block;
      for (let i = 0; i < p; i++) {
        delta[i] = 2 * +(noise[off + i] >= 0.5) - 1;
        deltaT[i] = 2 * +(noise[off + p + i] >= 0.5) - 1;
      }
      const n0 = off + 2 * p;
      const step = this.crn ? 0 : q;
      for (let i = 0; i < p; i++) x[i] = theta[i] + c * delta[i];
      const yp = o.measure(x, noise, n0);
      for (let i = 0; i < p; i++) x[i] += cTilde * deltaT[i];
      const ypp = o.measure(x, noise, n0 + 2 * step);
      for (let i = 0; i < p; i++) x[i] = theta[i] - c * delta[i];
      const ym = o.measure(x, noise, n0 + step);
      for (let i = 0; i < p; i++) x[i] += cTilde * deltaT[i];
      const ymp = o.measure(x, noise, n0 + 3 * step);
      sum += yp + ym + ypp + ymp;
      const s = (yp - ym) / (2 * c * R);
      for (let i = 0; i < p; i++) g[i] += s * delta[i];
      const d = (ypp - yp - (ymp - ym)) / (2 * c * cTilde * R);
      d2 += d * d * R;
      const h = 0.5 * d;
      for (let i = 0; i < p; i++) {
        const ai = h * deltaT[i];
        const bi = h * delta[i];
        const row = i * p;
        for (let j = 0; j < p; j++) H[row + j] += ai * delta[j] + bi * deltaT[j];
      }
    }
    this.lastSquaredFactor = d2;
    return sum / (4 * R);
  }

  /**
   * Exact E[Ĥ] by enumerating (Δ, Δ̃) ∈ {±1}²ᵖ with the oracle's noise-free loss E[y]
   * (E[Ĥ] is linear in the four expected measurements). Shapes: θ (p) → p×p row-major.
   */
  exactHessianMean(theta: Float64Array): Float64Array {
    const expected = this.oracle.expected;
    if (!expected) throw new InputError("exact Hessian mean: this loss oracle has no expected loss");
    const p = this.p;
    if (p > MAX_EXACT_HESSIAN_DIMENSION) throw new InputError(`exact Hessian mean enumerates 2^${2 * p} perturbation pairs; at most p = ${MAX_EXACT_HESSIAN_DIMENSION} is supported`);
    const { c, cTilde } = this;
    const count = 2 ** (2 * p);
    const H = new Float64Array(p * p);
    const x = new Float64Array(p);
    const dl = new Float64Array(p);
    const dt = new Float64Array(p);
    const y = (sc: number, st: number) => {
      for (let i = 0; i < p; i++) x[i] = theta[i] + sc * c * dl[i] + st * cTilde * dt[i];
      return expected.call(this.oracle, x);
    };
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < p; i++) {
        dl[i] = ((b >> i) & 1) === 1 ? -1 : 1;
        dt[i] = ((b >> (p + i)) & 1) === 1 ? -1 : 1;
      }
      const d = (y(1, 1) - y(1, 0) - y(-1, 1) + y(-1, 0)) / (2 * c * cTilde);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) H[i * p + j] += (0.5 * d * (dt[i] * dl[j] + dl[i] * dt[j])) / count;
    }
    return H;
  }
}
