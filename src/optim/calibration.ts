/**
 * Gain calibration for the stochastic-approximation optimisers: every gain the caller leaves out
 * is set from measurements at θ₀ before the run, and the evaluations are counted.
 *
 *   σ̂ = standard deviation of n₀ loss measurements y(θ₀, ξ)           (n₀ = 25)
 *   c = σ̂ if σ̂ > 0, else 0.1                 (Spall: c ≈ the noise's standard deviation)
 *   A = ⌊0.1·N⌋                               (Spall: A ≈ 10% of the iterations)
 *   a = δ·(A + 1)^α / mean|ĝᵢ(θ₀)|            (so the first step a₀·mean|ĝᵢ| = δ; default δ = 0.1)
 *   a = a₀·(A + 1)^α                           (Newton-scaled 2-SPSA: a₀ = 1, no measurement)
 *   blocking tolerance "auto" = 2σ̂            (Qiskit's allowed_increase)
 * with mean|ĝᵢ(θ₀)| over the p coordinates and M gradient estimates at perturbation c₀ = c
 * (M = ⌈50 / evaluations per estimate⌉ unless given: 25 for SPSA, ⌈25/p⌉ for central FDSA).
 * σ̂ is measured only when c or the blocking tolerance needs it; the gradient estimates only when
 * a is omitted. Noise: σ̂ from stream.fork("calibrate/noise"), the estimates from
 * stream.fork("calibrate"), so calibration never shifts the iterations' noise.
 *
 * Source: Spall 1998, IEEE TAES 34(3), §III (gain guidelines); Qiskit's SPSA.calibrate (25
 * gradient estimates, a = target/mean|ĝ|, A = 0, c = 0.2, target 2π/10) and
 * SPSA.estimate_stddev (25 measurements, allowed_increase = 2σ̂).
 */
import type { LossOracle } from "../estimators/oracle.js";
import { FieldError, InputError } from "../errors.js";
import type { Stream } from "../random/stream.js";
import { SPALL_DEFAULTS, validateCalibration, validateGains, type Calibration, type Gains } from "./types.js";

/** Defaults of the calibration (see the file comment). */
export const CALIBRATION_DEFAULTS = { step: 0.1, noiseMeasurements: 25, evaluations: 50, c: 0.1, stabilityFraction: 0.1, toleranceSds: 2 } as const;

/** The gains a run asks for: the ones given, and the run's length. */
export interface GainRequest {
  a?: number;
  c?: number;
  A?: number;
  alpha?: number;
  gamma?: number;
  iterations: number;
  blockingTolerance?: number | "auto";
}

/** What calibration measured and set, for the record and the CLI's report. */
export interface CalibrationRecord {
  /** the gains set by calibration rather than given ("A" when it took the 10% default) */
  calibrated: ("a" | "c" | "A" | "blockingTolerance")[];
  /** loss measurements at θ₀ and their standard deviation σ̂ (when measured) */
  noise?: { measurements: number; sd: number };
  /** the gradient estimates behind a (when a was calibrated from them) */
  step?: { measurements: number; target: number; meanAbsGradient: number };
  /** a₀ = a/(A+1)^α of a Newton-scaled method whose a was set without measurement (2-SPSA) */
  newtonStep?: number;
  /** loss evaluations spent by calibration */
  evaluations: number;
  a: number;
  c: number;
  A: number;
  blockingTolerance?: number;
}

export interface CalibratedGains {
  gains: Gains;
  blockingTolerance?: number;
  /** loss evaluations spent */
  evaluations: number;
  /** null when nothing was measured or defaulted */
  record: CalibrationRecord | null;
}

/**
 * How a method's a is calibrated: from its gradient estimate at θ (ĝ(θ) with perturbation c
 * written to out, noise drawn from `stream`; returns the loss evaluations used), or, for a
 * Newton-scaled direction (2-SPSA), as a = a₀(A+1)^α with a₀ = newtonStep and no measurement.
 */
export type CalibrationEstimate = ((theta: Float64Array, c: number, stream: Stream, out: Float64Array) => number) | { newtonStep: number };

/**
 * σ̂: the sample standard deviation (n − 1) of n loss measurements at θ (Welford, so equal
 * measurements give exactly 0). Noise from `stream`. Shapes: θ (p).
 */
export function lossSpread(oracle: LossOracle, theta: Float64Array, n: number, stream: Stream): number {
  if (!Number.isInteger(n) || n < 2) throw new InputError(`loss spread: expected an integer ≥ 2 measurements, got ${n}`);
  const noise = new Float64Array(oracle.noisePerEvaluation);
  let mean = 0;
  let m2 = 0;
  for (let j = 1; j <= n; j++) {
    stream.uniforms(noise);
    const y = oracle.measure(theta, noise, 0);
    const d = y - mean;
    mean += d / j;
    m2 += d * (y - mean);
  }
  if (!Number.isFinite(m2)) throw new InputError("calibration: the loss at θ₀ is not finite");
  return Math.sqrt(m2 / (n - 1));
}

/** The run's details: the method's own entries plus what calibration measured. */
export function withCalibration(details: Record<string, unknown>, cal: CalibratedGains): Record<string, unknown> {
  return cal.record ? { ...details, calibration: cal.record } : details;
}

/**
 * Resolve the gains of a run (see the file comment): the given ones are kept, the omitted ones
 * are measured at θ₀. Shapes: θ₀ (p).
 */
export function calibrateGains(oracle: LossOracle, theta0: Float64Array, req: GainRequest, estimate: CalibrationEstimate, evalsPerEstimate: number, opts: Calibration | undefined, stream: Stream): CalibratedGains {
  validateCalibration(opts);
  if (req.a !== undefined && opts?.step !== undefined) throw new FieldError("calibrate", "a first-step target sets a from measurements; give either a or a calibration step, not both");
  const calibrated: CalibrationRecord["calibrated"] = [];
  const A = req.A ?? Math.floor(CALIBRATION_DEFAULTS.stabilityFraction * req.iterations);
  if (req.A === undefined) calibrated.push("A");
  const alpha = req.alpha ?? SPALL_DEFAULTS.alpha;
  const gamma = req.gamma ?? SPALL_DEFAULTS.gamma;
  // validate what is given before spending evaluations
  validateGains({ a: req.a ?? 1, c: req.c ?? 1, A, alpha, gamma });
  if (req.blockingTolerance !== undefined && req.blockingTolerance !== "auto" && (!(req.blockingTolerance >= 0) || !Number.isFinite(req.blockingTolerance))) {
    throw new FieldError("blockingTolerance", `expected a finite number ≥ 0 or "auto", got ${req.blockingTolerance}`);
  }
  let evaluations = 0;
  let noise: CalibrationRecord["noise"];
  let c = req.c;
  let blockingTolerance = req.blockingTolerance === "auto" ? undefined : req.blockingTolerance;
  if (c === undefined || req.blockingTolerance === "auto") {
    const n = opts?.noiseMeasurements ?? CALIBRATION_DEFAULTS.noiseMeasurements;
    const sd = lossSpread(oracle, theta0, n, stream.fork("calibrate/noise"));
    evaluations += n;
    noise = { measurements: n, sd };
    if (c === undefined) {
      c = sd > 0 ? sd : CALIBRATION_DEFAULTS.c;
      calibrated.push("c");
    }
    if (req.blockingTolerance === "auto") {
      blockingTolerance = CALIBRATION_DEFAULTS.toleranceSds * sd;
      calibrated.push("blockingTolerance");
    }
  }
  let a: number;
  let step: CalibrationRecord["step"];
  let newtonStep: number | undefined;
  if (req.a !== undefined) a = req.a;
  else if (typeof estimate !== "function") {
    newtonStep = estimate.newtonStep;
    a = newtonStep * (A + 1) ** alpha;
    calibrated.push("a");
  } else {
    const M = opts?.measurements ?? Math.max(1, Math.ceil(CALIBRATION_DEFAULTS.evaluations / evalsPerEstimate));
    const target = opts?.step ?? CALIBRATION_DEFAULTS.step;
    const p = theta0.length;
    const g = new Float64Array(p);
    const cs = stream.fork("calibrate");
    let meanAbs = 0;
    for (let j = 0; j < M; j++) {
      evaluations += estimate(theta0, c, cs, g);
      for (let i = 0; i < p; i++) meanAbs += Math.abs(g[i]) / (p * M);
    }
    if (!Number.isFinite(meanAbs)) throw new InputError("calibration: a gradient estimate at θ₀ is not finite; give a explicitly");
    if (!(meanAbs > 0)) throw new InputError("calibration: every gradient estimate at θ₀ was zero; give a explicitly");
    a = (target * (A + 1) ** alpha) / meanAbs;
    step = { measurements: M, target, meanAbsGradient: meanAbs };
    calibrated.push("a");
  }
  const gains = validateGains({ a, c, A, alpha, gamma });
  const record: CalibrationRecord | null = calibrated.length ? { calibrated, noise, step, newtonStep, evaluations, a, c, A, blockingTolerance } : null;
  return { gains, blockingTolerance, evaluations, record };
}
