/**
 * Second-order SPSA (2-SPSA; Spall 2000, "Adaptive stochastic approximation by the simultaneous
 * perturbation method", IEEE TAC 45(10); the 2SPSA recursion):
 *
 *   θₖ₊₁ = θₖ − aₖ H̿ₖ⁻¹ ĝₖ,   H̿ₖ = f(H̄ₖ) = (H̄ₖᵀH̄ₖ + δₖI)^{1/2},
 *   H̄ₖ = k/(k+1) H̄ₖ₋₁ + 1/(k+1) Ĥₖ   (k = 0, 1, …; so H̄₀ = Ĥ₀),
 *
 * with ĝₖ, Ĥₖ the simultaneous-perturbation gradient and symmetrised Hessian estimates of
 * src/estimators/spsa-hessian.ts at cₖ = c/(k+1)^γ and c̃ₖ = c̃/(k+1)^γ (4 measurements per
 * resampling, R resamplings averaged), and f from src/optim/hessian-regularization.ts.
 * With `initialHessian` h₀ > 0, H̄ starts from the prior h₀I counted as one estimate
 * (H̄ₖ = (h₀I + Σⱼ≤ₖ Ĥⱼ)/(k + 2)), as Qiskit (h₀ = 1) and Spall's own code (h₀ = 500) do.
 *
 * Regularisation δₖ. Given as a number, δₖ = δ (Qiskit's constant form). By default ("auto") it
 * follows the Hessian estimate's own sampling noise:
 *   δₖ = β² p ŝₖ² / (R (k+1)),   ŝₖ² = mean over j ≤ k of Dⱼ²,
 * where Ĥ = D·½(Δ̃Δᵀ + ΔΔ̃ᵀ) (each entry of Ĥ has standard deviation ≈ |D|, and H̄ₖ's noise has
 * spectral radius ≈ √p·ŝₖ/√(R(k+1))). So the floor √δₖ of every eigenvalue of H̿ₖ sits at the
 * noise level of H̄ₖ: directions whose curvature is not yet resolved get a conservative step, and
 * δₖ → 0 as Spall requires. β = 1 by default.
 *
 * Gains: aₖ = a/(k+1+A)^α as for SPSA, but the direction H̿⁻¹ĝ is Newton-scaled, so a is in
 * Newton units: when a is omitted, a = a₀(A+1)^α with a₀ = 1 (a full regularised Newton step at
 * k = 0; no measurement needed). The defaults β = 1, a₀ = 1 were chosen on a panel (quadratic,
 * κ = 1000, p = 4; skewed quartic, p = 10; Rosenbrock, p = 2) by the geometric mean of the median
 * L(θ̂)/L(θ₀) relative to tuned first-order SPSA at 4000 measurements. c is calibrated as for SPSA;
 * c̃ = c by default (Qiskit; Spall's research code uses c̃ = 2c).
 * Noise: iterations from `stream.fork("iterations")`, calibration and blocking as SPSA.
 */
import type { Stream } from "../random/stream.js";
import { requireDimension } from "../problems/functions.js";
import type { LossOracle } from "../estimators/oracle.js";
import { SpsaHessianKernel } from "../estimators/spsa-hessian.js";
import { blockingMeasure, perturbationGain, resolveResamplings, runLoop, validateSaOptions, type GradientStep, type OptimResult, type SaOptions } from "./types.js";
import { calibrateGains, withCalibration } from "./calibration.js";
import { HessianPreconditioner } from "./hessian-regularization.js";
import { FieldError, InputError } from "../errors.js";
import { toVector, type VectorInput } from "../ndarray.js";

/** Defaults of 2-SPSA's own settings (see the file comment). */
export const SPSA2_DEFAULTS = { firstNewtonStep: 1, regularizationScale: 1 } as const;

export interface Spsa2OptimizeOptions extends SaOptions {
  /** Hessian perturbation numerator c̃ > 0, c̃ₖ = c̃/(k+1)^γ (default c) */
  cTilde?: number;
  /** δ > 0 in f(H̄) = (H̄ᵀH̄ + δI)^{1/2}, or "auto" (default): δₖ from the Hessian estimates' noise */
  regularization?: number | "auto";
  /** β > 0 of the "auto" regularisation (default 1) */
  regularizationScale?: number;
  /** h₀ ≥ 0: H̄ starts from the prior h₀I counted as one estimate (default 0: no prior, H̄₀ = Ĥ₀) */
  initialHessian?: number;
  /** the four measurements of a resampling read the same noise */
  crn?: boolean;
}

/** Check 2-SPSA's options before any measurement (the shared ones and its own; FieldErrors name the field). */
export function validateSpsa2Options(o: Spsa2OptimizeOptions): void {
  validateSaOptions(o);
  const reg = o.regularization;
  if (reg !== undefined && reg !== "auto" && (!(reg > 0) || !Number.isFinite(reg))) throw new FieldError("regularization", `δ in (H̄ᵀH̄ + δI)^½ must be a finite number > 0 or "auto", got ${reg}`);
  const beta = o.regularizationScale;
  if (beta !== undefined && (!(beta > 0) || !Number.isFinite(beta))) throw new FieldError("regularizationScale", `β must be a finite number > 0, got ${beta}`);
  if (beta !== undefined && reg !== undefined && reg !== "auto") throw new FieldError("regularizationScale", "applies to the automatic regularisation only; a given δ is used as is");
  if (o.cTilde !== undefined && (!(o.cTilde > 0) || !Number.isFinite(o.cTilde))) throw new FieldError("cTilde", `the Hessian perturbation c̃ must be a finite number > 0, got ${o.cTilde}`);
  const h0 = o.initialHessian;
  if (h0 !== undefined && (!(h0 >= 0) || !Number.isFinite(h0))) throw new FieldError("initialHessian", `h₀ must be a finite number ≥ 0, got ${h0}`);
  if (o.calibrate?.step !== undefined) throw new FieldError("calibrate", "a first-step target sets a first-order gain; 2-SPSA's a is in Newton units (a₀ = a/(A+1)^α, default 1)");
}

/**
 * Minimise E[y(θ)] from θ₀ by 2-SPSA. Shapes: θ₀ (p = oracle.dimension). Cost per step: 4R
 * measurements and one p×p eigen-decomposition (O(p³)); no allocation in the loop. The record's
 * details hold the final H̄ (row-major) and the eigenvalues of the last preconditioner.
 */
export function spsa2Optimize(oracle: LossOracle, theta0In: VectorInput, opts: Spsa2OptimizeOptions, stream: Stream): OptimResult {
  const theta0 = toVector(theta0In, "theta0");
  requireDimension(theta0, oracle.dimension, "theta0");
  validateSpsa2Options(opts);
  const R = resolveResamplings(opts);
  const reg = opts.regularization ?? "auto";
  const beta = opts.regularizationScale ?? SPSA2_DEFAULTS.regularizationScale;
  const h0 = opts.initialHessian ?? 0;
  const p = oracle.dimension;
  const kernel = new SpsaHessianKernel(oracle, { c: 1, resamplings: R, crn: opts.crn });
  const cal = calibrateGains(oracle, theta0, opts, { newtonStep: SPSA2_DEFAULTS.firstNewtonStep }, kernel.lossEvaluations, opts.calibrate, stream);
  const gains = cal.gains;
  const cTildeGains = { ...gains, c: opts.cTilde ?? gains.c };
  const noise = new Float64Array(kernel.noiseSize);
  const g = new Float64Array(p);
  const Hk = new Float64Array(p * p);
  const Hbar = new Float64Array(p * p);
  for (let i = 0; i < p; i++) Hbar[i * p + i] = h0;
  const prior = h0 > 0 ? 1 : 0;
  // with "auto", every call passes its own δₖ; the constructor's δ is then unused
  const pre = new HessianPreconditioner(p, reg === "auto" ? 1 : reg);
  const iterStream = stream.fork("iterations");
  let s2 = 0;
  let lastDelta = Number.NaN;
  const step: GradientStep = (t, k, ck, out, report) => {
    kernel.c = ck;
    kernel.cTilde = perturbationGain(cTildeGains, k);
    iterStream.uniforms(noise);
    report.loss = kernel.estimate(t, noise, g, Hk);
    const w = 1 / (k + 1 + prior);
    for (let i = 0; i < p * p; i++) Hbar[i] += w * (Hk[i] - Hbar[i]);
    s2 += (kernel.lastSquaredFactor - s2) / (k + 1);
    lastDelta = reg === "auto" ? (beta * beta * p * s2) / (R * (k + 1)) : reg;
    if (!(lastDelta > 0)) throw new InputError("regularization: every Hessian estimate so far is exactly zero (no measurable curvature), so the automatic δₖ is 0; give a constant regularization δ > 0");
    pre.apply(Hbar, g, out, lastDelta);
    return kernel.lossEvaluations;
  };
  const result = runLoop(theta0, step, kernel.lossEvaluations, {
    ...opts,
    method: "2spsa",
    gains,
    blockingTolerance: cal.blockingTolerance,
    block: blockingMeasure(oracle, stream, cal.blockingTolerance),
    initialEvaluations: cal.evaluations,
    details: withCalibration({ resamplings: R, crn: kernel.crn, cTilde: cTildeGains.c, regularization: reg === "auto" ? { kind: "auto", beta } : { kind: "constant", delta: reg }, initialHessian: h0 }, cal),
  });
  result.details.smoothedHessian = Array.from(Hbar);
  result.details.eigenvalues = Array.from(pre.eigenvalues);
  result.details.lastRegularization = lastDelta;
  return result;
}
