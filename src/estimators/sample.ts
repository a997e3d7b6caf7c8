/**
 * Monte Carlo moments of an estimator: n draws of ĝ(θ, noise), noise from a keyed stream.
 * Draws are grouped in fixed chunks; chunk c uses stream.fork(`chunk/${c}`) and its own
 * accumulator, merged in chunk order — so the result is the same however the chunks are
 * scheduled (sequentially here, or across workers).
 */
import type { Stream } from "../random/stream.js";
import { MomentAccumulator } from "../stats/accumulator.js";
import type { EstimatorInstance } from "./types.js";
import { toVector, type VectorInput } from "../ndarray.js";

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
  const theta = toVector(thetaIn, "θ");
  const noise = new Float64Array(instance.noiseSize);
  return sampleDraws(
    theta.length,
    n,
    stream,
    (s, g) => {
      s.uniforms(noise);
      instance.estimate(theta, noise, g);
      instance.observe?.();
    },
    onChunk,
    chunk,
  );
}
