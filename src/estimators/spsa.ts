/**
 * Simultaneous perturbation stochastic approximation (SPSA) gradient estimators
 * (Spall 1992, IEEE TAC 37(3), eq. 2.2; one-measurement form: Spall 1997, Automatica 33(1)).
 *
 *   two-sided:  ĝₖ = (1/m) Σⱼ [y(θ + cΔʲ, ξ⁺ʲ) − y(θ − cΔʲ, ξ⁻ʲ)] / (2c Δʲₖ)
 *   one-sided:  ĝₖ = (1/m) Σⱼ  y(θ + cΔʲ, ξʲ) / (c Δʲₖ)
 * with Δʲ ∈ {±1}ᵖ Rademacher. The seed (Bengio 2013, arXiv 1305.2982, §3 after Theorem 1)
 * contrasts it with the correlation estimator: SPSA *divides* a change in loss by the
 * perturbation, the correlation estimator *multiplies* the perturbation by the loss.
 *
 * Explicit noise layout (uniforms, length m·(p + k·q), q = oracle.noisePerEvaluation):
 *   for each perturbation j = 0..m−1:  [p uniforms → Δʲᵢ = 2·1[u ≥ ½] − 1]
 *                                      [q uniforms: noise of y(θ + cΔʲ)]
 *                                      [q uniforms: noise of y(θ − cΔʲ)]   (two-sided, independent only)
 * Under common random numbers (crn) both measurements of a pair read the same q uniforms.
 *
 * Exact moments enumerate Δ ∈ {±1}ᵖ (two-sided: Δ and −Δ give the same ĝ, so only Δ₀ = +1 is
 * visited) jointly with the loss noise through the oracle's exact difference moments:
 *   E[ĝₖ] = E_Δ[μ(Δ) Δₖ]/κ,  Var[ĝₖ] = (E_Δ[v(Δ)]/κ² + Var_Δ[μ(Δ)Δₖ/κ]) / m,
 * μ, v = mean and variance of the numerator given Δ, κ = 2c (two-sided) or c (one-sided).
 */
import { requireBernoulliUnits, type BinaryProblem } from "../problems/types.js";
import type { ExactMoments, EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import { MAX_EXACT_LOG2_WORK, problemOracle, requirePerturbation, type LossOracle } from "./oracle.js";
import { exactCostReason } from "../exact/sequential-cells.js";
import { ExactRefusal, InputError } from "../errors.js";
import { resolveOptions } from "./options.js";
import { requireMemory } from "../limits.js";

/** Largest p for which exact moments enumerate Δ ∈ {±1}ᵖ. */
export const MAX_EXACT_SPSA_DIMENSION = 22;

export type SpsaVariant = "two-sided" | "one-sided";

export interface SpsaOptions {
  /** perturbation size c > 0 */
  c: number;
  /** number of perturbations averaged, m ≥ 1 */
  perturbations?: number;
  /** common random numbers for the two measurements of a pair (two-sided only) */
  crn?: boolean;
  variant?: SpsaVariant;
}

function requireCount(m: number, where: string): number {
  if (!Number.isInteger(m) || m < 1) throw new InputError(`${where}: expected an integer ≥ 1, got ${m}`);
  return m;
}

/**
 * The SPSA kernel on any loss oracle. `c` may be changed between estimates (Spall's gain
 * sequence cₖ); buffers are allocated once. Shapes: θ (p), noise (noiseSize), out (p).
 */
export class SpsaKernel {
  c: number;
  readonly p: number;
  readonly m: number;
  readonly crn: boolean;
  readonly variant: SpsaVariant;
  readonly noiseSize: number;
  readonly lossEvaluations: number;
  private readonly q: number;
  private readonly block: number;
  private readonly delta: Float64Array;
  private readonly plus: Float64Array;
  private readonly minus: Float64Array;

  constructor(readonly oracle: LossOracle, opts: SpsaOptions) {
    this.c = requirePerturbation(opts.c);
    this.m = requireCount(opts.perturbations ?? 1, "perturbations");
    this.variant = opts.variant ?? "two-sided";
    this.crn = this.variant === "two-sided" && Boolean(opts.crn);
    this.p = oracle.dimension;
    this.q = oracle.noisePerEvaluation;
    const measurements = this.variant === "two-sided" ? 2 : 1;
    this.block = this.p + this.q * (measurements === 2 && !this.crn ? 2 : 1);
    requireMemory(this.m * this.block, "perturbations", `${this.m} perturbations of ${this.block} noise values each`);
    this.noiseSize = this.m * this.block;
    this.lossEvaluations = this.m * measurements;
    this.delta = new Float64Array(this.p);
    this.plus = new Float64Array(this.p);
    this.minus = new Float64Array(this.p);
  }

  /**
   * ĝ(θ, noise) → out. Returns the mean of the loss measurements taken (at θ ± cΔʲ: an estimate
   * of L(θ) with O(c²) bias, for an optimiser's callback; SPSA measures no loss at θ itself).
   */
  estimate(theta: Float64Array, noise: Float64Array, out: Float64Array): number {
    const { p, q, m, c } = this;
    const two = this.variant === "two-sided";
    const delta = this.delta;
    const plus = this.plus;
    const minus = this.minus;
    out.fill(0);
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const off = j * this.block;
      for (let i = 0; i < p; i++) {
        const d = 2 * +(noise[off + i] >= 0.5) - 1;
        delta[i] = d;
        plus[i] = theta[i] + c * d;
        minus[i] = theta[i] - c * d;
      }
      let num: number;
      let kappa: number;
      if (two) {
        const yp = this.oracle.measure(plus, noise, off + p);
        const ym = this.oracle.measure(minus, noise, this.crn ? off + p : off + p + q);
        num = yp - ym;
        kappa = 2 * c;
        sum += yp + ym;
      } else {
        num = this.oracle.measure(plus, noise, off + p);
        kappa = c;
        sum += num;
      }
      // 1/Δᵢ = Δᵢ for Rademacher
      const s = num / (kappa * m);
      for (let i = 0; i < p; i++) out[i] += s * delta[i];
    }
    return sum / this.lossEvaluations;
  }

  /** True when exact moments are affordable (Δ enumeration × oracle cost ≤ 2^MAX_EXACT_LOG2_WORK). */
  exactFeasible(): boolean {
    return this.exactCost() === null;
  }

  /** null when the exact moments are affordable, else the reason (the work, the limit, what to run instead). */
  exactCost(): string | null {
    if (!this.oracle.differenceMoments) return "the loss oracle cannot enumerate its noise; use stochgrad estimate or stochgrad compare (seeded Monte Carlo)";
    const deltas = this.variant === "two-sided" ? this.p - 1 : this.p;
    const log2 = deltas + this.oracle.exactCostLog2(this.crn);
    if (this.p > MAX_EXACT_SPSA_DIMENSION || log2 > MAX_EXACT_LOG2_WORK) return exactCostReason(2 ** log2, 2 ** MAX_EXACT_LOG2_WORK, `(Δ, unit) states (2^${deltas} perturbations Δ ∈ {±1}^p × the units' noise)`);
    return null;
  }

  /** Exact E[ĝ] and Var[ĝ] by enumerating Δ jointly with the loss noise (see file comment). */
  exactMoments(theta: Float64Array): ExactMoments {
    const dm = this.oracle.differenceMoments;
    if (!dm) throw new InputError("exact SPSA moments: this loss oracle cannot enumerate its noise");
    const p = this.p;
    if (p > MAX_EXACT_SPSA_DIMENSION) throw new InputError(`exact SPSA moments enumerate 2^${p} perturbations; at most p = ${MAX_EXACT_SPSA_DIMENSION} is supported`);
    const two = this.variant === "two-sided";
    const c = this.c;
    const kappa = two ? 2 * c : c;
    // two-sided: ĝ(−Δ) ≡ ĝ(Δ) in distribution, so fix Δ₀ = +1 and enumerate the rest.
    const free = two ? p - 1 : p;
    const count = 2 ** free;
    const mu = new Float64Array(count);
    const mom = new Float64Array(2);
    const plus = new Float64Array(p);
    const minus = new Float64Array(p);
    const mean = new Float64Array(p);
    let absSum = 0;
    let condVar = 0;
    const sign = (b: number, i: number) => (two ? (i === 0 ? 1 : ((b >> (i - 1)) & 1) === 1 ? -1 : 1) : ((b >> i) & 1) === 1 ? -1 : 1);
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < p; i++) {
        const d = sign(b, i);
        plus[i] = theta[i] + c * d;
        minus[i] = theta[i] - c * d;
      }
      dm.call(this.oracle, plus, two ? minus : null, this.crn, mom);
      mu[b] = mom[0];
      absSum += Math.abs(mom[0]);
      condVar += mom[1];
      for (let i = 0; i < p; i++) mean[i] += mom[0] * sign(b, i);
    }
    for (let i = 0; i < p; i++) mean[i] /= count * kappa;
    // E[ĝᵢ] sums ±μ(Δ): where the μ's agree to more digits than the mean keeps (one-sided SPSA at a
    // saturated unit: E[L] = 0.3025 − 8.5e-18 at every θ + cΔ), the sum is rounding, not a mean
    let worst = 0;
    for (let i = 0; i < p; i++) worst = Math.max(worst, Math.abs(mean[i]));
    const rounding = (4 * Number.EPSILON * absSum) / (count * kappa);
    if (rounding > 1e-9 * worst) throw new ExactRefusal(`exact moments of ${this.variant} SPSA`, `exact moments of ${this.variant} SPSA: its mean Σ±E[y(θ + cΔ)]/(2^p·κ) cancels below rounding here (rounding ${rounding.toExponential(2)} against |E[ĝ]| = ${worst.toExponential(2)}, e.g. at a saturated unit), so it is refused; use stochgrad estimate (seeded Monte Carlo)`);
    condVar /= count * kappa * kappa;
    const variance = new Float64Array(p);
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < p; i++) {
        const d = (mu[b] * sign(b, i)) / kappa - mean[i];
        variance[i] += d * d;
      }
    }
    for (let i = 0; i < p; i++) variance[i] = (variance[i] / count + condVar) / this.m;
    return { mean, variance };
  }
}

function makeSpec(id: string, variant: SpsaVariant, title: string, formula: string, source: string): EstimatorSpec {
  const defaults: EstimatorOptions = variant === "two-sided" ? { c: 0.1, perturbations: 1, crn: 0 } : { c: 0.1, perturbations: 1 };
  return {
    id,
    title,
    formula,
    source,
    unbiased: false,
    noise: "custom",
    defaults,
    domains: { c: { min: 0, minOpen: true, why: "the perturbation size" }, perturbations: { integer: true, min: 1 }, crn: { values: [0, 1], why: "0 independent noise, 1 common random numbers" } },
    applicable: (p) => requireBernoulliUnits(p),
    create(problem: BinaryProblem, _theta: Float64Array, options: EstimatorOptions = {}): EstimatorInstance {
      const o = resolveOptions(this, options);
      if (o.crn !== undefined && o.crn !== 0 && o.crn !== 1) throw new InputError(`crn: expected 0 (independent noise) or 1 (common random numbers), got ${o.crn}`);
      const k = new SpsaKernel(problemOracle(problem), { c: o.c, perturbations: o.perturbations, crn: o.crn === 1, variant });
      return {
        noiseSize: k.noiseSize,
        lossEvaluations: k.lossEvaluations,
        estimate: (t, u, out) => {
          k.estimate(t, u, out);
          return Number.NaN; // no loss is measured at θ itself
        },
        exactMoments: k.exactFeasible() ? (t) => k.exactMoments(t) : undefined,
        exactUnavailable: k.exactCost() ?? undefined,
        describeState: () => ({ c: k.c, perturbations: k.m, crn: k.crn, variant }),
      };
    },
  };
}

/** Two-sided SPSA on a belief net's sampled loss (options: c, perturbations m, crn 0|1). */
export const spsa = makeSpec(
  "spsa",
  "two-sided",
  "SPSA (two-sided)",
  "ĝₖ = (1/m)Σⱼ [L(θ+cΔʲ) − L(θ−cΔʲ)] / (2cΔʲₖ), Δ Rademacher",
  "Spall 1992, IEEE TAC 37(3), eq. 2.2; contrasted with Theorem 1 in Bengio 2013, arXiv 1305.2982, §3",
);

/** One-measurement SPSA (options: c, perturbations m). */
export const spsaOne = makeSpec("spsa-one", "one-sided", "SPSA (one measurement)", "ĝₖ = (1/m)Σⱼ L(θ+cΔʲ) / (cΔʲₖ), Δ Rademacher", "Spall 1997, Automatica 33(1), one-measurement SPSA");
