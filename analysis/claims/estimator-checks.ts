/**
 * Building blocks of the `*-unbiased` and `*-bias` claims of RLOO, the antithetic estimators and the relaxations:
 * an exact check of E[ĝ] against the exact gradient, and a seeded z-test of the Monte Carlo mean
 * whose sample size gives the negative control's known offset power 1 − β ≈ 0.999.
 */
import { uncheckedInstance } from "../../src/estimators/types.js";
import type { EstimatorInstance, ExactMoments } from "../../src/estimators/types.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import type { Stream } from "../../src/random/stream.js";
import { zCritical } from "../../src/stats/tests.js";
import { exactCheck, sampleAndTest, samplesToRejectControl } from "./checks.js";
import type { Verdict } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

/** Exact ∇θ E[L] by enumeration (forward-mode product rule; no score identity). */
export function exactGradient(problem: BinaryProblem, theta: Float64Array): Float64Array {
  return exactAnalysis(problem, theta).gradient;
}

/** The instance's own exact moments; throws if it has none. */
export function momentsOf(inst: EstimatorInstance, theta: Float64Array, what: string): ExactMoments {
  if (!inst.exactMoments) throw new Error(`${what}: no exact moments on this problem`);
  return inst.exactMoments(theta);
}

/**
 * Sample size for a z-test at α (Bonferroni over P coordinates) to detect the control's offset:
 * the most detectable non-zero coordinate decides (samplesToRejectControl). Clamped to [2000, cap].
 */
export function powerSampleSize(offset: ArrayLike<number>, variance: ArrayLike<number>, alpha: number, cap = 2_000_000): number {
  return samplesToRejectControl(offset, variance, zCritical(alpha, offset.length), 2000, cap, 0);
}

/**
 * The pair of checks used by every `*-unbiased` claim on one problem: (1) exact E[ĝ] vs exact
 * gradient within `tol`; (2) seeded MC mean z-test at α with n from the control's exact offset.
 * Returns check verdicts for the estimator and the control, and data.
 */
export function unbiasedChecks(
  label: string,
  problem: BinaryProblem,
  make: () => EstimatorInstance,
  makeControl: () => EstimatorInstance,
  stream: Stream,
  alpha: number,
  tol: number,
  tolWhy: string,
): { checks: Verdict[]; controls: Verdict[]; data: Record<string, unknown> } {
  const theta = problem.initialParams();
  const grad = exactGradient(problem, theta);
  const inst = make();
  const ctrl = makeControl();
  const m = momentsOf(inst, theta, label);
  const mc = momentsOf(ctrl, theta, `${label} control`);
  const offset = mc.mean.map((v, k) => v - grad[k]);
  const n = powerSampleSize(offset, mc.variance, alpha);
  const checks: Verdict[] = [exactCheck(`${label}: exact E[ĝ] vs exact ∇E[L], relative ∞-norm (tolerance: ${tolWhy})`, m.mean, grad, tol)];
  const controls: Verdict[] = [exactCheck(`${label}: control's exact E[ĝ] vs exact ∇E[L] (same check)`, mc.mean, grad, tol)];
  const est = sampleAndTest(`${label}: Monte Carlo mean vs exact ∇E[L], max |z| vs Bonferroni z* at α`, inst, theta, grad, n, stream.fork(`${label}/mc`), alpha);
  const con = sampleAndTest(`${label}: control's Monte Carlo mean vs exact ∇E[L] (same test)`, ctrl, theta, grad, n, stream.fork(`${label}/mc-control`), alpha);
  checks.push(est.verdict);
  controls.push(con.verdict);
  return {
    checks,
    controls,
    data: {
      problem: problem.toJSON(),
      gradient: Array.from(grad),
      exactMean: Array.from(m.mean),
      exactVariance: Array.from(m.variance),
      exactRelativeError: maxRelativeError(m.mean, grad),
      controlExactMean: Array.from(mc.mean),
      controlRelativeError: maxRelativeError(mc.mean, grad),
      samples: n,
      monteCarloMean: Array.from(est.moments.mean),
      monteCarloVariance: Array.from(est.moments.variance),
    },
  };
}

/** The library's warm-up (estimate/observe pairs at θ from `stream`), re-exported for the claims and figures. */
export { warmUp } from "../../src/estimators/sample.js";

/** The instance without `observe`: its state (baselines, RELAX's φ) stays frozen while sampling. */
export function frozen(inst: EstimatorInstance): EstimatorInstance {
  const raw = uncheckedInstance(inst); // the claims' loops pass validated arguments
  return {
    noiseSize: inst.noiseSize,
    lossEvaluations: inst.lossEvaluations,
    estimate: (t, u, o) => raw.estimate(t, u, o),
    exactMoments: inst.exactMoments ? (t) => inst.exactMoments!(t) : undefined,
  };
}

/**
 * Monte Carlo-only unbiasedness check for problems where the control has no exact moments: a
 * pilot run (fork "pilot") estimates the control's offset and spread, which set n by power; then
 * the z-test at α on fresh streams for estimator and control.
 */
export function monteCarloUnbiasedChecks(label: string, problem: BinaryProblem, inst: EstimatorInstance, ctrl: EstimatorInstance, stream: Stream, alpha: number): { check: Verdict; control: Verdict; data: Record<string, unknown> } {
  const theta = problem.initialParams();
  const grad = exactGradient(problem, theta);
  const pilot = sampleAndTest("pilot", ctrl, theta, grad, 20000, stream.fork(`${label}/pilot`), alpha).moments;
  const offset = pilot.mean.map((v, k) => v - grad[k]);
  const n = powerSampleSize(offset, pilot.variance, alpha, 1_000_000);
  const est = sampleAndTest(`${label}: Monte Carlo mean vs exact ∇E[L], max |z| vs Bonferroni z* at α`, inst, theta, grad, n, stream.fork(`${label}/mc`), alpha);
  const con = sampleAndTest(`${label}: control's Monte Carlo mean vs exact ∇E[L] (same test)`, ctrl, theta, grad, n, stream.fork(`${label}/mc-control`), alpha);
  return { check: est.verdict, control: con.verdict, data: { problem: problem.toJSON(), gradient: Array.from(grad), samples: n, pilotControlOffset: Array.from(offset), monteCarloMean: Array.from(est.moments.mean), controlMonteCarloMean: Array.from(con.moments.mean) } };
}
