/**
 * Loss oracles: what SPSA and finite differences see of a loss. They only *measure*
 *   y(θ, ξ) = L(θ, ξ)
 * at chosen θ with explicit noise ξ (uniforms), and never differentiate. Two kinds share one
 * interface so the same kernels serve test functions and belief nets:
 * - `objectiveOracle(L, σ)`: a deterministic objective plus additive N(0, σ²) measurement noise
 *   (ξ = two uniforms, Box–Muller);
 * - `problemOracle(problem)`: a binary stochastic network's sampled loss L(h), h = 1[u < σ(a(θ))]
 *   (ξ = one uniform per unit).
 * Common random numbers (CRN) = both measurements of a difference read the same ξ.
 *
 * `differenceMoments` gives the exact mean and variance of D = y(θ₁, ξ₁) − y(θ₂, ξ₂) (or of
 * y(θ₁, ξ₁) alone) over the noise, with ξ₁ = ξ₂ under CRN and independent otherwise — the
 * building block of exact SPSA/FDSA moments (src/estimators/spsa.ts, finite-difference.ts).
 */
import { assertEnumerable, enumerateConfigurations, modeLoss } from "../exact/enumerate.js";
import { WeightedMoments } from "../stats/accumulator.js";
import { boxMuller, type Objective } from "../problems/functions.js";
import { type BinaryProblem } from "../problems/types.js";
import { InputError } from "../errors.js";

/** Largest log₂(total work) attempted by an exact-moment computation of SPSA or FDSA. */
export const MAX_EXACT_LOG2_WORK = 26;

/** Throws InputError unless c is a finite number > 0. */
export function requirePerturbation(c: number, where = "c"): number {
  if (!(c > 0) || !Number.isFinite(c)) throw new InputError(`${where}: the perturbation size must be a finite number > 0, got ${c}`);
  return c;
}

export interface LossOracle {
  /** p = length of θ */
  readonly dimension: number;
  /** uniforms one measurement reads */
  readonly noisePerEvaluation: number;
  /** y(θ, ξ) with ξ = noise[off .. off + noisePerEvaluation). No allocation. */
  measure(theta: Float64Array, noise: Float64Array, off: number): number;
  /**
   * Exact [E[D], Var[D]] for D = y(θ₁, ξ₁) − y(θ₂, ξ₂), or D = y(θ₁, ξ₁) when θ₂ is null;
   * ξ₁ = ξ₂ when crn. Written to out (length 2). Absent when the noise cannot be enumerated.
   */
  differenceMoments?(theta1: Float64Array, theta2: Float64Array | null, crn: boolean, out: Float64Array): void;
  /** log₂ of the work of one `differenceMoments` call, with or without CRN (to decide whether exact moments are feasible) */
  exactCostLog2(crn: boolean): number;
  /** noise-free / expected loss E_ξ[y(θ, ξ)] when computable (monitoring, references) */
  expected?(theta: Float64Array): number;
  toJSON(): unknown;
}

/**
 * y(θ, ξ) = L(θ) + σ·ε(ξ), ε standard normal from ξ = (u₁, u₂) by Box–Muller.
 * Exact: D = L(θ₁) − L(θ₂) + σ(ε₁ − ε₂): Var[D] = 2σ² independent, 0 under CRN (the noise cancels);
 * D = y(θ₁): Var = σ². Source: Spall 1992, IEEE TAC 37(3), §2 (measurement model).
 */
export function objectiveOracle(objective: Objective, sigma = 0): LossOracle {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new InputError(`noise: expected a finite standard deviation ≥ 0, got ${sigma}`);
  const noisy = sigma > 0;
  return {
    dimension: objective.dimension,
    noisePerEvaluation: noisy ? 2 : 0,
    exactCostLog2: () => 1,
    measure: noisy ? (t, u, off) => objective.value(t) + sigma * boxMuller(u[off], u[off + 1]) : (t) => objective.value(t),
    differenceMoments(t1, t2, crn, out) {
      const L1 = objective.value(t1);
      if (t2 === null) {
        out[0] = L1;
        out[1] = sigma * sigma;
        return;
      }
      out[0] = L1 - objective.value(t2);
      out[1] = crn ? 0 : 2 * sigma * sigma;
    },
    expected: (t) => objective.value(t),
    toJSON: () => ({ kind: "objective", objective: objective.toJSON(), noise: sigma }),
  };
}

/** Largest number of units for which the CRN-coupled enumeration (3ⁿ cells) is attempted. */
export const MAX_COUPLED_UNITS = 14;

/**
 * The sampled loss of a binary stochastic network: y(θ, u) = L(h), hᵢ = 1[uᵢ < σ(aᵢ(θ, h_{<i}))].
 * Exact moments:
 * - single run / independent pair: enumeration of the 2ⁿ configurations at θ₁ (and θ₂);
 * - CRN pair: the same uᵢ drives both runs, so unit i's pair (h¹ᵢ, h²ᵢ) is (1,1) for
 *   uᵢ < min(s¹ᵢ, s²ᵢ), (1,0) or (0,1) between the two thresholds, (0,0) above — a 3-way tree
 *   over the units (≤ 3ⁿ cells), each thresholds computed from the parents of that cell.
 */
export function problemOracle(problem: BinaryProblem): LossOracle {
  const n = problem.nUnits;
  const ws = problem.createWorkspace();
  const u = new Float64Array(n);
  const ws1 = problem.createWorkspace();
  const ws2 = problem.createWorkspace();
  const acc = new WeightedMoments(1);
  const buf = new Float64Array(1);
  /** E[L − centre] and Var[L] at t (weighted West from the heavier side, see WeightedMoments) */
  const singleMoments = (t: Float64Array, centre: number, out: Float64Array) => {
    acc.w = 0;
    acc.mean[0] = 0;
    acc.m2[0] = 0;
    enumerateConfigurations(problem, t, (_ws, _u, p, L) => {
      buf[0] = L - centre;
      acc.push(buf, p);
    });
    out[0] = acc.mean[0];
    out[1] = acc.variance()[0];
  };
  const tmp = new Float64Array(2);
  const coupled = (t1: Float64Array, t2: Float64Array, out: Float64Array) => {
    acc.w = 0;
    acc.mean[0] = 0;
    acc.m2[0] = 0;
    const h1 = ws1.h;
    const h2 = ws2.h;
    const visit = (i: number, prob: number): void => {
      if (i === n) {
        buf[0] = problem.evaluate(t1, ws1) - problem.evaluate(t2, ws2);
        acc.push(buf, prob);
        return;
      }
      // logits of unit i depend only on units < i, whose values are already set
      problem.evaluate(t1, ws1);
      problem.evaluate(t2, ws2);
      const s1 = ws1.s[i];
      const s2 = ws2.s[i];
      const c1 = ws1.c[i];
      const c2 = ws2.c[i];
      // P(both 1) = min σ, P(both 0) = min σ(−a), P(split) = |σ₁ − σ₂| from whichever side keeps its digits
      const both1 = Math.min(s1, s2);
      const both0 = Math.min(c1, c2);
      const split = s1 + s2 > 1 ? Math.abs(c1 - c2) : Math.abs(s1 - s2);
      if (both1 > 0) {
        h1[i] = 1;
        h2[i] = 1;
        visit(i + 1, prob * both1);
      }
      if (split > 0) {
        h1[i] = +(s1 > s2);
        h2[i] = 1 - h1[i];
        visit(i + 1, prob * split);
      }
      if (both0 > 0) {
        h1[i] = 0;
        h2[i] = 0;
        visit(i + 1, prob * both0);
      }
    };
    h1.fill(0);
    h2.fill(0);
    visit(0, 1);
    out[0] = acc.mean[0];
    out[1] = acc.variance()[0];
  };
  return {
    dimension: problem.nParams,
    noisePerEvaluation: n,
    // independent: two Gray-code passes of 2ⁿ states; CRN: ≈ 3ⁿ leaves, 2 evaluations per tree node
    exactCostLog2: (crn) => (crn ? n * Math.log2(3) + Math.log2(2 * n + 2) : n + 1),
    measure(t, noise, off) {
      for (let i = 0; i < n; i++) u[i] = noise[off + i];
      return problem.forward(t, u, ws);
    },
    differenceMoments(t1, t2, crn, out) {
      assertEnumerable(problem);
      // both runs centred at one loss (the most likely configuration's at θ₁), so the difference of
      // two expectations that agree to 17 digits (a saturated unit) keeps its own digits
      const centre = modeLoss(problem, t1);
      if (t2 === null) {
        singleMoments(t1, centre, out);
        out[0] += centre;
        return;
      }
      if (crn) {
        if (n > MAX_COUPLED_UNITS) throw new InputError(`exact CRN moments enumerate 3^${n} coupled cells; at most ${MAX_COUPLED_UNITS} units are supported`);
        return coupled(t1, t2, out);
      }
      singleMoments(t1, centre, out);
      const m1 = out[0];
      const v1 = out[1];
      singleMoments(t2, centre, tmp);
      out[0] = m1 - tmp[0];
      out[1] = v1 + tmp[1];
    },
    expected(t) {
      const centre = modeLoss(problem, t);
      singleMoments(t, centre, tmp);
      return centre + tmp[0];
    },
    toJSON: () => ({ kind: "problem", problem: problem.toJSON() }),
  };
}
