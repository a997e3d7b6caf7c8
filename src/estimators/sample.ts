/**
 * Monte Carlo moments of an estimator: n draws of ĝ(θ, noise), noise from a keyed stream.
 * Draws are grouped in fixed chunks; chunk c uses stream.fork(`chunk/${c}`) and its own
 * accumulator, merged in chunk order — so the result is the same however the chunks are
 * scheduled (sequentially here, or across workers).
 */
import type { Stream } from "../random/stream.js";
import { MomentAccumulator } from "../stats/accumulator.js";
import { toFiniteVector, type VectorInput } from "../ndarray.js";
import { checkedParams, uncheckedInstance, type EstimatorInstance } from "./types.js";
import { FieldError } from "../errors.js";

export const DEFAULT_CHUNK = 4096;

export interface SampleMoments {
  n: number;
  mean: Float64Array;
  /** unbiased sample variance per coordinate */
  variance: Float64Array;
  /** standard error of the mean per coordinate */
  standardError: Float64Array;
  /** the accumulator itself (mergeable) */
  acc: MomentAccumulator;
}

/**
 * n i.i.d. draws of a vector statistic of length `dim`, in fixed chunks: chunk c draws from
 * stream.fork(`chunk/${c}`) into its own accumulator, merged in chunk order (Chan). Any
 * seeded Monte Carlo of a vector (estimators, phase statistics) goes through here.
 * `draw(s, out)` writes one draw to out (length dim) using only the stream s.
 */
export function sampleDraws(dim: number, n: number, stream: Stream, draw: (s: Stream, out: Float64Array) => void, onChunk?: (done: number, total: number) => void, chunk = DEFAULT_CHUNK): SampleMoments {
  requireDraws(n);
  if (!Number.isInteger(dim) || dim < 0) throw new FieldError("dim", `expected an integer ≥ 0, got ${dim}`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new FieldError("chunk", `expected an integer ≥ 1, got ${chunk}`);
  const total = new MomentAccumulator(dim);
  const part = new MomentAccumulator(dim);
  const g = new Float64Array(dim);
  const chunks = Math.ceil(n / chunk);
  for (let c = 0; c < chunks; c++) {
    const s = stream.fork(`chunk/${c}`);
    part.n = 0;
    part.mean.fill(0);
    part.m2.fill(0);
    const m = Math.min(chunk, n - c * chunk);
    for (let k = 0; k < m; k++) {
      draw(s, g);
      part.push(g);
    }
    total.merge(part);
    onChunk?.(Math.min(n, (c + 1) * chunk), n);
  }
  return { n, mean: total.mean.slice(), variance: total.variance(), standardError: total.standardError(), acc: total };
}

/**
 * Draw n estimates ĝ(θ, noise). Shapes: θ (nParams; a Float64Array or an ndarray); each draw reads `instance.noiseSize`
 * uniforms. If the instance is online (`observe`), its state advances after every draw.
 */
export function sampleMoments(instance: EstimatorInstance, thetaIn: VectorInput, n: number, stream: Stream, onChunk?: (done: number, total: number) => void, chunk = DEFAULT_CHUNK): SampleMoments {
  requireDraws(n);
  // validated once here; the draws then run the unchecked instance (observe stays the caller's)
  const theta = toFiniteVector(thetaIn, "θ", checkedParams(instance));
  const raw = uncheckedInstance(instance);
  const noise = new Float64Array(instance.noiseSize);
  return sampleDraws(
    theta.length,
    n,
    stream,
    (s, g) => {
      s.uniforms(noise);
      raw.estimate(theta, noise, g);
      instance.observe?.();
    },
    onChunk,
    chunk,
  );
}

/** FieldError on n unless it is an integer number of draws ≥ 2 (one draw has no variance). */
function requireDraws(n: number): void {
  if (!Number.isInteger(n) || n < 2) throw new FieldError("n", `expected an integer number of draws ≥ 2, got ${n}`);
}

/** Largest warm-up accepted by `warmUp` (draws). */
export const MAX_WARMUP = 1e8;

/**
 * Advance an online instance (one with observe()) by n seeded draws, as a training run would:
 * each draw fills the noise from `stream`, estimates at θ, then observes. Offline
 * instances are left alone. Returns the number of draws observed (n, or 0 when offline).
 * The exact engine then reports the moments of that frozen state. Shapes: θ (nParams).
 */
export function warmUp(instance: EstimatorInstance, thetaIn: VectorInput, n: number, stream: Stream, onDraw?: (done: number, total: number) => void): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WARMUP) throw new FieldError("warmup", `expected a number of draws, an integer in [0, ${MAX_WARMUP}], got ${n}`);
  const theta = toFiniteVector(thetaIn, "θ", checkedParams(instance));
  if (!instance.observe || n === 0) return 0;
  const raw = uncheckedInstance(instance);
  const noise = new Float64Array(instance.noiseSize);
  const g = new Float64Array(theta.length);
  for (let k = 0; k < n; k++) {
    stream.uniforms(noise);
    raw.estimate(theta, noise, g);
    instance.observe();
    if (onDraw && (k & 1023) === 1023) onDraw(k + 1, n);
  }
  return n;
}
