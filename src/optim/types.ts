import type { LossOracle } from "../estimators/oracle.js";
import type { Stream } from "../random/stream.js";
import { FieldError, InputError, requireFinite } from "../errors.js";
import { toVector, type VectorInput } from "../ndarray.js";
/**
 * Shared pieces of the stochastic-approximation optimisers (SPSA, 2-SPSA, FDSA, SGD): Spall's gain
 * sequences, stopping, recording, and the iterate average — so every method is run and recorded
 * the same way and compared at equal numbers of loss evaluations.
 *
 *   θₖ₊₁ = θₖ − aₖ dₖ(θₖ),  aₖ = a / (k + 1 + A)^α,  cₖ = c / (k + 1)^γ
 * with dₖ the method's direction (ĝₖ, or H̿ₖ⁻¹ĝₖ for 2-SPSA). Optional per step: a trust region
 * ‖θₖ₊₁ − θₖ‖₂ ≤ ρ, blocking (reject a step whose measured loss rises by more than a tolerance),
 * a callback and a termination checker (Qiskit's SPSA `callback` / `termination_checker`).
 * Source: Spall 1998, IEEE Trans. Aerospace Electron. Syst. 34(3), "Implementation of the
 * simultaneous perturbation algorithm for stochastic optimization" (gain guidelines α = 0.602,
 * γ = 0.101, A ≈ 10% of the iterations, blocking); Polyak & Juditsky 1992 (iterate averaging).
 */

export interface Gains {
  /** step-size numerator a > 0 */
  a: number;
  /** perturbation numerator c > 0 (ignored by SGD) */
  c: number;
  /** stability constant A ≥ 0 */
  A: number;
  /** step decay exponent α > 0 */
  alpha: number;
  /** perturbation decay exponent γ ≥ 0 */
  gamma: number;
}

/** Spall's practical defaults (a and c are problem-specific; A is set from the iteration count). */
export const SPALL_DEFAULTS = { alpha: 0.602, gamma: 0.101 } as const;

/** Throws InputError naming the gain unless a > 0, c > 0, A ≥ 0, α > 0, γ ≥ 0 (all finite). */
export function validateGains(g: Gains): Gains {
  for (const k of ["a", "c", "A", "alpha", "gamma"] as const) requireFinite(g[k], k);
  if (!(g.a > 0)) throw new InputError(`a: the step-size numerator must be > 0, got ${g.a}`);
  if (!(g.c > 0)) throw new InputError(`c: the perturbation size must be > 0, got ${g.c}`);
  if (!(g.A >= 0)) throw new InputError(`A: the stability constant must be ≥ 0, got ${g.A}`);
  if (!(g.alpha > 0)) throw new InputError(`alpha: the step decay exponent must be > 0, got ${g.alpha}`);
  if (!(g.gamma >= 0)) throw new InputError(`gamma: the perturbation decay exponent must be ≥ 0, got ${g.gamma}`);
  return g;
}

/** aₖ = a / (k + 1 + A)^α */
export function stepGain(g: Gains, k: number): number {
  return g.a / (k + 1 + g.A) ** g.alpha;
}

/** cₖ = c / (k + 1)^γ */
export function perturbationGain(g: Gains, k: number): number {
  return g.c / (k + 1) ** g.gamma;
}

export interface StopOptions {
  /** maximum iterations N */
  iterations: number;
  /** stop before an iteration would exceed this many loss evaluations (default ∞) */
  maxEvaluations?: number;
}

export interface RecordOptions {
  /** record every this many iterations (and the last); default ≈ 100 points */
  recordEvery?: number;
  /** the experimenter's exact loss of an iterate (noise-free L or exact E[L]); not counted as evaluations */
  monitor?: (theta: Float64Array) => number;
  /** average iterates θₖ for k ≥ averageFrom (default ⌊N/2⌋) */
  averageFrom?: number;
}

export interface TracePoint {
  iteration: number;
  /** loss evaluations spent so far (calibration and blocking included) */
  evaluations: number;
  /** monitor(θₖ) */
  loss: number;
  /** monitor(θ̄ₖ) of the averaged iterate (absent before averaging starts) */
  lossAveraged?: number;
}

/** Why a run ended: its iteration count, its evaluation budget, or the termination checker. */
export type StopReason = "iterations" | "evaluations" | "terminated";

export interface OptimResult {
  method: string;
  theta: number[];
  thetaAveraged: number[];
  iterations: number;
  evaluations: number;
  /** monitor at θ₀ */
  initialLoss: number;
  finalLoss: number;
  finalLossAveraged: number;
  /** steps rejected by blocking */
  rejected: number;
  /** steps shortened to the trust-region radius */
  clipped: number;
  stopReason: StopReason;
  gains: Gains;
  trace: TracePoint[];
  /** method-specific details (calibration, estimator id, …) */
  details: Record<string, unknown>;
}

/** What a gradient step reports besides its direction: a loss estimate from the measurements it took. */
export interface StepReport {
  /** mean of the step's loss measurements (near θₖ; NaN when the step measured no loss) */
  loss: number;
}

/**
 * One iteration's direction: write dₖ (ĝₖ, or a preconditioned ĝₖ) for θ at iteration k with
 * perturbation cₖ; returns the loss evaluations used. It may set `report.loss` (reset to NaN
 * before each call).
 */
export type GradientStep = (theta: Float64Array, k: number, ck: number, out: Float64Array, report: StepReport) => number;

/**
 * Passed to a run's `callback` and `terminationChecker` after every iteration (Qiskit's SPSA
 * callback arguments: evaluations, parameters, loss, step size, accepted).
 */
export interface StepInfo {
  /** iterations done, k + 1 */
  iteration: number;
  /** loss evaluations spent so far (calibration and blocking included) */
  evaluations: number;
  /** the iterate after this iteration (θₖ₊₁ if accepted, θₖ if not); a view, valid during the call only */
  theta: Float64Array;
  /**
   * a measured loss (counted evaluations, never the experimenter's monitor): with blocking, the
   * blocking measurement of `theta`; otherwise the mean of the step's gradient measurements
   * around θₖ (no extra evaluation; NaN for steps that measure no loss)
   */
  loss: number;
  /** ‖θₖ₊₁ − θₖ‖₂ of the proposed step (after the trust region) */
  stepSize: number;
  /** false when blocking rejected the step */
  accepted: boolean;
}

/** Optional blocking: measure the loss at the old and new iterate; returns [y(old), y(new)] and uses 2 evaluations. */
export type BlockingMeasure = (oldTheta: Float64Array, newTheta: Float64Array) => [number, number];

/**
 * Blocking measurements for a loss oracle: y(old), y(new) with common noise drawn from
 * stream.fork("block"); undefined when no blocking tolerance is set. Shared by SPSA and FDSA.
 */
export function blockingMeasure(oracle: LossOracle, stream: Stream, tolerance: number | undefined): BlockingMeasure | undefined {
  if (tolerance === undefined) return undefined;
  const blockNoise = new Float64Array(2 * oracle.noisePerEvaluation);
  const blockStream = stream.fork("block");
  return (oldT, newT) => {
    blockStream.uniforms(blockNoise);
    return [oracle.measure(oldT, blockNoise, 0), oracle.measure(newT, blockNoise, oracle.noisePerEvaluation)];
  };
}

/** A kernel's gradient step: set its perturbation size to cₖ, draw noise from stream.fork("iterations"), estimate. */
export function kernelStep(kernel: { c: number; noiseSize: number; lossEvaluations: number; estimate(t: Float64Array, noise: Float64Array, out: Float64Array): number }, stream: Stream): GradientStep {
  const noise = new Float64Array(kernel.noiseSize);
  const iterStream = stream.fork("iterations");
  return (t, _k, ck, out, report) => {
    kernel.c = ck;
    iterStream.uniforms(noise);
    report.loss = kernel.estimate(t, noise, out);
    return kernel.lossEvaluations;
  };
}

/**
 * How to calibrate the gains that are not given (src/optim/calibration.ts). Every field is
 * optional; the defaults follow Spall 1998 §III and Qiskit's `SPSA.calibrate`.
 */
export interface Calibration {
  /** gradient estimates averaged at θ₀ to set a (default ⌈50 / evaluations per estimate⌉) */
  measurements?: number;
  /** target magnitude δ of the first step's change in each θᵢ (default 0.1) */
  step?: number;
  /** loss measurements at θ₀ for the noise level σ̂ (default 25, as Qiskit's estimate_stddev) */
  noiseMeasurements?: number;
}

/**
 * The options SPSA, 2-SPSA and FDSA share: gains (each one left out is calibrated), resamplings,
 * blocking, trust region and the per-step observers.
 */
export interface SaOptions extends StopOptions, RecordOptions {
  /** step-size numerator a > 0; calibrated from gradient estimates at θ₀ when omitted */
  a?: number;
  /** perturbation numerator c > 0; set from the loss's noise level at θ₀ when omitted */
  c?: number;
  /** stability constant A ≥ 0 (default ⌊0.1·N⌋) */
  A?: number;
  /** step decay exponent α (default 0.602) */
  alpha?: number;
  /** perturbation decay exponent γ (default 0.101) */
  gamma?: number;
  /** gradient (and Hessian) estimates averaged per step, R ≥ 1 (Qiskit's `resamplings`; default 1) */
  resamplings?: number;
  /** how to calibrate the gains that are omitted */
  calibrate?: Calibration;
  /**
   * reject θₖ₊₁ when y(θₖ₊₁) > y(θₖ) + tolerance (two extra measurements per step); "auto" sets
   * the tolerance to 2σ̂, twice the loss's standard deviation at θ₀ (Qiskit's allowed_increase)
   */
  blockingTolerance?: number | "auto";
  /** trust-region radius ρ > 0 on ‖θₖ₊₁ − θₖ‖₂ */
  trustRegion?: number;
  /** called after every iteration (Qiskit's `callback`) */
  callback?: (info: StepInfo) => void;
  /** called after every iteration; true ends the run (Qiskit's `termination_checker`) */
  terminationChecker?: (info: StepInfo) => boolean;
}

export interface LoopOptions extends StopOptions, RecordOptions {
  method: string;
  gains: Gains;
  /** reject a step when y(new) > y(old) + blockingTolerance (requires `block`) */
  blockingTolerance?: number;
  block?: BlockingMeasure;
  /** evaluations already spent (calibration) */
  initialEvaluations?: number;
  /** trust-region radius ρ > 0: a step longer than ρ (Euclidean) is shortened to ρ */
  trustRegion?: number;
  /** called after every iteration (see StepInfo) */
  callback?: (info: StepInfo) => void;
  /** called after every iteration; returning true ends the run (stopReason "terminated") */
  terminationChecker?: (info: StepInfo) => boolean;
  details?: Record<string, unknown>;
}

/** Throws a FieldError (trustRegion) unless ρ is a finite number > 0 (or undefined: no trust region). */
export function validateTrustRegion(rho: number | undefined): number | undefined {
  if (rho !== undefined && (!(rho > 0) || !Number.isFinite(rho))) throw new FieldError("trustRegion", `the trust-region radius must be a finite number > 0, got ${rho}`);
  return rho;
}

/** R from `resamplings` or its former name `perturbations` (a FieldError if invalid or if both disagree). */
export function resolveResamplings(o: { resamplings?: number; perturbations?: number }): number {
  if (o.resamplings !== undefined && o.perturbations !== undefined && o.resamplings !== o.perturbations) {
    throw new FieldError("resamplings", `${o.resamplings} resamplings and ${o.perturbations} perturbations name the same count; give one`);
  }
  const R = o.resamplings ?? o.perturbations ?? 1;
  if (!Number.isInteger(R) || R < 1) throw new FieldError("resamplings", `expected an integer ≥ 1, got ${R}`);
  return R;
}

function requireCountField(n: number, field: string, what: string, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new FieldError(field, `${what}: expected an integer ≥ ${min}, got ${n}`);
}

/** Check the calibration options (a FieldError "calibrate" naming the entry). */
export function validateCalibration(o: Calibration | undefined): void {
  if (!o) return;
  if (o.measurements !== undefined) requireCountField(o.measurements, "calibrate", "measurements", 1);
  if (o.step !== undefined && (!(o.step > 0) || !Number.isFinite(o.step))) throw new FieldError("calibrate", `the first-step target must be a finite number > 0, got ${o.step}`);
  if (o.noiseMeasurements !== undefined) requireCountField(o.noiseMeasurements, "calibrate", "noise measurements", 2);
}

/**
 * Check every option SPSA, 2-SPSA and FDSA share before any measurement (so a caller can validate
 * before it creates output): the given gains, counts, resamplings, calibration, blocking and
 * trust region. Throws InputError (gains) or FieldError (the other fields).
 */
export function validateSaOptions(o: SaOptions & { perturbations?: number }): void {
  validateGains({ a: o.a ?? 1, c: o.c ?? 1, A: o.A ?? 0, alpha: o.alpha ?? SPALL_DEFAULTS.alpha, gamma: o.gamma ?? SPALL_DEFAULTS.gamma });
  if (!Number.isInteger(o.iterations) || o.iterations < 1) throw new InputError(`iterations: expected an integer ≥ 1, got ${o.iterations}`);
  resolveResamplings(o);
  validateCalibration(o.calibrate);
  if (o.a !== undefined && o.calibrate?.step !== undefined) throw new FieldError("calibrate", "a first-step target sets a from measurements; give either a or a calibration step, not both");
  const b = o.blockingTolerance;
  if (b !== undefined && b !== "auto" && (!(b >= 0) || !Number.isFinite(b))) throw new FieldError("blockingTolerance", `expected a finite number ≥ 0 or "auto", got ${b}`);
  validateTrustRegion(o.trustRegion);
}

/**
 * The shared loop: θₖ₊₁ = θₖ − aₖ dₖ with stopping by iterations, evaluations or the termination
 * checker, an optional trust region and blocking, iterate averaging and a trace. Shapes: θ₀ (p).
 * Allocates only before the loop (the StepInfo object is reused).
 */
export function runLoop(theta0In: VectorInput, step: GradientStep, evalsPerStep: number, o: LoopOptions): OptimResult {
  const theta0 = toVector(theta0In, "θ₀");
  validateGains(o.gains);
  if (!Number.isInteger(o.iterations) || o.iterations < 1) throw new InputError(`iterations: expected an integer ≥ 1, got ${o.iterations}`);
  if (o.maxEvaluations !== undefined && !(o.maxEvaluations > 0)) throw new InputError(`max evaluations: expected a number > 0, got ${o.maxEvaluations}`);
  if (o.blockingTolerance !== undefined && !(o.blockingTolerance >= 0)) throw new InputError(`blocking tolerance: expected a number ≥ 0, got ${o.blockingTolerance}`);
  const rho = validateTrustRegion(o.trustRegion) ?? Infinity;
  const p = theta0.length;
  const N = o.iterations;
  const every = Math.max(1, o.recordEvery ?? Math.ceil(N / 100));
  const averageFrom = o.averageFrom ?? Math.floor(N / 2);
  const monitor = o.monitor ?? (() => Number.NaN);
  const maxEval = o.maxEvaluations ?? Infinity;
  const blockPerStep = o.blockingTolerance !== undefined && o.block ? 2 : 0;
  const theta = theta0.slice();
  const next = new Float64Array(p);
  const g = new Float64Array(p);
  const avg = new Float64Array(p);
  const report: StepReport = { loss: Number.NaN };
  const info: StepInfo = { iteration: 0, evaluations: 0, theta, loss: Number.NaN, stepSize: 0, accepted: true };
  const observed = o.callback !== undefined || o.terminationChecker !== undefined;
  let nAvg = 0;
  let evaluations = o.initialEvaluations ?? 0;
  let rejected = 0;
  let clipped = 0;
  let stopReason: StopReason = "iterations";
  const initialLoss = monitor(theta);
  const trace: TracePoint[] = [{ iteration: 0, evaluations, loss: initialLoss }];
  // lossAveraged is absent until averaging starts (a NaN would be written as null)
  const point = (iteration: number): TracePoint => (nAvg > 0 ? { iteration, evaluations, loss: monitor(theta), lossAveraged: monitor(avg) } : { iteration, evaluations, loss: monitor(theta) });
  let k = 0;
  for (; k < N; k++) {
    if (evaluations + evalsPerStep + blockPerStep > maxEval) {
      stopReason = "evaluations";
      break;
    }
    const ak = stepGain(o.gains, k);
    const ck = perturbationGain(o.gains, k);
    report.loss = Number.NaN;
    evaluations += step(theta, k, ck, g, report);
    let norm2 = 0;
    for (let i = 0; i < p; i++) norm2 += g[i] * g[i];
    let stepSize = ak * Math.sqrt(norm2);
    let scale = ak;
    if (stepSize > rho) {
      scale = ak * (rho / stepSize);
      stepSize = rho;
      clipped++;
    }
    for (let i = 0; i < p; i++) next[i] = theta[i] - scale * g[i];
    let accept = true;
    let loss = report.loss;
    if (blockPerStep) {
      const [yOld, yNew] = o.block!(theta, next);
      evaluations += 2;
      accept = yNew <= yOld + o.blockingTolerance!;
      loss = accept ? yNew : yOld;
    }
    if (accept) theta.set(next);
    else rejected++;
    if (k + 1 > averageFrom) {
      nAvg++;
      for (let i = 0; i < p; i++) avg[i] += (theta[i] - avg[i]) / nAvg;
    }
    let stop = false;
    if (observed) {
      info.iteration = k + 1;
      info.evaluations = evaluations;
      info.loss = loss;
      info.stepSize = stepSize;
      info.accepted = accept;
      o.callback?.(info);
      stop = o.terminationChecker?.(info) === true;
    }
    if ((k + 1) % every === 0 || k + 1 === N || stop) {
      trace.push(point(k + 1));
    }
    if (stop) {
      k++;
      stopReason = "terminated";
      break;
    }
  }
  if (trace[trace.length - 1].iteration !== k) trace.push(point(k));
  const last = trace[trace.length - 1];
  return {
    method: o.method,
    theta: Array.from(theta),
    thetaAveraged: nAvg > 0 ? Array.from(avg) : Array.from(theta),
    iterations: k,
    evaluations,
    initialLoss,
    finalLoss: last.loss,
    finalLossAveraged: last.lossAveraged ?? last.loss,
    rejected,
    clipped,
    stopReason,
    gains: { ...o.gains },
    trace,
    details: o.details ?? {},
  };
}
