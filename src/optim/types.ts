import type { LossOracle } from "../estimators/oracle.js";
import type { Stream } from "../random/stream.js";
import { InputError, requireFinite } from "../errors.js";
import { toVector, type VectorInput } from "../ndarray.js";
/**
 * Shared pieces of the stochastic-approximation optimisers (SPSA, FDSA, SGD): Spall's gain
 * sequences, stopping, recording, and the iterate average — so every method is run and recorded
 * the same way and compared at equal numbers of loss evaluations.
 *
 *   θₖ₊₁ = θₖ − aₖ ĝₖ(θₖ),  aₖ = a / (k + 1 + A)^α,  cₖ = c / (k + 1)^γ
 * Source: Spall 1998, IEEE Trans. Aerospace Electron. Syst. 34(3), "Implementation of the
 * simultaneous perturbation algorithm for stochastic optimization" (gain guidelines α = 0.602,
 * γ = 0.101, A ≈ 10% of the iterations); Polyak & Juditsky 1992 (iterate averaging).
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
  gains: Gains;
  trace: TracePoint[];
  /** method-specific details (calibration, estimator id, …) */
  details: Record<string, unknown>;
}

/** One iteration's gradient estimate: write ĝ for θ at iteration k (perturbation cₖ); returns evaluations used. */
export type GradientStep = (theta: Float64Array, k: number, ck: number, out: Float64Array) => number;

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
export function kernelStep(kernel: { c: number; noiseSize: number; lossEvaluations: number; estimate(t: Float64Array, noise: Float64Array, out: Float64Array): void }, stream: Stream): GradientStep {
  const noise = new Float64Array(kernel.noiseSize);
  const iterStream = stream.fork("iterations");
  return (t, _k, ck, out) => {
    kernel.c = ck;
    iterStream.uniforms(noise);
    kernel.estimate(t, noise, out);
    return kernel.lossEvaluations;
  };
}

export interface LoopOptions extends StopOptions, RecordOptions {
  method: string;
  gains: Gains;
  /** reject a step when y(new) > y(old) + blockingTolerance (requires `block`) */
  blockingTolerance?: number;
  block?: BlockingMeasure;
  /** evaluations already spent (calibration) */
  initialEvaluations?: number;
  details?: Record<string, unknown>;
}

/**
 * The shared loop: θₖ₊₁ = θₖ − aₖ ĝₖ with stopping by iterations/evaluations, optional blocking,
 * iterate averaging and a trace. Shapes: θ₀ (p). Allocates only before the loop.
 */
export function runLoop(theta0In: VectorInput, step: GradientStep, evalsPerStep: number, o: LoopOptions): OptimResult {
  const theta0 = toVector(theta0In, "θ₀");
  validateGains(o.gains);
  if (!Number.isInteger(o.iterations) || o.iterations < 1) throw new InputError(`iterations: expected an integer ≥ 1, got ${o.iterations}`);
  if (o.maxEvaluations !== undefined && !(o.maxEvaluations > 0)) throw new InputError(`max evaluations: expected a number > 0, got ${o.maxEvaluations}`);
  if (o.blockingTolerance !== undefined && !(o.blockingTolerance >= 0)) throw new InputError(`blocking tolerance: expected a number ≥ 0, got ${o.blockingTolerance}`);
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
  let nAvg = 0;
  let evaluations = o.initialEvaluations ?? 0;
  let rejected = 0;
  const initialLoss = monitor(theta);
  const trace: TracePoint[] = [{ iteration: 0, evaluations, loss: initialLoss }];
  // lossAveraged is absent until averaging starts (a NaN would be written as null)
  const point = (iteration: number): TracePoint => (nAvg > 0 ? { iteration, evaluations, loss: monitor(theta), lossAveraged: monitor(avg) } : { iteration, evaluations, loss: monitor(theta) });
  let k = 0;
  for (; k < N; k++) {
    if (evaluations + evalsPerStep + blockPerStep > maxEval) break;
    const ak = stepGain(o.gains, k);
    const ck = perturbationGain(o.gains, k);
    evaluations += step(theta, k, ck, g);
    for (let i = 0; i < p; i++) next[i] = theta[i] - ak * g[i];
    let accept = true;
    if (blockPerStep) {
      const [yOld, yNew] = o.block!(theta, next);
      evaluations += 2;
      accept = yNew <= yOld + o.blockingTolerance!;
    }
    if (accept) theta.set(next);
    else rejected++;
    if (k + 1 > averageFrom) {
      nAvg++;
      for (let i = 0; i < p; i++) avg[i] += (theta[i] - avg[i]) / nAvg;
    }
    if ((k + 1) % every === 0 || k + 1 === N) {
      trace.push(point(k + 1));
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
    gains: { ...o.gains },
    trace,
    details: o.details ?? {},
  };
}
