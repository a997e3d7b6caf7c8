/**
 * Coordinate-wise finite-difference stochastic approximation (FDSA; Kiefer & Wolfowitz 1952,
 * Ann. Math. Stat. 23(3); the baseline SPSA is measured against in Spall 1992, §3):
 *
 *   forward:  ĝₖ = [y(θ + c eₖ, ξₖ) − y(θ, ξ₀)] / c            (p + 1 measurements; bias O(c))
 *   central:  ĝₖ = [y(θ + c eₖ, ξₖ⁺) − y(θ − c eₖ, ξₖ⁻)] / (2c)  (2p measurements; bias O(c²))
 *
 * Explicit noise layout (uniforms; q = oracle.noisePerEvaluation per measurement):
 *   independent noise: one q-block per measurement, in order
 *     forward: [ξ₀][ξ₁]…[ξₚ]      central: [ξ₁⁺][ξ₁⁻][ξ₂⁺][ξ₂⁻]…
 *   common random numbers (crn): one q-block read by every measurement.
 * Exact moments per coordinate from the oracle's exact difference moments of the pair:
 *   E[ĝₖ] = E[Dₖ]/κ, Var[ĝₖ] = Var[Dₖ]/κ², κ = c (forward) or 2c (central).
 */
import { requireBernoulliUnits, type BinaryProblem } from "../problems/types.js";
import type { ExactMoments, EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import { MAX_EXACT_LOG2_WORK, problemOracle, requirePerturbation, type LossOracle } from "./oracle.js";
import { exactCostReason } from "../exact/sequential-cells.js";
import { InputError } from "../errors.js";
import { resolveOptions } from "./options.js";

export type FdScheme = "forward" | "central";

export interface FdOptions {
  /** difference interval c > 0 */
  c: number;
  scheme?: FdScheme;
  /** all measurements read the same noise */
  crn?: boolean;
}

/** The FDSA kernel on any loss oracle; `c` may change between estimates (gain sequence cₖ). */
export class FdKernel {
  c: number;
  readonly p: number;
  readonly scheme: FdScheme;
  readonly crn: boolean;
  readonly noiseSize: number;
  readonly lossEvaluations: number;
  private readonly q: number;
  private readonly work: Float64Array;

  constructor(readonly oracle: LossOracle, opts: FdOptions) {
    this.c = requirePerturbation(opts.c);
    this.scheme = opts.scheme ?? "central";
    this.crn = Boolean(opts.crn);
    this.p = oracle.dimension;
    this.q = oracle.noisePerEvaluation;
    this.lossEvaluations = this.scheme === "forward" ? this.p + 1 : 2 * this.p;
    this.noiseSize = this.crn ? this.q : this.q * this.lossEvaluations;
    this.work = new Float64Array(this.p);
  }

  /**
   * ĝ(θ, noise) → out. Returns y(θ, ξ₀) for the forward scheme; for central, the mean of the 2p
   * measurements at θ ± c eₖ (an estimate of L(θ) with O(c²) bias; no loss is measured at θ).
   */
  estimate(theta: Float64Array, noise: Float64Array, out: Float64Array): number {
    const { p, q, c } = this;
    const t = this.work;
    t.set(theta);
    const o = this.oracle;
    const crn = this.crn;
    if (this.scheme === "forward") {
      const y0 = o.measure(t, noise, 0);
      for (let k = 0; k < p; k++) {
        t[k] = theta[k] + c;
        out[k] = (o.measure(t, noise, crn ? 0 : (k + 1) * q) - y0) / c;
        t[k] = theta[k];
      }
      return y0;
    }
    let sum = 0;
    for (let k = 0; k < p; k++) {
      t[k] = theta[k] + c;
      const yp = o.measure(t, noise, crn ? 0 : 2 * k * q);
      t[k] = theta[k] - c;
      const ym = o.measure(t, noise, crn ? 0 : (2 * k + 1) * q);
      t[k] = theta[k];
      out[k] = (yp - ym) / (2 * c);
      sum += yp + ym;
    }
    return sum / (2 * p);
  }

  /** Exact moments are affordable when p pairs × oracle cost ≤ 2^MAX_EXACT_LOG2_WORK. */
  exactFeasible(): boolean {
    return this.exactCost() === null;
  }

  /** null when the exact moments are affordable, else the reason (the work, the limit, what to run instead). */
  exactCost(): string | null {
    if (!this.oracle.differenceMoments) return "the loss oracle cannot enumerate its noise; use stochgrad estimate or stochgrad compare (seeded Monte Carlo)";
    const log2 = Math.log2(this.p) + this.oracle.exactCostLog2(this.crn);
    return log2 <= MAX_EXACT_LOG2_WORK ? null : exactCostReason(2 ** log2, 2 ** MAX_EXACT_LOG2_WORK, "(coordinate, unit) states");
  }

  /** Exact E[ĝ], Var[ĝ] per coordinate (see file comment). */
  exactMoments(theta: Float64Array): ExactMoments {
    const dm = this.oracle.differenceMoments;
    if (!dm) throw new InputError("exact FDSA moments: this loss oracle cannot enumerate its noise");
    const p = this.p;
    const c = this.c;
    const kappa = this.scheme === "forward" ? c : 2 * c;
    const a = theta.slice();
    const b = theta.slice();
    const mom = new Float64Array(2);
    const mean = new Float64Array(p);
    const variance = new Float64Array(p);
    for (let k = 0; k < p; k++) {
      a[k] = theta[k] + c;
      b[k] = this.scheme === "forward" ? theta[k] : theta[k] - c;
      dm.call(this.oracle, a, b, this.crn, mom);
      mean[k] = mom[0] / kappa;
      variance[k] = mom[1] / (kappa * kappa);
      a[k] = theta[k];
      b[k] = theta[k];
    }
    return { mean, variance };
  }
}

function makeSpec(id: string, scheme: FdScheme, title: string, formula: string): EstimatorSpec {
  const defaults: EstimatorOptions = { c: 0.1, crn: 0 };
  return {
    id,
    title,
    formula,
    source: "Kiefer & Wolfowitz 1952, Ann. Math. Stat. 23(3); FDSA as compared with SPSA in Spall 1992, IEEE TAC 37(3), §3",
    unbiased: false,
    noise: "custom",
    defaults,
    domains: { c: { min: 0, minOpen: true, why: "the perturbation size" }, crn: { values: [0, 1], why: "0 independent noise, 1 common random numbers" } },
    applicable: (p) => requireBernoulliUnits(p),
    create(problem: BinaryProblem, _theta: Float64Array, options: EstimatorOptions = {}): EstimatorInstance {
      const o = resolveOptions(this, options);
      if (o.crn !== 0 && o.crn !== 1) throw new InputError(`crn: expected 0 (independent noise) or 1 (common random numbers), got ${o.crn}`);
      const k = new FdKernel(problemOracle(problem), { c: o.c, scheme, crn: o.crn === 1 });
      return {
        noiseSize: k.noiseSize,
        lossEvaluations: k.lossEvaluations,
        // forward: L at θ; central measures no loss at θ itself
        estimate: (t, u, out) => (scheme === "forward" ? k.estimate(t, u, out) : (k.estimate(t, u, out), Number.NaN)),
        exactMoments: k.exactFeasible() ? (t) => k.exactMoments(t) : undefined,
        exactUnavailable: k.exactCost() ?? undefined,
        describeState: () => ({ c: k.c, scheme, crn: k.crn }),
      };
    },
  };
}

/** Forward differences on a belief net's sampled loss (options: c, crn 0|1). */
export const fdsaForward = makeSpec("fdsa-forward", "forward", "FDSA (forward differences)", "ĝₖ = [L(θ+c eₖ) − L(θ)] / c");
/** Central differences on a belief net's sampled loss (options: c, crn 0|1). */
export const fdsaCentral = makeSpec("fdsa-central", "central", "FDSA (central differences)", "ĝₖ = [L(θ+c eₖ) − L(θ−c eₖ)] / (2c)");
